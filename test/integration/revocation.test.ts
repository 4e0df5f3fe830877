/**
 * Revocation that holds: a certificate revoked (注销) before delivery is not delivered (409
 * certificate_revoked_before_delivery); the holder's written revocation notice is recorded as sent (an event in the
 * chain, listed with the case's notices); verification (JSON and the HTML page) says when and why.
 */
import { expect, it } from 'vitest';
import { useOwnStack } from './ownStack.ts';
import { caseInReview, newKey } from './http.ts';

const own = useOwnStack('revocation');

it('a certificate revoked before delivery is refused at delivery, the holder is notified, verify shows why', async () => {
  const api = own.api;
  const { caseNo, tasks } = await caseInReview(api);
  for (const task of tasks) {
    const reply = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  const clerk = api.as('clerk1');
  const view = (await clerk.get(`/applications/${caseNo}`)).body;
  const certificateNo: string = view.certificates[0].certificateNo;
  const noticesBefore: number = view.notices.length;

  const reason = '申请人以欺骗手段取得许可';
  const revoked = await api.as('head.CITY_MANAGEMENT').post(
    `/certificates/${certificateNo}/revocation`,
    { department: 'CITY_MANAGEMENT', reason },
    {
      'idempotency-key': newKey(),
    },
  );
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);

  // Delivery is refused: the only certificate was revoked before it reached the holder.
  const delivery = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup' });
  expect(delivery.status).toBe(409);
  expect(delivery.body).toMatchObject({ code: 'certificate_revoked_before_delivery', field: 'caseNo' });
  expect(delivery.body.message).toContain(certificateNo);
  const after = (await clerk.get(`/applications/${caseNo}`)).body;
  expect(after.delivery ?? null).toBeNull();

  // The written notice: recorded as sent, right after the revocation, in the hash chain.
  expect(after.notices).toHaveLength(noticesBefore + 1);
  const notice = after.notices.at(-1);
  expect(notice).toMatchObject({ kind: 'certificate_revoked', title: '证照注销告知书' });
  expect(notice.body).toContain(certificateNo);
  expect(notice.body).toContain(reason);
  const rows = await own.sql`
    SELECT seq, type, prev_hash, hash FROM case_events WHERE case_no = ${caseNo} ORDER BY seq DESC LIMIT 2`;
  expect(rows.map((r) => r.type)).toEqual(['notice_sent', 'certificate_revoked']);
  expect(rows[0]!.prev_hash).toBe(rows[1]!.hash);
  const audit = (await api.as('auditor1').get(`/applications/${caseNo}/audit`)).body;
  expect(audit).toMatchObject({ intact: true, problems: [] });

  // Verification says when and why, in JSON and on the page a phone opens.
  const verified = (await api.get(`/certificates/${certificateNo}/verify`)).body;
  expect(verified.status).toBe('revoked');
  expect(verified.revocation).toMatchObject({ department: { code: 'CITY_MANAGEMENT' }, reason });
  expect(Date.parse(verified.revocation.at)).toBe(Date.parse(notice.sentAt));
  const page = await (
    await fetch(`${own.stack.apiUrl}/certificates/${certificateNo}/verify`, { headers: { accept: 'text/html' } })
  ).text();
  expect(page).toContain('已注销');
  expect(page).toContain(reason);
});
