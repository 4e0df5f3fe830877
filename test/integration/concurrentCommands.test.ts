/**
 * Two different commands sent at the same moment to one case (what the case's lock is for): the record stays one
 * gapless sequence with no number twice, each answer tells the truth about what happened, and the case ends in a state
 * the rules allow. The shared stack; OUTDOOR_AD_PERMIT has two parallel tasks (CITY_MANAGEMENT, TRAFFIC_POLICE).
 */
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { caseInReview, client, newKey, type Reply } from './http.ts';

const api = client(inject('apiUrl'));
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });

afterAll(async () => {
  await sql.end({ timeout: 5 });
});

/** The case's record as PostgreSQL holds it: every seq from 1 up, none missing, none twice. */
async function expectGaplessRecord(caseNo: string) {
  const rows = await sql<Array<{ seq: number; type: string }>>`
    SELECT seq, type FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  const view = (await api.as('auditor1').get(`/applications/${caseNo}`)).body;
  // the case view folds the same record
  expect(view.events.map((e: { seq: number }) => e.seq)).toEqual(rows.map((r) => r.seq));
  return { types: rows.map((r) => r.type), view };
}

const opinion = (taskId: string, department: string) =>
  api.as(`reviewer.${department}`).post(
    `/tasks/${taskId}/opinion`,
    { decision: 'approve' },
    {
      'idempotency-key': newKey(),
    },
  );

describe('two commands racing on one case', () => {
  it("both departments' opinions at once: both accepted, one decision, one certificate, a gapless record", async () => {
    const { caseNo, tasks } = await caseInReview(api);
    expect(tasks).toHaveLength(2);
    const answers = await Promise.all(tasks.map((t) => opinion(t.id, t.department)));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // whichever came second saw the first: the later answer is the decided case
    const statuses = answers.map((a) => a.body.status).sort();
    expect(statuses).toEqual(['approved', 'in_review']);

    const { types, view } = await expectGaplessRecord(caseNo);
    expect(types.filter((t) => t === 'opinion_given')).toHaveLength(2);
    expect(types.filter((t) => t === 'case_approved')).toHaveLength(1);
    expect(types.filter((t) => t === 'certificate_issued')).toHaveLength(1);
    // the decision comes after both opinions
    expect(types.indexOf('case_approved')).toBeGreaterThan(types.lastIndexOf('opinion_given'));
    expect(view.status).toBe('approved');
    expect(view.tasks.map((t: { status: string }) => t.status)).toEqual(['approved', 'approved']);
  });

  // The last opinion against a withdrawal: whichever the case takes first ends it, so the other must be refused.
  // Several rounds, so that both orders are likely to be seen; each round must be coherent whatever the order.
  it('the last opinion and a withdrawal at once: exactly one wins, the other is a 409, the record shows the winner', async () => {
    const winners: string[] = [];
    for (let round = 0; round < 4; round++) {
      const { caseNo, tasks } = await caseInReview(api);
      const first = tasks.find((t) => t.department === 'TRAFFIC_POLICE')!;
      const last = tasks.find((t) => t.department === 'CITY_MANAGEMENT')!;
      expect((await opinion(first.id, first.department)).status).toBe(200);

      const [approved, withdrawn]: [Reply, Reply] = await Promise.all([
        opinion(last.id, last.department),
        api
          .as('clerk1')
          .post(`/applications/${caseNo}/withdrawal`, { reason: '申请人撤回' }, { 'idempotency-key': newKey() }),
      ]);
      const { types, view } = await expectGaplessRecord(caseNo);
      expect([approved.status, withdrawn.status].sort(), JSON.stringify([approved.body, withdrawn.body])).toEqual([
        200, 409,
      ]);
      if (approved.status === 200) {
        winners.push('opinion');
        expect(approved.body.status).toBe('approved');
        expect(withdrawn.body.code).toBe('already_decided');
        expect(view.status).toBe('approved');
        expect(types).not.toContain('withdrawn');
        expect(types.filter((t) => t === 'case_approved')).toHaveLength(1);
      } else {
        winners.push('withdrawal');
        expect(withdrawn.body.status).toBe('withdrawn');
        expect(approved.body.code).toBe('task_cancelled');
        expect(view.status).toBe('withdrawn');
        expect(types).not.toContain('case_approved');
        expect(types).not.toContain('certificate_issued');
        expect(types.filter((t) => t === 'withdrawn')).toHaveLength(1);
        // one opinion only: the one given before the race
        expect(types.filter((t) => t === 'opinion_given')).toHaveLength(1);
      }
      // a refused command wrote nothing: the record ends with the winner's step
      expect(types.filter((t) => t === 'case_approved' || t === 'withdrawn')).toHaveLength(1);
    }
    expect(winners).toHaveLength(4);
  });
});
