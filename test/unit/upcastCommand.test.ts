/** Commands recorded before the envelope, upcast where the workflow receives them (workflows/upcastCommand.ts). */
import { describe, expect, it } from 'vitest';
import { actorDetails, actorKinds, type StaffUser } from '../../rules/access.ts';
import { upcastCommand } from '../../workflows/upcastCommand.ts';

const AT = '2026-07-06T01:00:00.000Z';
const head: StaffUser = { username: 'cm-head', displayName: '王主任', role: 'head', department: 'CM', standsInFor: [] };
const clerk: StaffUser = { username: 'clerk-01', displayName: '李', role: 'clerk', window: 'W3', standsInFor: [] };

describe('upcasting old Update arguments', () => {
  it('a submission: the receiving clerk becomes the actor, the window stays data', () => {
    const old = {
      caseNo: 'SQ1',
      queryCode: 'Q',
      materials: [],
      receivedBy: { clerkId: 'clerk-01', window: 'W3' },
      by: { role: 'clerk', window: 'W3' },
      rules: 2,
      at: AT,
    };
    expect(upcastCommand('submit', old)).toEqual({
      type: 'submit',
      data: { caseNo: 'SQ1', queryCode: 'Q', materials: [], rules: 2, window: 'W3' },
      meta: { actor: { kind: 'clerk', id: 'clerk-01', role: 'clerk', window: 'W3' }, at: AT },
    });
  });

  it('before accounts: no `by`, the actor is the id alone', () => {
    expect(upcastCommand('decide_acceptance', { decision: 'accept', clerkId: 'clerk-01', at: AT })).toEqual({
      type: 'decide_acceptance',
      data: { decision: 'accept' },
      meta: { actor: { kind: 'clerk', id: 'clerk-01' }, at: AT },
    });
  });

  it("a head's extension decision was recorded with the reviewer's kind", () => {
    const old = { extensionId: 'X1', decision: 'approve', headId: 'cm-head', department: 'CM', by: { role: 'head' } };
    expect(upcastCommand('decide_extension', { ...old, at: AT }).meta.actor).toEqual({
      kind: 'reviewer',
      id: 'cm-head',
      role: 'head',
    });
  });

  it('supplying and withdrawing: the applicant (id from the case), or a clerk on their behalf', () => {
    expect(upcastCommand('supply_materials', { materials: ['A'], at: AT })).toEqual({
      type: 'supply_materials',
      data: { materials: ['A'] },
      meta: { actor: { kind: 'applicant' }, at: AT },
    });
    expect(upcastCommand('withdraw', { actorId: 'P1', at: AT }).meta.actor).toEqual({ kind: 'applicant', id: 'P1' });
    expect(upcastCommand('withdraw', { by: { role: 'clerk' }, at: AT }).meta.actor).toEqual({
      kind: 'clerk',
      id: 'clerk',
      role: 'clerk',
    });
  });

  it('a rating is the applicant’s; a supervisor’s command keeps its kind', () => {
    expect(upcastCommand('rate', { queryCode: 'Q', level: 'satisfied', at: AT }).meta.actor).toEqual({
      kind: 'applicant',
    });
    expect(upcastCommand('mark_urgent', { reason: 'r', supervisorId: 's1', at: AT })).toEqual({
      type: 'mark_urgent',
      data: { reason: 'r' },
      meta: { actor: { kind: 'supervisor', id: 's1' }, at: AT },
    });
  });

  it('an envelope passes as it is, typed by the Update it came with', () => {
    const command = {
      type: 'deliver',
      data: { method: 'pickup' },
      meta: { actor: { kind: 'clerk', id: 'c' }, at: AT },
    };
    expect(upcastCommand('deliver', command)).toEqual(command);
  });

  it('the actor the API sends today equals the one upcast from what it sent before', () => {
    for (const [user, type, field] of [
      [head, 'decide_extension', 'headId'],
      [clerk, 'deliver', 'clerkId'],
    ] as const) {
      const upcast = upcastCommand(type, { [field]: user.username, by: actorDetails(user), at: AT });
      expect(upcast.meta.actor).toEqual({ kind: actorKinds[user.role], id: user.username, ...actorDetails(user) });
      expect(JSON.stringify(upcast.meta.actor)).toBe(
        JSON.stringify({ kind: actorKinds[user.role], id: user.username, ...actorDetails(user) }),
      );
    }
  });
});
