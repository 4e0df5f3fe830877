/** Scans for a case's materials, uploaded over HTTP: the `{code, files}` entries submissions and supplements name. */
import { expect } from 'vitest';
import { minimalPdf } from '../support/files.ts';
import { login } from './http.ts';
import { freshAddress, upload } from './uploadClient.ts';

let serial = 0;
/** Distinct bytes each time: contents are stored once, so tests sharing bytes would share damage. */
export const uniqueScan = (pages = 1) => minimalPdf(pages, `scan ${process.pid} ${Date.now()} ${serial++}`);

/** Uploads one PDF per code as `uploader` (a clerk's username, or an applicant with `{caseNo, queryCode}`). */
export async function scansFor(
  apiUrl: string,
  codes: string[],
  uploader: string | { caseNo: string; queryCode: string },
): Promise<Array<{ code: string; files: string[] }>> {
  const entries = [];
  for (const code of codes) {
    const auth =
      typeof uploader === 'string' ? { token: await login(apiUrl, uploader) } : { ...uploader, from: freshAddress() };
    const reply = await upload(apiUrl, uniqueScan(), { filename: `${code}.pdf`, ...auth });
    expect(reply.status, reply.bytes.toString()).toBe(201);
    entries.push({ code, files: [reply.json.id as string] });
  }
  return entries;
}
