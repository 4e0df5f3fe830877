/**
 * Old cases must keep running new code. A case waits for weeks inside one workflow; when a worker with new code picks
 * it up, Temporal replays the case's history through that code, and any difference in the commands the code issues
 * (a timer, an activity, an Update answer, continue-as-new) is a nondeterminism error that stalls the case.
 *
 * This replays the committed histories of real cases (`histories/`, recorded by `npm run replay:record` from a real
 * stack driven over HTTP, one case per path) against the current workflow code, offline. It also checks that the
 * fixture set covers every path of the lifecycle, each with the events that prove it, and that the replay catches a
 * deliberately nondeterministic change. REPLAY_WORKFLOWS_PATH replays against another workflows module instead.
 */
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  caseWorkflowPath,
  EVENT,
  installQuietRuntime,
  loadHistoryFiles,
  replayHistoryFiles,
  summarise,
  type HistoryFile,
  type RunSummary,
  type UpdateRecord,
} from './histories.ts';

installQuietRuntime();
const logger = new DefaultLogger('WARN');

const workflowsPath = process.env.REPLAY_WORKFLOWS_PATH || caseWorkflowPath;
const sleepBeforeRecord = fileURLToPath(new URL('./nondeterministic/sleepBeforeRecord.ts', import.meta.url));

let files: HistoryFile[] = [];
const runsOf = (pathName: string): RunSummary[] =>
  files.filter((f) => f.pathName === pathName).map((f) => summarise(f.history));

beforeAll(async () => {
  files = await loadHistoryFiles();
});

const updates = (runs: RunSummary[], name?: string): UpdateRecord[] =>
  runs.flatMap((r) => r.updates).filter((u) => !name || u.name === name);
/** Every case state an Update answered with, in order. */
const states = (runs: RunSummary[]): any[] => updates(runs).flatMap((u) => (u.result ? [u.result] : []));
const finalState = (runs: RunSummary[]): any => states(runs).at(-1);
const decisions = (runs: RunSummary[], name: string): string[] => updates(runs, name).map((u) => u.input.decision);
const names = (runs: RunSummary[]): string[] => updates(runs).map((u) => u.name);
const matterKinds = (runs: RunSummary[]): string[] =>
  (updates(runs, 'submit')[0]?.input.matters as any[]).map((m) => m.kind);

/** The case as the last run left it: what it carried out when it completed, else the last Update's answer. */
const lastState = (runs: RunSummary[]): any => runs.at(-1)?.result?.carried?.state ?? finalState(runs);

/** Commands that may reach a finished case and reopen its closed workflow (api/caseClient.ts `reopen`). */
const REOPENING = ['rate', 'replyFollowUp', 'appealRating', 'decideRatingAppeal', 'revokeCertificate'];

/**
 * A case reopened after its workflow had closed: `count` runs, each but the first started (not continued as new)
 * by a reopening command, from what the run before it carried out when it completed (its final state, recent Update
 * ids and chain head), with the same clock and settings.
 */
function expectReopened(runs: RunSummary[], count: number): void {
  expect(runs).toHaveLength(count);
  runs.forEach((run, i) => {
    const previous = runs[i - 1];
    expect(run.continuedFrom).toBeUndefined();
    expect(run.eventTypes.at(-1)).toBe(EVENT.completed);
    if (!previous) {
      expect(run.input.carried).toBeUndefined();
      return;
    }
    expect(previous.result?.carried).toBeTruthy();
    expect(run.input.carried).toEqual(previous.result.carried);
    expect({ ...run.input, carried: undefined }).toEqual({ ...previous.input, carried: undefined });
    expect(REOPENING).toContain(run.updates[0]?.name);
  });
}

/**
 * 防篡改: the head of the case's hash chain travels with the case. Every completed run carries it out with the
 * state (the hash of the state's last event, not the genesis), and the chain only grows from run to run.
 */
function expectChained(runs: RunSummary[]): void {
  const completed = runs.filter((r) => r.result);
  expect(completed.length).toBeGreaterThan(0);
  let seq = 0;
  for (const run of completed) {
    const { state, chain } = run.result.carried;
    expect(run.result.lastSeq).toBe(state.seq);
    expect(chain.seq).toBe(state.seq);
    expect(chain.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chain.hash).not.toBe('0'.repeat(64));
    expect(chain.seq).toBeGreaterThan(seq);
    seq = chain.seq;
  }
}

