// The runbook from phases, the audit log and plan files: every state a phase can be in, the next
// command, and the phase order rule's words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuditOutcome } from '../../../src/audit/outcomes.ts';
import type { PlanHeaderRead } from '../../../src/engine/plan-header.ts';
import { phaseOrderNotice, phaseOrderProblem } from '../../../src/engine/phase-order.ts';
import { buildRunbook, shellWord, unmetRequirements, type RunbookInput } from '../../../src/engine/runbook.ts';
import type { PhaseSettings } from '../../../src/manifest/settings.ts';

const MANIFEST_SHA = 'm1'.repeat(32);
const sync = (name: string, requires: string[] = []): PhaseSettings => ({
  kind: 'sync',
  name,
  description: null,
  requires,
  deleteTarget: false,
  deleteTargetFolders: false,
  deleteSource: false,
  expungeSource: 'end',
  justFolders: false,
});
const CUTOVER: PhaseSettings[] = [
  sync('presync'),
  sync('final', ['presync']),
  {
    kind: 'manual',
    name: 'switch-mx',
    description: null,
    requires: ['final'],
    instruction: 'Switch the MX record to the new host.',
  },
  sync('drain-source', ['switch-mx']),
];

const SUMMARY = {
  accounts: 1,
  foldersToCreate: 1,
  foldersToDelete: 0,
  messagesToCopy: 12,
  bytesToCopy: 3400,
  flagUpdates: 0,
  targetDeletes: 0,
  sourceDeletes: 0,
};
const planSha = (phase: string) => `${phase.length.toString(16).padStart(2, '0')}`.repeat(32);
function found(
  phase: string,
  overrides: { manifestSha?: string; createdAt?: string; name?: string } = {},
): PlanHeaderRead {
  return {
    state: 'found',
    sha256: planSha(phase),
    header: {
      format: 'mailshift-plan/v1',
      tool: 'mailshift 0.1.0',
      createdAt: overrides.createdAt ?? '2026-11-22T15:00:00Z',
      manifest: { path: 'acme.json', relativeTo: 'plan', sha256: overrides.manifestSha ?? MANIFEST_SHA, git: null },
      name: overrides.name ?? 'acme',
      phase,
      settings: {},
      warnings: [],
      summary: SUMMARY,
    },
  };
}
let clock = 0;
function outcome(phase: string, overrides: Partial<AuditOutcome> = {}): AuditOutcome {
  clock++;
  const kind = overrides.kind ?? (phase === 'switch-mx' ? 'gate' : 'apply');
  return {
    kind,
    applyId: `id-${clock}`,
    file: `/audit/${clock}.jsonl`,
    phase,
    planSha256: kind === 'gate' ? null : planSha(phase),
    manifest: { path: 'acme.json', sha256: MANIFEST_SHA, git: null },
    tool: 'mailshift 0.1.0',
    operator: 'alice@ops1',
    forced: false,
    unmetRequires: [],
    cutoverOverride: 0,
    note: null,
    startedAt: `2026-11-2${clock % 10}T09:00:00.000Z`,
    endedAt: '2026-11-23T09:05:00.000Z',
    result: 'ok',
    summary: { messagesCopied: 12, failed: 0 },
    ...overrides,
  };
}
function input(log: AuditOutcome[], plans: Record<string, PlanHeaderRead> = {}, phases = CUTOVER): RunbookInput {
  return {
    name: 'acme',
    manifest: { path: 'migrations/acme.json', sha256: MANIFEST_SHA },
    phases,
    log,
    plans: new Map(
      phases
        .filter((p) => p.kind === 'sync')
        .map((p) => [
          p.name,
          { path: `migrations/plans/acme.${p.name}.plan.json`, read: plans[p.name] ?? { state: 'missing' } },
        ]),
    ),
  };
}
const states = (log: AuditOutcome[], plans: Record<string, PlanHeaderRead> = {}) =>
  buildRunbook(input(log, plans)).phases.map((p) => `${p.name}:${p.state}`);

