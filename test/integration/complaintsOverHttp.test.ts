/**
 * 投诉 · 咨询 over HTTP on the shared stack (today 2026-03-02, COMPLAINT_ANSWER_DAYS 10, COMPLAINT_WARNING_DAYS 2):
 * routing to the department that answers, due dates in working days, the lists each role sees, the one reply, the
 * lookup by number + phone, the case's timeline, and the figures on a hand-counted set: three filed here today
 * (counted as increments, other files may file too), and five rows of November 2025 written straight into the table
 * (a month nothing else touches) for the yellow and red cards and the in-time counts.
 */
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { TEST_TODAY } from './clock.ts';
import { caseInReview, client } from './http.ts';

const api = client(inject('apiUrl'));
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

const todayFigures = async () => {
  const answer = await api.as('supervisor1').get(`/supervision/complaints?from=${TEST_TODAY}&to=${TEST_TODAY}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.totals;
};

describe('complaints and consultations', () => {
  it('routes, lists, answers once, shows the answer by number + phone and beside the case', async () => {
    const before = await todayFigures();
    const { caseNo } = await caseInReview(api);
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    const lead = (view.tasks as Array<{ department: string; lead: boolean }>).find((t) => t.lead)!.department;
    const other = lead === 'CITY_MANAGEMENT' ? 'TRAFFIC_POLICE' : 'CITY_MANAGEMENT';

    // about a case, from the web: the case's lead department answers, within 10 working days
    const aboutCase = await api.post('/complaints', {
      kind: 'complaint',
      text: '审查超过承诺时限仍无答复',
      caseNo,
      department: other,
      phone: '138 0013 8000',
    });
    expect(aboutCase.status, JSON.stringify(aboutCase.body)).toBe(201);
    expect(aboutCase.body).toMatchObject({
      kind: 'complaint',
      due: addWorkingDays(TEST_TODAY, 10),
      department: { code: lead },
    });
    expect(aboutCase.body.number).toMatch(/^TS20260302\d{5}$/);

    // a hotline call typed in by a clerk, about a department
    const hotline = await api
      .as('clerk1')
      .post('/complaints', { kind: 'consultation', text: '办理户外广告许可需要哪些材料？', department: other });
    expect(hotline.status).toBe(201);
    expect(hotline.body.number).toMatch(/^ZX/);
    // about a window: no department, the centre's supervisors answer
    const aboutWindow = await api.post('/complaints', {
      kind: 'complaint',
      text: '窗口工作人员态度生硬',
      window: 'W01',
      phone: '13800138001',
    });
    expect(aboutWindow.status).toBe(201);
    expect(aboutWindow.body.department).toBeNull();

    // bad input: named field, never a row
    const bad = [
      [{ kind: 'complaint', text: '无', department: 'NO_SUCH' }, 400, 'department'],
      [{ kind: 'complaint', text: '无', phone: '12345' }, 400, 'phone'],
      [{ kind: 'complaint', text: '无', caseNo: 'SQ20990101999999' }, 404, 'caseNo'],
    ] as const;
    for (const [body, status, field] of bad) {
      const answer = await api.post('/complaints', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.field).toBe(field);
      expect(answer.body.message).toMatch(/\p{Script=Han}/u);
    }

    // lists: the lead department sees the case's, not the other department's; supervisors see all, phones masked
    const leadList = (await api.as(`reviewer.${lead}`).get('/complaints?status=open')).body as any[];
    expect(leadList.map((c) => c.number)).toContain(aboutCase.body.number);
    expect(leadList.map((c) => c.number)).not.toContain(hotline.body.number);
    const all = (await api.as('supervisor1').get(`/complaints?caseNo=${caseNo}`)).body as any[];
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      channel: 'web',
      subject: 'case',
      status: 'open',
      warning: null,
      phone: '138****8000',
    });
    const hotlineRow = ((await api.as(`head.${other}`).get('/complaints')).body as any[]).find(
      (c) => c.number === hotline.body.number,
    );
    expect(hotlineRow).toMatchObject({
      channel: 'hotline',
      channelLabel: '热线电话',
      filedBy: 'clerk1',
      subject: 'department',
    });
    expect((await api.as('clerk1').get('/complaints')).status).toBe(403);

    // the answer: only by the department concerned, once
    const path = `/complaints/${aboutCase.body.number}/reply`;
    expect((await api.as(`reviewer.${other}`).post(path, { text: '已转办' })).status).toBe(403);
    expect((await api.as('supervisor1').post(path, { text: '已转办' })).status).toBe(403);
    const replied = await api.as(`reviewer.${lead}`).post(path, { text: '已于今日作出审查意见，请查收' });
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body).toMatchObject({ status: 'answered', repliedBy: `reviewer.${lead}`, answeredInTime: true });
    const again = await api.as(`reviewer.${lead}`).post(path, { text: '再次答复' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_answered');
    const windowReply = await api
      .as('supervisor1')
      .post(`/complaints/${aboutWindow.body.number}/reply`, { text: '已约谈该窗口工作人员' });
    expect(windowReply.status).toBe(200);
    expect((await api.post(`/complaints/${aboutWindow.body.number}/reply`, { text: 'x' })).status).toBe(401);

    // the person reads the answer with the number and the phone they gave (spaces or not)
    const lookup = await api.get(`/complaints/${aboutCase.body.number}?phone=13800138000`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ status: 'answered', reply: '已于今日作出审查意见，请查收' });
    expect(lookup.body).not.toHaveProperty('repliedBy');
    expect((await api.get(`/complaints/${aboutCase.body.number}?phone=13800138001`)).status).toBe(404);
    // filed without a phone: nobody can read it by number alone
    expect((await api.get(`/complaints/${hotline.body.number}?phone=13800138000`)).status).toBe(404);
    expect((await api.get(`/complaints/${aboutCase.body.number}`)).status).toBe(400);

    // beside the case's timeline, not in its record
    const history = (await api.as('auditor1').get(`/applications/${caseNo}/history`)).body;
    expect(history.complaints).toEqual([
      expect.objectContaining({ number: aboutCase.body.number, status: 'answered', kindLabel: '投诉' }),
    ]);
    expect(history.entries.some((e: any) => /complaint/.test(e.type))).toBe(false);

    // today's figures: +3 filed (2 complaints, 1 consultation), +2 answered in time, one of each subject but centre
    const after = await todayFigures();
    expect(after.total - before.total).toBe(3);
    expect(after.complaints - before.complaints).toBe(2);
    expect(after.consultations - before.consultations).toBe(1);
    expect(after.answered - before.answered).toBe(2);
    expect(after.answeredInTime - before.answeredInTime).toBe(2);
    expect(after.bySubject.case - before.bySubject.case).toBe(1);
    expect(after.bySubject.department - before.bySubject.department).toBe(1);
    expect(after.bySubject.window - before.bySubject.window).toBe(1);
    expect(after.bySubject.centre - before.bySubject.centre).toBe(0);
  });

  it('yellow and red cards, answered in time or late, on a hand-counted month', async () => {
    // November 2025: 5 filed; due dates chosen around today (2026-03-02) for the cards.
    const rows = [
      // open, due long ago: red, and overdue in the figures
      { number: 'TS2025110399001', kind: 'complaint', subject: 'department', due: '2025-11-17', status: 'open' },
      // open, due tomorrow (2 working days' warning): yellow
      { number: 'TS2025110499002', kind: 'complaint', subject: 'case', due: '2026-03-03', status: 'open' },
      // open, due in two weeks: no card, not counted as answered or late
      { number: 'ZX2025110599003', kind: 'consultation', subject: 'department', due: '2026-03-16', status: 'open' },
      // answered on time
      {
        number: 'ZX2025110699004',
        kind: 'consultation',
        subject: 'window',
        due: '2025-11-20',
        status: 'answered',
        repliedOn: '2025-11-20',
      },
      // answered late
      {
        number: 'TS2025110799005',
        kind: 'complaint',
        subject: 'department',
        due: '2025-11-21',
        status: 'answered',
        repliedOn: '2025-11-24',
      },
    ];
    await sql`DELETE FROM complaints WHERE number IN ${sql(rows.map((r) => r.number))}`;
    for (const r of rows) {
      const filedOn = `2025-11-0${r.number.slice(9, 10)}`;
      await sql`INSERT INTO complaints
        (number, kind, channel, subject, text, department, filed_at, filed_on, due, status, reply, replied_on)
        VALUES (${r.number}, ${r.kind}, 'web', ${r.subject}, '手工计数样本', 'TAX', ${`${filedOn}T02:00:00Z`},
                ${filedOn}, ${r.due}, ${r.status}, ${r.repliedOn ? '已答复' : null}, ${r.repliedOn ?? null})`;
    }
    const figures = await api.as('supervisor1').get('/supervision/complaints?from=2025-11-01&to=2025-11-30');
    expect(figures.status).toBe(200);
    expect(figures.body.totals).toEqual({
      total: 5,
      complaints: 3,
      consultations: 2,
      answered: 2,
      answeredInTime: 1,
      // 1 in time over (2 answered + 1 open past due)
      inTimeRate: 1 / 3,
      openOverdue: 1,
      bySubject: { case: 1, department: 3, window: 1, centre: 0 },
    });
    expect(figures.body.byDepartment).toEqual([
      expect.objectContaining({ department: { code: 'TAX', name: expect.any(String) }, total: 5 }),
    ]);
    // a head sees their own department's figures only
    expect(
      (await api.as('head.TAX').get('/supervision/complaints?from=2025-11-01&to=2025-11-30')).body.totals.total,
    ).toBe(5);
    expect(
      (await api.as('head.CITY_MANAGEMENT').get('/supervision/complaints?from=2025-11-01&to=2025-11-30')).body.totals
        .total,
    ).toBe(0);

    const list = (await api.as('reviewer.TAX').get('/complaints?limit=500')).body as any[];
    const card = (n: string) => list.find((c) => c.number === n)?.warning;
    expect(card('TS2025110399001')).toBe('red');
    expect(card('TS2025110499002')).toBe('yellow');
    expect(card('ZX2025110599003')).toBeNull();
    expect(card('ZX2025110699004')).toBeNull();
    expect(list.find((c) => c.number === 'TS2025110799005')?.answeredInTime).toBe(false);
    await sql`DELETE FROM complaints WHERE number IN ${sql(rows.map((r) => r.number))}`;
  });

  it('filing is rate-limited per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await api.post('/complaints', { kind: 'consultation', text: '' })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
  });
});
