/**
 * A submission the rules refuse, sent to the real engine: refused before anything is started, and a retry is refused
 * the same way (no empty workflow left holding the case number).
 */
import { randomInt } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, expect, it, inject } from 'vitest';
import { submitCase, type CommandRequest, type EngineDeps } from '../../api/caseClient.ts';
import { createClock } from '../../infra/clock.ts';
import { loadSettings } from '../../infra/config.ts';
import { clerk } from '../support/commands.ts';
import { applicant, snapshot, submitCommand } from '../unit/fixtures.ts';

const connection = await Connection.connect({ address: inject('temporalAddress') });
afterAll(() => connection.close());
const temporal = new Client({ connection, namespace: loadSettings().temporal.namespace });
const deps: EngineDeps = {
  temporal,
  taskQueue: loadSettings().temporal.taskQueue,
  engineTimeoutMs: 10_000,
  clock: createClock(),
  certificatePrefix: 'TEST',
  caseExists: async () => false,
};

it('a submission refused by the rules answers 422 at once and on a retry, and starts no workflow', async () => {
  const caseNo = `RF${Date.now()}${randomInt(1000)}`;
  // A commitment (告知承诺) for a material whose catalogue entry allows none: the rules refuse the submission.
  const command = submitCommand([snapshot('OUTDOOR_AD_PERMIT')], ['OUTDOOR_AD_APPLICATION'], {
    caseNo,
    applicant,
    commitments: ['OUTDOOR_AD_APPLICATION'],
  });
  const request: CommandRequest<'submit'> = { data: command.data as CommandRequest<'submit'>['data'], actor: clerk() };
  const refusal = { statusCode: 422, code: 'commitment_not_allowed', field: 'commitments' };
  await expect(submitCase(deps, caseNo, request)).rejects.toMatchObject(refusal);
  await expect(submitCase(deps, caseNo, request)).rejects.toMatchObject(refusal);
  await expect(temporal.workflow.getHandle(caseNo).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});