test('nothing done: presync is next and needs a plan; everything after it waits for what it requires', () => {
  const runbook = buildRunbook(input([]));
  assert.equal(
    runbook.phases.map((p) => `${p.name}:${p.state}`),
    ['presync:next', 'final:blocked', 'switch-mx:blocked', 'drain-source:blocked'],
  );
  assert.equal(runbook.next, {
    phase: 'presync',
    action: 'plan',
    command: 'mailshift plan migrations/acme.json --phase presync',
    why: 'no plan yet',
  });
  assert.equal(runbook.phases[1]!.requires, [{ phase: 'presync', kind: 'sync', met: false }]);
  assert.equal(runbook.phases[0]!.plan, { path: 'migrations/plans/acme.presync.plan.json', state: 'missing' });
  assert.is(runbook.phases[2]!.plan, null, 'a manual phase has no plan');
  assert.is(runbook.phases[2]!.gate, null);
});

test('a plan made and not applied: apply that file, after review', () => {
  const runbook = buildRunbook(input([], { presync: found('presync') }));
  assert.is(runbook.next!.command, 'mailshift apply migrations/plans/acme.presync.plan.json');
  assert.is(runbook.next!.action, 'apply');
  assert.match(
    runbook.next!.why,
    'the plan made 2026-11-22T15:00:00Z is not applied yet: review it (mailshift show migrations/plans/acme.presync.plan.json)',
  );
  assert.equal(runbook.phases[0]!.plan, {
    path: 'migrations/plans/acme.presync.plan.json',
    state: 'current',
    createdAt: '2026-11-22T15:00:00Z',
    sha256: planSha('presync'),
    summary: SUMMARY,
    applied: false,
    outdatedBy: [],
    accountsFailed: [],
  });
});

test('a plan made from another version of the manifest is stale: plan again', () => {
  const runbook = buildRunbook(input([], { presync: found('presync', { manifestSha: 'ff'.repeat(32) }) }));
  assert.is(runbook.phases[0]!.plan!.state, 'stale');
  assert.is(runbook.next!.command, 'mailshift plan migrations/acme.json --phase presync');
  assert.match(runbook.next!.why, 'the manifest changed since the plan was made');
});

test("an unreadable plan file, or another phase's plan at the default path: plan again", () => {
  const unreadable = buildRunbook(input([], { presync: { state: 'unreadable', reason: 'it is not JSON' } }));
  assert.equal(unreadable.phases[0]!.plan, {
    path: 'migrations/plans/acme.presync.plan.json',
    state: 'unreadable',
    reason: 'it is not JSON',
  });
  assert.is(unreadable.next!.action, 'plan');
  const other = buildRunbook(input([], { presync: found('final') }));
  assert.equal(other.phases[0]!.plan, {
    path: 'migrations/plans/acme.presync.plan.json',
    state: 'unreadable',
    reason: "it is a plan of acme's phase final",
  });
});

test('presync applied ok: done, its plan marked applied; final is next and its requirement met', () => {
  const runbook = buildRunbook(input([outcome('presync')], { presync: found('presync') }));
  assert.equal(
    runbook.phases.map((p) => p.state),
    ['done', 'next', 'blocked', 'blocked'],
  );
  assert.is(runbook.phases[0]!.step, null);
  assert.is(runbook.phases[0]!.plan!.state === 'current' && runbook.phases[0]!.plan!.applied, true);
  assert.equal(runbook.phases[1]!.requires, [{ phase: 'presync', kind: 'sync', met: true }]);
  assert.is(runbook.phases[0]!.lastApply!.result, 'ok');
  assert.is(runbook.next!.command, 'mailshift plan migrations/acme.json --phase final');
});

test('a plan made before a phase it requires was done is outdated: plan again (the drain must see the mail that arrived since)', () => {
  const gated = outcome('switch-mx', { startedAt: '2026-11-24T07:00:00.000Z', endedAt: '2026-11-24T07:00:00.400Z' });
  const log = [outcome('presync'), outcome('final'), gated];
  const before = buildRunbook(
    input(log, { 'drain-source': found('drain-source', { createdAt: '2026-11-23T18:00:00Z' }) }),
  );
  assert.equal(before.phases[3]!.plan!.state === 'current' && before.phases[3]!.plan!.outdatedBy, ['switch-mx']);
  assert.is(before.next!.command, 'mailshift plan migrations/acme.json --phase drain-source');
  assert.match(before.next!.why, 'the plan was made before switch-mx was done');
  const sameSecond = buildRunbook(
    input(log, { 'drain-source': found('drain-source', { createdAt: '2026-11-24T07:00:00Z' }) }),
  );
  assert.is(
    sameSecond.next!.action,
    'apply',
    "plans name whole seconds: one made in the gate's second counts as after it",
  );
});

