/**
 * The hall over HTTP on a stack of its own (a Tuesday, 09:50 China time; TRUST_PROXY so each test kiosk has its own
 * address): the ticket contract, calling order, 重呼 / 过号 / 转窗口 / 办结, the board and its live stream, many
 * windows calling at once on the real PostgreSQL, appointments with their limits, and the figures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useOwnStack } from './ownStack.ts';
import { applicationBody, newKey, type Client } from './http.ts';

const own = useOwnStack('queue', {
  CLOCK_START: '2026-03-03T09:50:00+08:00',
  TRUST_PROXY: 'true',
  QUEUE_LINE_LETTERS: 'SAMR=A',
  RATE_LIMIT_KIOSK_PER_MINUTE: '200',
  // W40 serves the public security line only; every other window every line (无差别受理)
  QUEUE_WINDOW_LINES: 'W40=PSB',
});
let api: Client;
const TODAY = '2026-03-03';
let kioskNo = 0;
/** A kiosk of its own address (X-Forwarded-For, believed with TRUST_PROXY). */
const kiosk = () => ({ 'x-forwarded-for': `10.20.${Math.floor(++kioskNo / 250)}.${(kioskNo % 250) + 1}` });
const take = (body: Record<string, unknown>, headers = kiosk()) => api.post('/queue/tickets', body, headers);

/** Calls and serves at W01 until no one waits: each scenario starts from an empty queue. */
async function drain(window = 'clerk1') {
  for (;;) {
    const called = await api.as(window).post('/queue/next');
    if (called.status === 204) return;
    expect(called.status, JSON.stringify(called.body)).toBe(200);
    await api.as(window).post(`/queue/tickets/${called.body.number}/served`, { caseNos: [] });
  }
}

const WINDOWS = Array.from({ length: 20 }, (_, i) => `W${String(i + 11).padStart(2, '0')}`);
const clerkOf = (window: string) => `clerk.${window.toLowerCase()}`;

