/**
 * 限时办结: a finished case keeps the due dates it had (moved by pauses and extensions) and whether its decision met
 * them, measured on the China calendar date of the decision.
 */
import { describe, expect, it } from 'vitest';
import { addWorkingDays, workingDaysBetween } from '../../rules/workingDays.ts';
import { Driver, cst, snapshot, submitCommand, type TestCommand } from './fixtures.ts';
import { clerk, command, head, reviewer } from '../support/commands.ts';

const AD = snapshot('OUTDOOR_AD_PERMIT'); // promised 10, statutory 20 working days
const AD_MATERIALS = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];
const accept: TestCommand = command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01'));
const opinion = (taskId: string, decision: 'approve' | 'refuse' = 'approve'): TestCommand =>
  command(
    'give_opinion',
    { taskId, decision, ...(decision === 'refuse' ? { reason: '设置地点不符合规划' } : {}) },
    reviewer('reviewer-1'),
  );

function adCaseAccepted(): Driver {
  const d = new Driver();
  d.run(submitCommand([AD], AD_MATERIALS), cst('2026-07-06 09:30'));
  d.run(accept, cst('2026-07-06 10:00'));
  return d;
}

function decideAllOn(d: Driver, day: string, decision: 'approve' | 'refuse' = 'approve') {
  for (const task of d.current.tasks.filter((t) => t.status === 'open')) {
    if (d.current.status === 'in_review') d.run(opinion(task.id, decision), cst(`${day} 15:00`));
  }
}

describe('timeliness of a finished case', () => {
  it('decided on the promised due date: on time and within the statutory limit', () => {
    const d = adCaseAccepted();
    const { promisedDue, statutoryDue } = d.current.deadlines;
    expect(promisedDue).toBe(addWorkingDays('2026-07-06', 10));
    decideAllOn(d, promisedDue as string);
    expect(d.current.status).toBe('approved');
    expect(d.current.timeliness).toEqual({
      decidedOn: promisedDue,
      promisedDue,
      statutoryDue,
      decidedOnTime: true,
      withinStatutoryLimit: true,
    });
  });

  it('decided after the promised date but within the statutory one: late, still lawful', () => {
    const d = adCaseAccepted();
    const late = addWorkingDays(d.current.deadlines.promisedDue as string, 1);
    decideAllOn(d, late);
    expect(d.current.timeliness).toMatchObject({ decidedOn: late, decidedOnTime: false, withinStatutoryLimit: true });
  });

  it('a refusal after the statutory date is outside the limit', () => {
    const d = adCaseAccepted();
    const statutoryDue = d.current.deadlines.statutoryDue as string;
    const after = addWorkingDays(statutoryDue, 2);
    decideAllOn(d, after, 'refuse');
    expect(d.current.status).toBe('refused');
    expect(d.current.timeliness).toMatchObject({
      statutoryDue,
      decidedOnTime: false,
      withinStatutoryLimit: false,
    });
  });

  it('an extension moves the due dates the decision is measured against', () => {
    const d = adCaseAccepted();
    const before = d.current.deadlines.statutoryDue as string;
    d.run(
      command('request_extension', { department: AD.departments[0]!.code, reason: '需现场核查' }, reviewer('r')),
      cst('2026-07-08 10:00'),
    );
    const extensionId = d.current.extensions[0]!.id;
    d.run(command('decide_extension', { extensionId, decision: 'approve' }, head('h')), cst('2026-07-08 11:00'));
    const moved = d.current.deadlines.statutoryDue as string;
    expect(workingDaysBetween(before, moved)).toBe(10);
    const day = addWorkingDays(before, 3); // past the original statutory date, within the extended one
    decideAllOn(d, day);
    expect(d.current.timeliness).toMatchObject({ statutoryDue: moved, withinStatutoryLimit: true });
  });

  it('an immediate matter accepted at the window finishes the same day', () => {
    const matter = snapshot('BUSINESS_REGISTRATION');
    const d = new Driver();
    d.run(
      submitCommand(
        [matter],
        ['COMPANY_REGISTRATION_APPLICATION', 'ARTICLES_OF_ASSOCIATION', 'APPLICANT_ID', 'PREMISES_PROOF'],
      ),
      cst('2026-07-06 09:30'),
    );
    d.run(accept, cst('2026-07-06 09:40'));
    expect(d.current.status).toBe('approved');
    expect(d.current.timeliness).toMatchObject({ decidedOn: '2026-07-06', sameDay: true });
  });

  it('a case still open has none', () => {
    expect(adCaseAccepted().current.timeliness).toBeUndefined();
  });
});