test('a gate recorded since a plan outdates it even when its phase does not require the gate (apply refuses it)', () => {
  const phases = [
    sync('presync'),
    { kind: 'manual' as const, name: 'switch-mx', description: null, requires: [], instruction: 'Switch the MX.' },
    sync('final', ['presync']),
  ];
  const log = [outcome('presync'), outcome('switch-mx', { endedAt: '2026-11-24T07:00:00.400Z' })];
  const runbook = buildRunbook(input(log, { final: found('final', { createdAt: '2026-11-23T18:00:00Z' }) }, phases));
  assert.equal(runbook.phases[2]!.plan!.state === 'current' && runbook.phases[2]!.plan!.outdatedBy, ['switch-mx']);
  assert.is(runbook.next!.command, 'mailshift plan migrations/acme.json --phase final');
});

test('a failed apply is not done: apply the same plan again to retry', () => {
  const runbook = buildRunbook(input([outcome('presync', { result: 'failed' })], { presync: found('presync') }));
  assert.is(runbook.phases[0]!.state, 'next');
  assert.is(runbook.phases[0]!.lastApply!.result, 'failed');
  assert.is(runbook.next!.command, 'mailshift apply migrations/plans/acme.presync.plan.json');
  assert.match(runbook.next!.why, 'had failures; running it again retries them');
  assert.equal(states([outcome('presync', { result: 'failed' })]), [
    'presync:next',
    'final:blocked',
    'switch-mx:blocked',
    'drain-source:blocked',
  ]);
});

test('an interrupted or unfinished apply is not done: apply the same plan again to finish', () => {
  for (const result of ['interrupted', 'unfinished'] as const) {
    const runbook = buildRunbook(
      input([outcome('presync', { result, endedAt: null, summary: null })], { presync: found('presync') }),
    );
    assert.is(runbook.phases[0]!.state, 'next', result);
    assert.is(runbook.next!.action, 'apply');
    assert.match(runbook.next!.why, 'did not finish');
  }
});

test('a failed apply of an older plan does not say "retry" about a new plan', () => {
  const runbook = buildRunbook(
    input([outcome('presync', { result: 'failed', planSha256: 'aa'.repeat(32) })], { presync: found('presync') }),
  );
  assert.match(runbook.next!.why, 'is not applied yet');
});

test('done stays done: an ok apply followed by a failed one', () => {
  const runbook = buildRunbook(input([outcome('presync'), outcome('presync', { result: 'failed' })]));
  assert.is(runbook.phases[0]!.state, 'done');
  assert.is(runbook.phases[0]!.lastApply!.result, 'failed', 'the last apply is shown as it was');
});

test('the manual gate pending: record it, with the instruction', () => {
  const runbook = buildRunbook(input([outcome('presync'), outcome('final')]));
  assert.equal(
    runbook.phases.map((p) => p.state),
    ['done', 'done', 'next', 'blocked'],
  );
  assert.equal(runbook.next, {
    phase: 'switch-mx',
    action: 'gate',
    command: 'mailshift gate migrations/acme.json switch-mx --note "…"',
    why: 'a manual step: Switch the MX record to the new host. Record it once done.',
  });
  assert.is(runbook.phases[2]!.instruction, 'Switch the MX record to the new host.');
});

test('the gate recorded: done with who, when and the note; the drain is next', () => {
  const gate = outcome('switch-mx', { operator: 'bob@ops2', note: 'MX switched, TTL 300' });
  const runbook = buildRunbook(input([outcome('presync'), outcome('final'), gate]));
  assert.equal(
    runbook.phases.map((p) => p.state),
    ['done', 'done', 'done', 'next'],
  );
  assert.is(runbook.phases[2]!.gate, gate);
  assert.equal(runbook.phases[3]!.requires, [{ phase: 'switch-mx', kind: 'manual', met: true }]);
  assert.is(runbook.next!.command, 'mailshift plan migrations/acme.json --phase drain-source');
});

