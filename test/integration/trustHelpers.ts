/** Shared steps of the trust tests: an approved case, the offline verifier run as an auditor runs it. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { caseInReview, type Client } from './http.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'trust-test-'));
let files = 0;

/** A case approved by every department: its certificate is issued (and signed) at the last approval. */
export async function approvedCase(api: Client): Promise<{ caseNo: string; certificateNo: string }> {
  const { caseNo, tasks } = await caseInReview(api);
  for (const task of tasks) {
    const reply = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
  return { caseNo, certificateNo: view.certificates[0].certificateNo };
}

export function writeJson(content: unknown): string {
  const file = path.join(dir, `file-${++files}.json`);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

export function verifyExport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/verify-export.ts', ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
