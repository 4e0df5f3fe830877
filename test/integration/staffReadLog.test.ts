/**
 * The staff-read log (个人信息保护法) for the auditor's own views: each read of a case's audit, history, replay and
 * export by an auditor appears in GET /staff-reads with who, which view and when; a refused read (an unknown case)
 * leaves no entry. The shared stack.
 */
import { describe, expect, inject, it } from 'vitest';
import { caseInReview, client } from './http.ts';

const api = client(inject('apiUrl'));
const auditor = api.as('auditor1');

interface StaffRead {
  username: string;
  role: string;
  caseNo: string;
  view: string;
  at: string;
}

async function readsOf(caseNo: string): Promise<StaffRead[]> {
  const reads = await auditor.get(`/staff-reads?caseNo=${caseNo}&username=auditor1`);
  expect(reads.status).toBe(200);
  return reads.body;
}

describe('the auditor views are logged as staff reads', () => {
  it('audit, history, replay and export each add one entry naming the view', async () => {
    const { caseNo } = await caseInReview(api);
    expect(await readsOf(caseNo)).toEqual([]);
    const start = Date.now();
    const views: Array<[string, string]> = [
      ['audit', `/applications/${caseNo}/audit`],
      ['history', `/applications/${caseNo}/history`],
      ['replay', `/applications/${caseNo}/replay?upTo=1`],
      ['export', `/applications/${caseNo}/export`],
    ];
    for (const [view, path] of views) {
      const reply = await auditor.get(path);
      expect(reply.status, `${view}: ${JSON.stringify(reply.body)}`).toBe(200);
      const reads = await readsOf(caseNo);
      // newest first: the read just made heads the log
      expect(reads[0], view).toMatchObject({ username: 'auditor1', role: 'auditor', caseNo, view });
      expect(Date.parse(reads[0]!.at)).toBeGreaterThanOrEqual(start - 5_000);
    }
    expect((await readsOf(caseNo)).map((r) => r.view)).toEqual(['export', 'replay', 'history', 'audit']);
  });

  it('a read of an unknown case is 404 and logs nothing', async () => {
    const unknown = 'SQ20990101000000';
    for (const path of ['audit', 'history', 'replay', 'export']) {
      expect((await auditor.get(`/applications/${unknown}/${path}`)).status, path).toBe(404);
    }
    expect(await readsOf(unknown)).toEqual([]);
  });
});
