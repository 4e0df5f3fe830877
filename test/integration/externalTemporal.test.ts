/**
 * An engine that is not ours: with `TEMPORAL_ADDRESS` set, the stack starts no dev server of its own and runs its
 * cases on the given one. The test plays the cluster's operator: it starts a Temporal dev server itself, points the
 * stack at it, and finds the case's workflow there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { startStack, type Stack } from '../../infra/stack.ts';
import { findTemporalCli } from '../../infra/temporalCli.ts';
import { readSettings } from '../../infra/config.ts';
import { startTemporalDevServer, type RunningTemporal } from '../../infra/temporalServer.ts';
import { TEST_CLOCK_START } from './clock.ts';
import { caseInReview, client, newKey, type Client } from './http.ts';

let clusterDir: string | undefined;
let dataDir: string | undefined;
let server: RunningTemporal | undefined;
let stack: Stack | undefined;
let connection: Connection | undefined;
let api: Client;
let temporal: TemporalClient;

/** The command lines of every process on this machine that mentions `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (args.includes(text)) found.push(args);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

beforeAll(async () => {
  // Two folders: the operator's server, and the stack (whose folder PostgreSQL's own user must be able to reach).
  clusterDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-cluster-'));
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-external-'));
  server = await startTemporalDevServer({
    cli: await findTemporalCli(readSettings(process.env).temporal.cli),
    dataDir: clusterDir,
    port: await freePort(),
  });
  stack = await startStack({
    dataDir,
    apiPort: await freePort(),
    env: { CLOCK_START: TEST_CLOCK_START, TEMPORAL_ADDRESS: server.address, DEMO_USERS: 'true' },
  });
  api = client(stack.apiUrl);
  connection = await Connection.connect({ address: server.address });
  temporal = new TemporalClient({ connection, namespace: 'default' });
});

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
  await server?.stop();
  for (const dir of [dataDir, clusterDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('an external Temporal server (TEMPORAL_ADDRESS)', () => {
  it('starts no dev server of its own and runs the cases on the given one', async () => {
    expect(stack!.temporal).toBeUndefined();
    expect(stack!.temporalAddress).toBe(server!.address);
    expect(stack!.env.TEMPORAL_ADDRESS).toBe(server!.address);
    await expect(stack!.restartTemporal()).rejects.toThrow(/external/);
    // No `temporal server start-dev` runs on the stack's folder; the one on the operator's folder does.
    expect(processesMentioning(path.join(dataDir!, 'temporal'))).toEqual([]);
    expect(processesMentioning(clusterDir!)).toHaveLength(1);

    const { caseNo, tasks } = await caseInReview(api);
    expect(tasks).toHaveLength(2);
    let last: any;
    for (const task of tasks) {
      last = await api
        .as(`reviewer.${task.department}`)
        .post(`/tasks/${task.id}/opinion`, { decision: 'approve' }, { 'idempotency-key': newKey() });
      expect(last.status, JSON.stringify(last.body)).toBe(200);
    }
    expect(last.body.status).toBe('approved');
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    expect(view.status).toBe('approved');
    expect(view.certificates).toHaveLength(1);

    // The case's workflow lives on the test's server: id = case number, on the `cases` task queue.
    const description = await temporal.workflow.getHandle(caseNo).describe();
    expect(description.workflowId).toBe(caseNo);
    expect(description.type).toBe('caseWorkflow');
    expect(description.taskQueue).toBe('cases');
    expect(description.status.name).toBe('RUNNING'); // approved, the certificate not yet delivered
    const live = await temporal.workflow.getHandle(caseNo).query<{ status: string; seq: number }>('caseState');
    expect(live.status).toBe('approved');
    expect(live.seq).toBe(view.lastSeq);
  });
});