const levels = (state: any, deadline: string): string[] =>
  (state.warnings as any[]).filter((w) => w.deadline === deadline).map((w) => w.level);

/** A timer fired and the case's record was written because of it (before any further command arrived). */
function recordedOnTimer(run: RunSummary): boolean {
  return run.timersFired.some((fired) => {
    const marker = run.recordMarkers.find((m) => m > fired);
    return marker !== undefined && !run.updatesAccepted.some((u) => u > fired && u < marker);
  });
}

/**
 * Every path of the lifecycle that must have a recorded history, with what it proves and the check that the
 * history really walked that path (Update names and inputs, the states they answered with, timers, continuation).
 */
const requiredPaths: Record<string, { proves: string; check(runs: RunSummary[]): void }> = {
  'supplement-at-acceptance': {
    proves: 'one-time notice at the window (一次性告知), materials supplied, then accepted',
    check(runs) {
      expect(names(runs)).toEqual(['submit', 'decideAcceptance', 'supplyMaterials', 'decideAcceptance']);
      expect(decisions(runs, 'decideAcceptance')).toEqual(['supplement', 'accept']);
      expect(states(runs).map((s) => s.status)).toEqual(['received', 'awaiting_supplement', 'received', 'in_review']);
      expect(states(runs)[1].notices.at(-1).kind).toBe('supplement');
    },
  },
  'rejected-at-acceptance': {
    proves: 'not accepted at the window, with a written reason (不予受理)',
    check(runs) {
      expect(decisions(runs, 'decideAcceptance')).toEqual(['reject']);
      expect(finalState(runs).status).toBe('not_accepted');
    },
  },
  'deemed-acceptance': {
    proves: 'the acceptance deadline passes in silence: the timer fires and the case is deemed accepted (视为受理)',
    check(runs) {
      expect(updates(runs, 'decideAcceptance')).toEqual([]);
      expect(runs.some(recordedOnTimer)).toBe(true);
      expect(finalState(runs)).toMatchObject({ status: 'in_review', deemedAccepted: true });
    },
  },
  'supplement-expired': {
    proves: 'a one-time notice left unanswered: the supplement deadline timer ends the case as not accepted',
    check(runs) {
      expect(names(runs)).toEqual(['submit', 'decideAcceptance']);
      expect(finalState(runs).status).toBe('awaiting_supplement');
      const run = runs.at(-1) as RunSummary;
      expect(recordedOnTimer(run)).toBe(true);
      // Closed by the timer: the workflow then waits only its close grace (10 minutes) for late retries.
      expect(run.timersStarted.at(-1)?.duration).toBe('600s');
    },
  },
  'accept-with-deficiencies': {
    proves: '容缺受理: reviewed and approved with materials missing, certificates issued once they arrive',
    check(runs) {
      const accepted = updates(runs, 'decideAcceptance')[0]?.input;
      expect(accepted).toMatchObject({ decision: 'accept_with_deficiencies' });
      expect(accepted.deficiencies.length).toBeGreaterThan(0);
      const withheld = states(runs).find((s) => s.status === 'approved');
      expect(withheld).toMatchObject({ certificates: [] });
      expect(withheld.deficiencies.length).toBeGreaterThan(0);
      expect(names(runs).at(-1)).toBe('supplyMaterials');
      const done = finalState(runs);
      expect(done).toMatchObject({ status: 'approved', deficiencies: [] });
      expect(done.certificates).toHaveLength(done.matters.length);
    },
  },
  commitments: {
    proves: '告知承诺: a written commitment stands in for a required document',
    check(runs) {
      expect(updates(runs, 'submit')[0]?.input.commitments).toEqual(['OWNER_CONSENT']);
      const accepted = finalState(runs);
      expect(accepted).toMatchObject({ status: 'in_review', commitments: ['OWNER_CONSENT'] });
      expect(accepted.materialsProvided).not.toContain('OWNER_CONSENT');
    },
  },
  'joint-review': {
    proves: '联办: co-departments first, then the lead department decides',
    check(runs) {
      expect(matterKinds(runs)).toEqual(['joint']);
      expect(updates(runs, 'giveOpinion')).toHaveLength(3);
      const inReview = states(runs).find((s) => s.status === 'in_review');
      expect(inReview.tasks.filter((t: any) => t.status === 'waiting')).toHaveLength(1);
      expect(finalState(runs).status).toBe('approved');
    },
  },
  'escalated-review': {
    proves: '上报: the lower level reviews first, then the higher level decides',
    check(runs) {
      expect(matterKinds(runs)).toEqual(['escalated']);
      expect(updates(runs, 'giveOpinion')).toHaveLength(2);
      expect(finalState(runs).status).toBe('approved');
    },
  },
  'consolidated-notice': {
    proves: 'departments ask for supplements in review: one consolidated notice, the clock stops, supply resumes',
    check(runs) {
      expect(decisions(runs, 'giveOpinion').slice(0, 2)).toEqual(['supplement', 'supplement']);
      const paused = states(runs).find((s) => s.status === 'awaiting_supplement');
      expect(paused.clock.paused).toBe(true);
      const notices = (paused.notices as any[]).filter((n) => n.kind === 'supplement');
      expect(notices).toHaveLength(1);
      expect(notices[0].items).toHaveLength(2);
      expect(names(runs)).toContain('supplyMaterials');
      expect(finalState(runs).status).toBe('approved');
    },
  },
  'special-procedure': {
    proves: '特别程序: the clock stops while a procedure runs, the opinion follows its end',
    check(runs) {
      expect(names(runs)).toEqual(expect.arrayContaining(['startSpecialProcedure', 'endSpecialProcedure']));
      expect(states(runs).some((s) => s.clock.paused)).toBe(true);
      expect(finalState(runs).specialProcedures[0].endedOn).toBeTruthy();
      expect(finalState(runs).status).toBe('approved');
    },
  },
  extension: {
    proves: '延期: a department asks, its head approves, the statutory deadline moves',
    check(runs) {
      expect(names(runs).slice(-2)).toEqual(['requestExtension', 'decideExtension']);
      const extended = finalState(runs);
      expect(extended.extensions[0].status).toBe('approved');
      expect(extended.deadlines.statutoryDue > states(runs).at(-3).deadlines.statutoryDue).toBe(true);
    },
  },
  refusal: {
    proves: 'a deciding department refuses: the case is refused and the other tasks cancelled',
    check(runs) {
      expect(decisions(runs, 'giveOpinion')).toEqual(['refuse']);
      const refused = finalState(runs);
      expect(refused.status).toBe('refused');
      expect(refused.tasks.map((t: any) => t.status).sort()).toEqual(['cancelled', 'refused']);
    },
  },
  withdrawal: {
    proves: '撤回: the applicant withdraws in review, the open tasks are cancelled',
    check(runs) {
      expect(names(runs).at(-1)).toBe('withdraw');
      expect(finalState(runs).status).toBe('withdrawn');
    },
  },
  delivery: {
    proves: '送达: the certificate of an approved case is delivered, which closes the case',
    check(runs) {
      expect(names(runs).at(-1)).toBe('deliver');
      expect(finalState(runs)).toMatchObject({ status: 'approved', delivery: { method: 'post' } });
      expect((runs.at(-1) as RunSummary).timersStarted.at(-1)?.duration).toBe('600s');
    },
  },
  theme: {
    proves: '主题服务 (一件事): one application for several matters, every department in parallel',
    check(runs) {
      expect(updates(runs, 'submit')[0]?.input.theme?.code).toBe('OPEN_RESTAURANT');
      const done = finalState(runs);
      expect(done.status).toBe('approved');
      expect(done.matters.length).toBeGreaterThan(2);
      expect(done.certificates).toHaveLength(done.matters.length);
    },
  },
  immediate: {
    proves: '即办: decided at the window with its certificate, no review tasks',
    check(runs) {
      expect(matterKinds(runs)).toEqual(['immediate']);
      expect(names(runs)).toEqual(['submit', 'decideAcceptance']);
      expect(finalState(runs)).toMatchObject({ status: 'approved', tasks: [] });
      expect(finalState(runs).certificates).toHaveLength(1);
    },
  },
  'continue-as-new': {
    proves: 'a long case continues as new (every run recorded) and a command retried in a later run applies once',
    check(runs) {
      expect(runs.length).toBeGreaterThanOrEqual(3);
      runs.forEach((run, i) => {
        const next = runs[i + 1];
        if (i === 0) expect(run.continuedFrom).toBeUndefined();
        if (!next) {
          expect(run.continuedAs).toBeUndefined();
          return;
        }
        // The chain is complete: each run continued as the next, which starts from what it carried.
        expect(run.eventTypes.at(-1)).toBe(EVENT.continuedAsNew);
        expect(run.continuedAs?.runId).toBe(next.runId);
        expect(next.continuedFrom).toBe(run.runId);
        expect(next.input).toEqual(run.continuedAs?.input);
        expect(next.input.carried.state.caseNo).toBe(run.input.caseNo);
      });
      // The retried opinion: the same Update id accepted in two runs, recorded once.
      const runsById = new Map<string, number[]>();
      runs.forEach((run, i) => run.updates.forEach((u) => runsById.set(u.id, [...(runsById.get(u.id) ?? []), i])));
      const retried = [...runsById].filter(([, inRuns]) => new Set(inRuns).size > 1);
      expect(retried.map(([id]) => id.split(':')[0])).toEqual(['giveOpinion']);
      expect(finalState(runs)).toMatchObject({ status: 'approved', delivery: { method: 'pickup' } });
    },
  },
  'partially-approved': {
    proves:
      'rules 2: a theme matter refused, the others approved: partially_approved, certificates for the approved, delivered (hash chain carried out)',
    check(runs) {
      expect(runs).toHaveLength(1);
      const submitted = updates(runs, 'submit')[0]?.input;
      expect(submitted).toMatchObject({ theme: { code: 'OPEN_RESTAURANT' }, rules: 2 });
      const refusedMatter = 'OUTDOOR_AD_PERMIT';
      expect(decisions(runs, 'giveOpinion')[0]).toBe('refuse');
      // The refusal decides its matter only: the case goes on for the others.
      const afterRefusal = updates(runs, 'giveOpinion')[0]?.result;
      expect(afterRefusal.status).toBe('in_review');
      expect(afterRefusal.outcomes[refusedMatter]).toBe('refused');
      const decided = states(runs).find((s) => s.status === 'partially_approved');
      expect(decided).toBeTruthy();
      const approved = (decided.matters as any[]).map((m) => m.code).filter((m) => m !== refusedMatter);
      expect(approved.every((m) => decided.outcomes[m] === 'approved')).toBe(true);
      expect((decided.certificates as any[]).map((c) => c.matter)).toEqual(approved);
      expect(decided.notices.at(-1).kind).toBe('partially_approved');
      expect(names(runs).at(-1)).toBe('deliver');
      expect(lastState(runs)).toMatchObject({ status: 'partially_approved', delivery: { method: 'pickup' } });
      expect(runs[0]?.eventTypes.at(-1)).toBe(EVENT.completed);
      expectChained(runs);
    },
  },
  urgent: {
    proves: '急办件: a supervisor marks a case in review urgent, then it is reviewed to approval and delivered',
    check(runs) {
      expect(runs).toHaveLength(1);
      expect(names(runs).slice(0, 3)).toEqual(['submit', 'decideAcceptance', 'markUrgent']);
      const marked = updates(runs, 'markUrgent')[0];
      expect(marked?.input).toMatchObject({ supervisorId: 'supervisor-01' });
      expect(marked?.result).toMatchObject({ status: 'in_review', urgent: { by: 'supervisor-01' } });
      expect(updates(runs, 'giveOpinion').length).toBeGreaterThan(0);
      expect(updates(runs, 'giveOpinion').every((u) => u.result.urgent)).toBe(true);
      expect(lastState(runs)).toMatchObject({ status: 'approved', urgent: { by: 'supervisor-01' } });
      expect(lastState(runs).certificates.length).toBeGreaterThan(0);
      expectChained(runs);
    },
  },
  'revocation-after-close': {
    proves:
      '注销 after the case closed: a second run reopened from `carried` revokes the certificate, the chain goes on',
    check(runs) {
      expectReopened(runs, 2);
      const [closed, reopened] = runs as [RunSummary, RunSummary];
      expect(names([closed]).at(-1)).toBe('deliver');
      expect(closed.result.carried.state.certificates.some((c: any) => c.revoked)).toBe(false);
      expect(names([reopened])).toEqual(['revokeCertificate']);
      const revocation = updates([reopened], 'revokeCertificate')[0];
      const certificate = (revocation?.result.certificates as any[]).find(
        (c) => c.certificateNo === revocation?.input.certificateNo,
      );
      expect(certificate.revoked).toMatchObject({ department: 'CITY_MANAGEMENT' });
      expect(lastState(runs).certificates).toEqual(revocation?.result.certificates);
      expectChained(runs);
      // One event, certificate_revoked, chained onto the closed run's head.
      expect(reopened.result.carried.chain.seq).toBe(closed.result.carried.chain.seq + 1);
    },
  },
  'urgent-signed-in': {
    proves:
      'accounts: the same 急办件 path recorded with signed-in users; each command carries `by` (role, department or window) and the events record it',
    check(runs) {
      expect(runs).toHaveLength(1);
      const marked = updates(runs, 'markUrgent')[0];
      expect(marked?.input).toMatchObject({ supervisorId: 'supervisor1', by: { role: 'supervisor' } });
      expect(updates(runs, 'submit')[0]?.input).toMatchObject({
        receivedBy: { clerkId: 'clerk1', window: 'W01' },
        by: { role: 'clerk', window: 'W01' },
      });
      for (const opinion of updates(runs, 'giveOpinion')) {
        expect(opinion.input.by.role).toBe('reviewer');
        expect(opinion.input.reviewerId).toBe(`reviewer.${opinion.input.by.department}`);
        expect(opinion.input.department).toBe(opinion.input.by.department);
      }
      expect(lastState(runs)).toMatchObject({ status: 'approved', urgent: { by: 'supervisor1' } });
      expectChained(runs);
    },
  },
  'rating-reply-signed-in': {
    proves: 'accounts: the 好差评 reopening path with signed-in department staff and supervisor',
    check(runs) {
      expectReopened(runs, 3);
      const [, rated, appealed] = runs as [RunSummary, RunSummary, RunSummary];
      expect(updates([rated], 'rate')[0]?.input.by).toBeUndefined(); // the applicant has no account
      expect(updates([rated], 'replyFollowUp')[0]?.input).toMatchObject({
        reviewerId: 'reviewer.TRAFFIC_POLICE',
        by: { role: 'reviewer', department: 'TRAFFIC_POLICE' },
      });
      expect(updates([appealed], 'decideRatingAppeal')[0]?.input).toMatchObject({
        supervisorId: 'supervisor1',
        by: { role: 'supervisor' },
      });
      expect(lastState(runs).rating).toMatchObject({ status: 'voided' });
    },
  },
  'rating-reply': {
    proves:
      '好差评 on a closed case: reopened for a 差评, the follow-up is answered by the department; reopened again for an appeal, voided',
    check(runs) {
      expectReopened(runs, 3);
      const [decided, rated, appealed] = runs as [RunSummary, RunSummary, RunSummary];
      expect(decided.result.carried.state.status).toBe('refused');
      expect(names([rated])).toEqual(['rate', 'replyFollowUp']);
      const rate = updates([rated], 'rate')[0];
      expect(rate?.input.level).toBe('very_dissatisfied');
      expect(rate?.result.followUp).toMatchObject({ department: 'TRAFFIC_POLICE', status: 'open' });
      expect(updates([rated], 'replyFollowUp')[0]?.result.followUp.status).toBe('replied');
      expect(names([appealed])).toEqual(['appealRating', 'decideRatingAppeal']);
      expect(decisions([appealed], 'decideRatingAppeal')).toEqual(['void']);
      expect(lastState(runs)).toMatchObject({
        status: 'refused',
        rating: { status: 'voided', appeal: { decision: 'void' } },
        followUp: { status: 'replied' },
      });
      expectChained(runs);
    },
  },
  'rating-follow-up': {
    proves:
      '好差评 on a closed case: a 差评 reopens it, an appeal is upheld, the follow-up goes unanswered: its yellow and red warnings fire',
    check(runs) {
      expectReopened(runs, 2);
      const reopened = runs[1] as RunSummary;
      expect(names([reopened])).toEqual(['rate', 'appealRating', 'decideRatingAppeal']);
      expect(updates([reopened], 'rate')[0]?.input.level).toBe('dissatisfied');
      expect(decisions([reopened], 'decideRatingAppeal')).toEqual(['uphold']);
      expect(finalState([reopened])).toMatchObject({ rating: { status: 'valid' }, followUp: { status: 'open' } });
      expect(levels(finalState([reopened]), 'follow_up')).toEqual([]);
      // The warnings came from timers, after the last command: recorded on their own, carried out at the close.
      expect(reopened.timersFired.filter((t) => t > (reopened.updatesAccepted.at(-1) ?? 0)).length).toBeGreaterThan(1);
      expect(recordedOnTimer(reopened)).toBe(true);
      expect(levels(lastState(runs), 'follow_up')).toEqual(['yellow', 'red']);
      expect(lastState(runs).followUp.status).toBe('open');
      expectChained(runs);
    },
  },
  'materials-with-files': {
    proves:
      '电子材料: scans named per material at the window (one original seen) and in an online supplement, their hashes in the commands and the states; 原件已核 later',
    check(runs) {
      expect(names(runs)).toEqual([
        'submit',
        'decideAcceptance',
        'supplyMaterials',
        'markOriginalSeen',
        'decideAcceptance',
      ]);
      const submitted = updates(runs, 'submit')[0]?.input.data;
      expect(submitted.files.map((f: any) => f.material)).toEqual(['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE']);
      for (const f of submitted.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(submitted.originalsSeen).toEqual(['BUSINESS_LICENCE']);
      const supplied = updates(runs, 'supplyMaterials')[0]?.input;
      expect(supplied.meta.actor.kind).toBe('applicant');
      expect(supplied.data.files).toEqual([
        expect.objectContaining({ material: 'OWNER_CONSENT', contentType: 'application/pdf' }),
      ]);
      expect(finalState(runs)).toMatchObject({
        status: 'in_review',
        originalsSeen: ['BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'],
      });
      expect(finalState(runs).materialFiles).toHaveLength(3);
    },
  },
};

describe('recorded histories', () => {
  it('cover every required path, and nothing unchecked', () => {
    const recorded = [...new Set(files.map((f) => f.pathName))].sort();
    expect(recorded).toEqual(Object.keys(requiredPaths).sort());
  });

  it('are histories of the case workflow, each run with its case number and first command', () => {
    for (const { file, history } of files) {
      const run = summarise(history);
      expect(run.workflowType, file).toBe('caseWorkflow');
      expect(run.input.caseNo, file).toMatch(/^SQ\d{14}$/);
      if (run.continuedFrom) continue;
      // A run that starts with a case it did not receive was reopened for a command to a closed case.
      if (run.input.carried) expect(REOPENING, file).toContain(run.updates[0]?.name);
      else expect(run.updates[0]?.name, file).toBe('submit');
    }
  });

  for (const [pathName, { proves, check }] of Object.entries(requiredPaths)) {
    it(`${pathName}: ${proves}`, () => {
      const runs = runsOf(pathName);
      expect(runs.length, `no history for ${pathName}: run npm run replay:record`).toBeGreaterThan(0);
      check(runs);
    });
  }
});

describe('replay', () => {
  let current: WorkflowBundle;

  beforeAll(async () => {
    current = await bundleWorkflowCode({ workflowsPath, logger });
  });

  it(`replays every recorded history against ${workflowsPath === caseWorkflowPath ? 'the current workflow code' : workflowsPath}`, async () => {
    const outcomes = await replayHistoryFiles(files, { workflowBundle: current });
    expect(outcomes.map((o) => o.file)).toEqual(files.map((f) => f.file));
    const failures = outcomes.filter((o) => o.error).map((o) => `${o.file}: ${o.error?.name}: ${o.error?.message}`);
    expect(failures).toEqual([]);
  });

  it('catches a nondeterministic change: a sleep before the record fails every history', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [sleepBeforeRecord],
      logger,
    });
    const outcomes = await replayHistoryFiles(files, { workflowBundle: changed });
    expect(outcomes.filter((o) => o.error?.name !== 'DeterminismViolationError').map((o) => o.file)).toEqual([]);
  });
});
