/**
 * A head refusing an extension over HTTP: the request is marked refused with who decided, the deadlines stay as they
 * were, no extension notice goes to the applicant, a second decision is 409, and the record holds the refusal. The
 * shared stack (real time): OUTDOOR_AD_PERMIT, statutory limit 20 working days, CITY_MANAGEMENT leads.
 */
import { describe, expect, inject, it } from 'vitest';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { TEST_TODAY } from './clock.ts';
import { caseInReview, client, newKey } from './http.ts';

const api = client(inject('apiUrl'));

describe('a head refuses an extension', () => {
  it('refused: deadlines unchanged, no notice, decided once, recorded with the head', async () => {
    const { caseNo } = await caseInReview(api);
    const before = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    const requested = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason: '需征求街道意见' },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.extension.id as string;

    const refused = await api
      .as('head.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions/${id}/approval`,
        { decision: 'refuse' },
        { 'idempotency-key': newKey() },
      );
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    expect(refused.body.status).toBe('in_review');
    expect(refused.body.extensions).toHaveLength(1);
    expect(refused.body.extensions[0]).toMatchObject({ id, status: 'refused', decidedBy: 'head.CITY_MANAGEMENT' });
    expect(refused.body.deadlines).toEqual(before.deadlines);
    expect(refused.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, 20));
    expect(refused.body.notices.map((n: { kind: string }) => n.kind)).toEqual(
      before.notices.map((n: { kind: string }) => n.kind),
    );
    expect(refused.body.tasks.map((t: { due: string }) => t.due)).toEqual(
      before.tasks.map((t: { due: string }) => t.due),
    );

    // decided once: neither approving afterwards nor refusing again is possible
    for (const decision of ['approve', 'refuse']) {
      const again = await api
        .as('head.CITY_MANAGEMENT')
        .post(`/applications/${caseNo}/extensions/${id}/approval`, { decision });
      expect(again.status, decision).toBe(409);
      expect(again.body.code).toBe('extension_already_decided');
    }

    const view = (await api.as('auditor1').get(`/applications/${caseNo}`)).body;
    const decided = view.events.filter((e: { type: string }) => e.type === 'extension_decided');
    expect(decided).toHaveLength(1);
    expect(decided[0].data).toMatchObject({ id, decision: 'refuse', headId: 'head.CITY_MANAGEMENT' });
    expect(view.deadlines).toEqual(before.deadlines);
  });
});