test('a gate file without its end record, or an apply file named like the gate, does not count as gated', () => {
  const log = [outcome('presync'), outcome('final')];
  assert.is(
    buildRunbook(input([...log, outcome('switch-mx', { result: 'unfinished', endedAt: null })])).phases[2]!.state,
    'next',
  );
  assert.is(buildRunbook(input([...log, outcome('switch-mx', { kind: 'apply' })])).phases[2]!.state, 'next');
  assert.is(
    buildRunbook(input([outcome('presync', { kind: 'gate' })])).phases[0]!.state,
    'next',
    'a sync phase is applied, never gated',
  );
});

test('a forced apply counts as applied, and keeps what it overrode; the skipped gate is still next', () => {
  const forced = outcome('drain-source', { forced: true, unmetRequires: ['switch-mx'] });
  const runbook = buildRunbook(input([outcome('presync'), outcome('final'), forced]));
  assert.equal(
    runbook.phases.map((p) => p.state),
    ['done', 'done', 'next', 'done'],
  );
  assert.equal(runbook.phases[3]!.lastApply!.unmetRequires, ['switch-mx']);
  assert.is(runbook.next!.phase, 'switch-mx');
});

test('all done: no next step', () => {
  const runbook = buildRunbook(
    input([outcome('presync'), outcome('final'), outcome('switch-mx'), outcome('drain-source')]),
  );
  assert.ok(runbook.phases.every((p) => p.state === 'done' && p.step === null));
  assert.is(runbook.next, null);
});

test('phases without requirements after the next one are ready, not blocked', () => {
  const runbook = buildRunbook(input([], {}, [sync('inbox'), sync('archive'), sync('final', ['inbox', 'archive'])]));
  assert.equal(
    runbook.phases.map((p) => p.state),
    ['next', 'ready', 'blocked'],
  );
});

test('unmetRequirements: the required phases not done, each with its step', () => {
  const runbook = buildRunbook(
    input([outcome('presync'), outcome('final')], { 'drain-source': found('drain-source') }),
  );
  assert.equal(
    unmetRequirements(runbook, 'drain-source').map((p) => [p.name, p.step!.command]),
    [['switch-mx', 'mailshift gate migrations/acme.json switch-mx --note "…"']],
  );
  assert.equal(unmetRequirements(runbook, 'final'), []);
  assert.equal(unmetRequirements(runbook, 'presync'), []);
  assert.equal(unmetRequirements(runbook, 'no-such-phase'), []);
});

test('the refusal names each missing phase, what it needs, the command to run first, and --force', () => {
  const runbook = buildRunbook(
    input([], { presync: found('presync') }, [
      sync('presync'),
      { kind: 'manual', name: 'freeze', description: null, requires: [], instruction: 'Freeze mail' },
      sync('final', ['presync', 'freeze']),
    ]),
  );
  const problem = phaseOrderProblem('apply phase "final"', unmetRequirements(runbook, 'final'), 'migrations/acme.json');
  assert.is(problem.code, 'PHASE_ORDER');
  assert.is(problem.severity, 'error');
  assert.is(
    problem.message,
    'cannot apply phase "final": it requires presync (not applied yet) and freeze (a manual gate, not recorded yet)',
  );
  assert.is(
    problem.hint,
    'run first: mailshift apply migrations/plans/acme.presync.plan.json; mailshift gate migrations/acme.json freeze --note "…". ' +
      '`mailshift status migrations/acme.json` shows the whole runbook. To go ahead anyway, add --force: the audit log records it as forced, with what was missing',
  );
  const unplanned = phaseOrderProblem(
    'apply phase "final"',
    unmetRequirements(buildRunbook(input([])), 'final'),
    'migrations/acme.json',
  );
  assert.match(
    unplanned.hint!,
    'run first: mailshift plan migrations/acme.json --phase presync, then apply that plan.',
  );
  const notice = phaseOrderNotice('final', unmetRequirements(buildRunbook(input([])), 'final'), 'migrations/acme.json');
  assert.is(notice.severity, 'warning');
  assert.is(notice.message, 'phase "final" requires presync (not applied yet): apply will refuse this plan until then');
});

test('shellWord: plain paths bare, anything else single-quoted', () => {
  assert.is(shellWord('migrations/acme.jsonnet'), 'migrations/acme.jsonnet');
  assert.is(shellWord('my migrations/acme.json'), "'my migrations/acme.json'");
  assert.is(shellWord("it's.json"), "'it'\\''s.json'");
});

test.run();