beforeAll(async () => {
  api = own.api;
  for (const window of [...WINDOWS, 'W40']) {
    const created = await api.as('admin1').post('/users', {
      username: clerkOf(window),
      displayName: `${window} 窗口`,
      role: 'clerk',
      password: 'demo-demo-demo',
      window,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  // the demo password for the http client's login
  await own.sql`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'clerk1')
                WHERE username LIKE 'clerk.w%'`;
});

describe('taking a ticket (kiosk)', () => {
  it('201 with number, ahead and estimated wait; letters per line; numbering per line and day', async () => {
    const first = await take({ matter: 'BUSINESS_REGISTRATION' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ number: 'A001', ahead: 0, estimatedWaitMinutes: 0, line: 'SAMR', date: TODAY });
    const second = await take({ matter: 'FOOD_BUSINESS_LICENCE' }); // also SAMR
    expect(second.body).toMatchObject({ number: 'A002', ahead: 1 });
    expect(second.body.estimatedWaitMinutes).toBeGreaterThan(0);
    const other = await take({ matter: 'OUTDOOR_AD_PERMIT' }); // CITY_MANAGEMENT: the first free letter
    expect(other.body).toMatchObject({ number: 'B001', ahead: 2 });
    const theme = await take({ theme: 'START_BUSINESS' });
    expect(theme.body).toMatchObject({ number: 'T001', line: 'THEME' });
    await drain();
  });

  it('bad choices are 4xx naming the field', async () => {
    expect((await take({})).body).toMatchObject({ code: 'matter_required', field: 'matter' });
    expect((await take({ matter: 'NO_SUCH' })).body).toMatchObject({ code: 'matter_not_found', field: 'matter' });
    expect((await take({ theme: 'NOPE' })).status).toBe(404);
    expect((await take({ matter: 'BUSINESS_REGISTRATION', theme: 'START_BUSINESS' })).status).toBe(400);
    expect((await take({ appointmentCode: 'ZZZZZZZZ' })).body.code).toBe('appointment_not_found');
    expect((await take({ matter: 'BUSINESS_REGISTRATION', priority: 'yes' })).status).toBe(400);
  });

  it('rate-limited per kiosk address', async () => {
    const one = kiosk();
    const answers = [];
    for (let i = 0; i < 201; i++) answers.push((await take({ matter: 'TAXPAYER_SETUP' }, one)).status);
    expect(answers.slice(0, 200).every((s) => s === 201)).toBe(true);
    expect(answers[200]).toBe(429);
    // another kiosk is not affected
    expect((await take({ matter: 'TAXPAYER_SETUP' })).status).toBe(201);
    await own.sql`DELETE FROM queue_tickets WHERE status = 'waiting'`;
  });
});

describe('calling at the window', () => {
  it('priority before first come first served; 204 when no one waits; the window comes from the session', async () => {
    const a = await take({ matter: 'TAXPAYER_SETUP' });
    const b = await take({ matter: 'SEAL_ENGRAVING_FILING' });
    const elderly = await take({ matter: 'TAXPAYER_SETUP', priority: true });
    expect(elderly.body.ahead).toBe(0);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const called = await api.as('clerk2').post('/queue/next');
      expect(called.status).toBe(200);
      expect(called.body).toMatchObject({ status: 'called', window: 'W02', callCount: 1 });
      order.push(called.body.number);
      await api.as('clerk2').post(`/queue/tickets/${called.body.number}/served`, { caseNos: [] });
    }
    expect(order).toEqual([elderly.body.number, a.body.number, b.body.number]);
    const none = await api.as('clerk2').post('/queue/next');
    expect(none.status).toBe(204);
  });

  it('only clerks call; a second call before finishing the first is 409', async () => {
    expect((await api.as('supervisor1').post('/queue/next')).status).toBe(403);
    expect((await api.post('/queue/next')).status).toBe(401);
    await take({ matter: 'TAXPAYER_SETUP' });
    await take({ matter: 'TAXPAYER_SETUP' });
    const first = await api.as('clerk1').post('/queue/next');
    expect(first.status).toBe(200);
    const again = await api.as('clerk1').post('/queue/next');
    expect(again.body).toMatchObject({ code: 'window_busy' });
    expect((await api.as('clerk1').get('/queue/window')).body).toMatchObject({
      window: 'W01',
      current: { number: first.body.number },
      waiting: 1,
    });
    // another window cannot act on W01's ticket
    const foreign = await api.as('clerk2').post(`/queue/tickets/${first.body.number}/served`, { caseNos: [] });
    expect(foreign.body.code).toBe('ticket_not_at_window');
    await api.as('clerk1').post(`/queue/tickets/${first.body.number}/served`, { caseNos: [] });
    await drain();
  });

  it('重呼 counts calls; 过号 only after the configured two calls', async () => {
    const t = await take({ matter: 'TAXPAYER_SETUP' });
    await api.as('clerk1').post('/queue/next');
    const early = await api.as('clerk1').post(`/queue/tickets/${t.body.number}/no-show`);
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('recall_first');
    const recalled = await api.as('clerk1').post(`/queue/tickets/${t.body.number}/recall`);
    expect(recalled.body.callCount).toBe(2);
    const noShow = await api.as('clerk1').post(`/queue/tickets/${t.body.number}/no-show`);
    expect(noShow.status).toBe(200);
    expect(noShow.body).toMatchObject({ status: 'no_show' });
    expect(noShow.body.noShowAt).toMatch(/^2026-03-03T/);
  });

  it('转窗口: the ticket goes to the named window before anyone else there', async () => {
    const t = await take({ matter: 'TAXPAYER_SETUP' });
    const waiting = await take({ matter: 'TAXPAYER_SETUP', priority: true });
    const called = await api.as('clerk1').post('/queue/next');
    expect(called.body.number).toBe(waiting.body.number);
    expect(
      (await api.as('clerk1').post(`/queue/tickets/${called.body.number}/transfer`, { window: 'W01' })).body.code,
    ).toBe('same_window');
    expect(
      (await api.as('clerk1').post(`/queue/tickets/${called.body.number}/transfer`, { window: 'W99' })).body.code,
    ).toBe('unknown_window');
    const moved = await api.as('clerk1').post(`/queue/tickets/${called.body.number}/transfer`, { window: 'W02' });
    expect(moved.body).toMatchObject({ status: 'waiting', transferredTo: 'W02' });
    // W01 does not get it back; W02 calls it first although t was taken earlier
    const atW01 = await api.as('clerk1').post('/queue/next');
    expect(atW01.body.number).toBe(t.body.number);
    const atW02 = await api.as('clerk2').post('/queue/next');
    expect(atW02.body).toMatchObject({ number: waiting.body.number, window: 'W02', callCount: 1 });
    await api.as('clerk1').post(`/queue/tickets/${t.body.number}/served`, { caseNos: [] });
    await api.as('clerk2').post(`/queue/tickets/${waiting.body.number}/served`, { caseNos: [] });
  });

  it('办结 links the cases received; unknown case numbers are 422', async () => {
    const t = await take({ matter: 'OUTDOOR_AD_PERMIT' });
    await api.as('clerk1').post('/queue/next');
    const received = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(received.status).toBe(201);
    const bad = await api
      .as('clerk1')
      .post(`/queue/tickets/${t.body.number}/served`, { caseNos: ['SQ20990101000009'] });
    expect(bad.body).toMatchObject({ code: 'case_not_found', field: 'caseNos' });
    const served = await api.as('clerk1').post(`/queue/tickets/${t.body.number}/served`, {
      caseNos: [received.body.caseNo],
    });
    expect(served.body).toMatchObject({ status: 'served', caseNos: [received.body.caseNo] });
    const [row] = await own.sql`SELECT case_nos, served_at, called_at, taken_at FROM queue_tickets
                                WHERE day = ${TODAY} AND number = ${t.body.number}`;
    expect(row!.case_nos).toEqual([received.body.caseNo]);
    expect(row!.taken_at <= row!.called_at && row!.called_at <= row!.served_at).toBe(true);
    // finished: no second 办结
    expect((await api.as('clerk1').post(`/queue/tickets/${t.body.number}/served`, { caseNos: [] })).status).toBe(409);
  });
});

describe('a window configured for some lines', () => {
  it('calls only its lines, and what is transferred to it', async () => {
    await drain();
    const tax = await take({ matter: 'TAXPAYER_SETUP' });
    const psb = await take({ matter: 'SEAL_ENGRAVING_FILING' });
    const w40 = api.as('clerk.w40');
    expect((await w40.get('/queue/window')).body.waiting).toBe(1);
    const called = await w40.post('/queue/next');
    expect(called.body.number).toBe(psb.body.number);
    await w40.post(`/queue/tickets/${psb.body.number}/served`, { caseNos: [] });
    expect((await w40.post('/queue/next')).status).toBe(204);
    // W01 (every line) calls the tax ticket and sends it to W40
    expect((await api.as('clerk1').post('/queue/next')).body.number).toBe(tax.body.number);
    await api.as('clerk1').post(`/queue/tickets/${tax.body.number}/transfer`, { window: 'W40' });
    expect((await w40.post('/queue/next')).body).toMatchObject({ number: tax.body.number, window: 'W40' });
    await w40.post(`/queue/tickets/${tax.body.number}/served`, { caseNos: [] });
  });
});

describe('many windows at once (real PostgreSQL, FOR UPDATE SKIP LOCKED)', () => {
  it('20 windows calling the same instant get 20 different tickets', async () => {
    for (let i = 0; i < 20; i++) await take({ matter: 'TAXPAYER_SETUP' });
    const calls = await Promise.all(WINDOWS.map((w) => api.as(clerkOf(w)).post('/queue/next')));
    expect(calls.map((c) => c.status)).toEqual(WINDOWS.map(() => 200));
    const numbers = calls.map((c) => c.body.number as string);
    expect(new Set(numbers).size).toBe(20);
    expect(calls.map((c) => c.body.window).sort()).toEqual([...WINDOWS].sort());
    await Promise.all(
      calls.map((c, i) => api.as(clerkOf(WINDOWS[i]!)).post(`/queue/tickets/${c.body.number}/served`, { caseNos: [] })),
    );
  });

  it('20 windows working through 100 tickets while more are taken: every ticket called exactly once', async () => {
    const taken: string[] = [];
    for (let i = 0; i < 60; i++) taken.push((await take({ matter: 'SEAL_ENGRAVING_FILING' })).body.number);
    const calledBy = new Map<string, string[]>();
    const takers = (async () => {
      for (let i = 0; i < 40; i++) taken.push((await take({ matter: 'SEAL_ENGRAVING_FILING' })).body.number);
    })();
    let takingDone = false;
    void takers.then(() => (takingDone = true));
    await Promise.all(
      WINDOWS.map(async (window) => {
        const clerk = api.as(clerkOf(window));
        for (;;) {
          const called = await clerk.post('/queue/next');
          if (called.status === 204) {
            if (takingDone) return;
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          expect(called.status, JSON.stringify(called.body)).toBe(200);
          calledBy.set(called.body.number, [...(calledBy.get(called.body.number) ?? []), window]);
          const served = await clerk.post(`/queue/tickets/${called.body.number}/served`, { caseNos: [] });
          expect(served.status).toBe(200);
        }
      }),
    );
    await takers;
    expect([...calledBy.keys()].sort()).toEqual([...taken].sort());
    expect([...calledBy.values()].every((windows) => windows.length === 1)).toBe(true);
    const [counts] = await own.sql`SELECT count(*) FILTER (WHERE call_count <> 1)::int AS odd,
        count(*) FILTER (WHERE status = 'waiting')::int AS waiting FROM queue_tickets WHERE day = ${TODAY}
        AND line = 'PSB'`;
    expect(counts).toEqual({ odd: 0, waiting: 0 });
  });

  it('one window calling twice at the same instant gets one ticket and one 409', async () => {
    await take({ matter: 'TAXPAYER_SETUP' });
    await take({ matter: 'TAXPAYER_SETUP' });
    const both = await Promise.all([api.as('clerk1').post('/queue/next'), api.as('clerk1').post('/queue/next')]);
    expect(both.map((b) => b.status).sort()).toEqual([200, 409]);
    await api.as('clerk1').post(`/queue/tickets/${both.find((b) => b.status === 200)!.body.number}/served`, {
      caseNos: [],
    });
    await drain();
  });
});

describe('the board', () => {
  it('GET /queue/board lists the latest calls by window and the waiting per line', async () => {
    const t = await take({ matter: 'BUSINESS_REGISTRATION' });
    await take({ matter: 'BUSINESS_REGISTRATION' });
    await api.as('clerk2').post('/queue/next');
    const board = await api.get('/queue/board');
    expect(board.status).toBe(200);
    expect(board.body.calls[0]).toMatchObject({ number: t.body.number, window: 'W02', callCount: 1 });
    expect(board.body.calls[0].announcement).toContain('2 号窗口');
    expect(board.body.waiting.find((w: { line: string }) => w.line === 'SAMR')).toMatchObject({
      letter: 'A',
      waiting: 1,
    });
    await api.as('clerk2').post(`/queue/tickets/${t.body.number}/served`, { caseNos: [] });
    await drain();
  });

  it('the stream (server-sent events) carries each call and 重呼 as it happens', async () => {
    const controller = new AbortController();
    const response = await fetch(`${own.stack.apiUrl}/queue/board/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      const until = Date.now() + 10_000;
      while (!text.includes(needle)) {
        if (Date.now() > until) throw new Error(`no ${needle} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value);
      }
    };
    await readUntil('retry:');
    const t = await take({ matter: 'BUSINESS_REGISTRATION' });
    await api.as('clerk1').post('/queue/next');
    await readUntil(`"number":"${t.body.number}"`);
    expect(text).toMatch(new RegExp(`event: call\\ndata: \\{"type":"call","number":"${t.body.number}","window":"W01"`));
    await api.as('clerk1').post(`/queue/tickets/${t.body.number}/recall`);
    await readUntil('"callCount":2');
    controller.abort();
    await api.as('clerk1').post(`/queue/tickets/${t.body.number}/served`, { caseNos: [] });
  });
});

describe('appointments', () => {
  const phone = '13800138000';

  it('slots over working days with remaining capacity; none on a Saturday', async () => {
    const slots = await api.get(`/appointments/slots?matter=BUSINESS_REGISTRATION&date=${TODAY}`);
    expect(slots.status).toBe(200);
    expect(slots.body).toHaveLength(13);
    expect(slots.body[0]).toMatchObject({ id: 'SAMR.2026-03-03.0900', capacity: 4, remaining: 4, bookable: false });
    expect(slots.body[2]).toMatchObject({ id: 'SAMR.2026-03-03.1000', bookable: true });
    expect((await api.get('/appointments/slots?matter=BUSINESS_REGISTRATION&date=2026-03-07')).body).toEqual([]);
    expect((await api.get('/appointments/slots?date=2026-03-04')).body.code).toBe('matter_required');
    expect((await api.get('/appointments/slots?matter=BUSINESS_REGISTRATION&date=2026-02-30')).body.code).toBe(
      'invalid_date',
    );
  });

  it('booking gives a code; capacity holds under concurrent bookings', async () => {
    const slotId = 'SAMR.2026-03-04.0900';
    const phones = Array.from({ length: 8 }, (_, i) => `1390000000${i}`);
    const answers = await Promise.all(
      phones.map((p) => api.post('/appointments', { slotId, phone: p, matter: 'BUSINESS_REGISTRATION' }, kiosk())),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'slot_full')).toBe(true);
    expect(answers.find((a) => a.status === 201)!.body.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    const slots = await api.get('/appointments/slots?matter=BUSINESS_REGISTRATION&date=2026-03-04');
    expect(slots.body[0]).toMatchObject({ remaining: 0, bookable: false });
    expect((await api.post('/appointments', { slotId: 'SAMR.2026-03-04.1000' }, kiosk())).body.code).toBe(
      'phone_required',
    );
    expect((await api.post('/appointments', { slotId: 'SAMR.2026-03-04.1000', phone: '123' }, kiosk())).body.code).toBe(
      'invalid_phone',
    );
    expect((await api.post('/appointments', { slotId: 'SAMR.2026-03-07.1000', phone }, kiosk())).status).toBe(404);
    expect(
      (
        await api.post(
          '/appointments',
          { slotId: 'PSB.2026-03-04.1000', phone, matter: 'BUSINESS_REGISTRATION' },
          kiosk(),
        )
      ).body.code,
    ).toBe('slot_not_of_matter');
  });

  it('cancellation up to 60 minutes before the slot, once', async () => {
    const later = await api.post('/appointments', { slotId: 'SAMR.2026-03-05.0900', phone }, kiosk());
    expect(later.status).toBe(201);
    const cancelled = await api.raw('DELETE', `/appointments/${later.body.code}`, undefined, kiosk());
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api.raw('DELETE', `/appointments/${later.body.code}`, undefined, kiosk())).status).toBe(409);
    const soon = await api.post('/appointments', { slotId: 'SAMR.2026-03-03.1030', phone }, kiosk());
    expect(soon.status).toBe(201);
    const tooLate = await api.raw('DELETE', `/appointments/${soon.body.code}`, undefined, kiosk());
    expect(tooLate.body).toMatchObject({ code: 'cancel_too_late', field: 'code' });
  });

  it('checked in within the slot: called before priority and ordinary tickets', async () => {
    await drain();
    const booked = await api.post('/appointments', { slotId: 'HRSS.2026-03-03.1000', phone: '13700000001' }, kiosk());
    expect(booked.status).toBe(201);
    const ordinary = await take({ matter: 'TAXPAYER_SETUP' });
    const elderly = await take({ matter: 'TAXPAYER_SETUP', priority: true });
    // 09:50+, the slot starts at 10:00: within the 15 minutes before it
    const withCode = await take({ appointmentCode: booked.body.code });
    expect(withCode.status, JSON.stringify(withCode.body)).toBe(201);
    expect(withCode.body).toMatchObject({ appointment: true, ahead: 0, line: 'HRSS' });
    expect((await take({ appointmentCode: booked.body.code })).body.code).toBe('appointment_used');
    const order = [];
    for (let i = 0; i < 3; i++) {
      const called = await api.as('clerk1').post('/queue/next');
      order.push(called.body.number);
      await api.as('clerk1').post(`/queue/tickets/${called.body.number}/served`, { caseNos: [] });
    }
    expect(order).toEqual([withCode.body.number, elderly.body.number, ordinary.body.number]);
    // another day's appointment, or one too early, is no priority ticket
    const tomorrow = await api.post('/appointments', { slotId: 'HRSS.2026-03-04.1000', phone: '13700000002' }, kiosk());
    expect((await take({ appointmentCode: tomorrow.body.code })).body.code).toBe('appointment_not_today');
    const afternoon = await api.post(
      '/appointments',
      { slotId: 'HRSS.2026-03-03.1500', phone: '13700000003' },
      kiosk(),
    );
    expect((await take({ appointmentCode: afternoon.body.code })).body.code).toBe('appointment_too_early');
  });

  it('three missed appointments within 30 days bar booking for 30 days', async () => {
    const missed = '13600000000';
    for (const day of ['2026-02-10', '2026-02-20', '2026-02-26']) {
      await own.sql`INSERT INTO appointments (code, slot_id, line, day, starts_at, ends_at, phone, status, created_at)
        VALUES (${`M${day.replace(/-/g, '').slice(1)}`}, ${`SAMR.${day}.0900`}, 'SAMR', ${day},
          ${`${day}T09:00:00+08:00`}, ${`${day}T09:30:00+08:00`}, ${missed}, 'booked', ${`${day}T08:00:00+08:00`})`;
    }
    const barred = await api.post('/appointments', { slotId: 'SAMR.2026-03-06.0900', phone: missed }, kiosk());
    expect(barred.status).toBe(422);
    expect(barred.body).toMatchObject({ code: 'booking_barred', field: 'phone' });
    expect(barred.body.message).toContain('2026-03-28');
    // two misses only: open
    await own.sql`UPDATE appointments SET status = 'cancelled' WHERE phone = ${missed} AND day = '2026-02-10'`;
    expect((await api.post('/appointments', { slotId: 'SAMR.2026-03-06.0900', phone: missed }, kiosk())).status).toBe(
      201,
    );
  });
});

describe('figures', () => {
  it('GET /supervision/queue: per day and hour, windows, no-shows, appointments kept', async () => {
    const figures = await api.as('supervisor1').get(`/supervision/queue?from=${TODAY}&to=${TODAY}`);
    expect(figures.status).toBe(200);
    const [day] = figures.body.days;
    const [counts] = await own.sql`SELECT count(*)::int AS tickets,
        count(*) FILTER (WHERE status = 'no_show')::int AS no_shows,
        count(*) FILTER (WHERE status = 'served')::int AS served FROM queue_tickets WHERE day = ${TODAY}`;
    expect(day).toMatchObject({
      date: TODAY,
      tickets: counts!.tickets,
      noShows: counts!.no_shows,
      served: counts!.served,
      appointmentsKept: 1,
    });
    // the stack's clock runs in real time: every wait here is under 10 minutes
    expect(day.withinTargetShare).toBe(1);
    expect(day.hours.map((h: { hour: number }) => h.hour)).toEqual([9]);
    expect(day.windows.length).toBeGreaterThanOrEqual(20);
    expect(figures.body.total.tickets).toBe(counts!.tickets);
    expect((await api.as('clerk1').get(`/supervision/queue?from=${TODAY}&to=${TODAY}`)).status).toBe(403);
    expect((await api.as('supervisor1').get('/supervision/queue?from=2026-03-05&to=2026-03-01')).status).toBe(400);
  });
});
