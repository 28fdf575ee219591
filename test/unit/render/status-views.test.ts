// `mailshift status` views: the table a person reads and the JSON a script reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuditOutcome } from '../../../src/audit/outcomes.ts';
import { buildRunbook } from '../../../src/engine/runbook.ts';
import type { PhaseSettings } from '../../../src/manifest/settings.ts';
import { renderStatusJson } from '../../../src/render/status-json.ts';
import { renderStatusText } from '../../../src/render/status-text.ts';

const SHA = 'ab'.repeat(32);
const sync = (name: string, requires: string[] = [], description: string | null = null): PhaseSettings => ({
  kind: 'sync',
  name,
  description,
  requires,
  deleteTarget: false,
  deleteTargetFolders: false,
  deleteSource: false,
  expungeSource: 'end',
  justFolders: false,
});
const PHASES: PhaseSettings[] = [
  sync('presync', [], 'Copy everything while users still work on the old host.'),
  {
    kind: 'manual',
    name: 'switch-mx',
    description: null,
    requires: ['presync'],
    instruction: 'Switch the MX record to the new host.',
  },
  sync('drain-source', ['switch-mx']),
];
const record = (overrides: Partial<AuditOutcome>): AuditOutcome => ({
  kind: 'apply',
  applyId: 'id',
  file: 'f',
  phase: 'presync',
  planSha256: 'cd'.repeat(32),
  manifest: { path: 'acme.json', sha256: SHA, git: null },
  tool: 'mailshift 0.1.0',
  operator: 'alice@ops1',
  forced: false,
  unmetRequires: [],
  cutoverOverride: 0,
  note: null,
  startedAt: '2026-11-22T15:10:07.000Z',
  endedAt: '2026-11-22T15:12:00.000Z',
  result: 'ok',
  summary: { messagesCopied: 5061, bytesCopied: 209_214_047, failed: 0 },
  ...overrides,
});
const runbook = (log: AuditOutcome[]) =>
  buildRunbook({
    name: 'acme',
    manifest: { path: 'acme.json', sha256: SHA },
    phases: PHASES,
    log,
    plans: new Map([
      ['presync', { path: 'plans/acme.presync.plan.json', read: { state: 'missing' } }],
      ['drain-source', { path: 'plans/acme.drain-source.plan.json', read: { state: 'missing' } }],
    ]),
  });

test('text: one row per phase with state, requirements, plan and last apply or gate; details below; the next command last', () => {
  const text = renderStatusText(runbook([record({})]), { color: false });
  const lines = text.split('\n');
  assert.is(lines[0], 'mailshift status: acme (acme.json)');
  assert.match(lines[2]!, /^PHASE\s+KIND\s+STATE\s+REQUIRES\s+PLAN\s+LAST APPLY \/ GATE$/);
  assert.match(
    text,
    /\npresync\s+sync\s+done\s+-\s+none\s+ok 2026-11-22 15:10 by alice@ops1: 5061 copied \(209\.2 MB\)\n/,
  );
  assert.match(text, '\n  Copy everything while users still work on the old host.\n');
  assert.match(
    text,
    /\nswitch-mx\s+manual\s+next\s+presync ✓\s+-\s+pending\n {2}Switch the MX record to the new host\.\n/,
  );
  assert.match(text, /\ndrain-source\s+sync\s+blocked\s+switch-mx ✗\s+none\s+-\n/);
  assert.match(
    text,
    '\nNext: mailshift gate acme.json switch-mx --note "…"\n      a manual step: Switch the MX record to the new host. Record it once done.\n',
  );
  assert.not.match(text, '\u001b[', 'no colour when the palette says so');
});

test('text: a gate with its note, a forced apply with what it overrode, and the complete runbook', () => {
  const log = [
    record({}),
    record({
      kind: 'gate',
      phase: 'switch-mx',
      planSha256: null,
      operator: 'bob@ops2',
      note: 'MX switched, TTL 300',
      startedAt: '2026-11-24T07:00:00.000Z',
      summary: {},
    }),
    record({
      phase: 'drain-source',
      forced: true,
      unmetRequires: ['switch-mx'],
      startedAt: '2026-11-23T20:00:00.000Z',
    }),
  ];
  const text = renderStatusText(runbook(log), { color: false });
  assert.match(text, /\nswitch-mx\s+manual\s+done\s+presync ✓\s+-\s+gated 2026-11-24 07:00 by bob@ops2\n/);
  assert.match(text, '\n  note: MX switched, TTL 300\n');
  assert.match(
    text,
    /\ndrain-source\s+sync\s+done\s+switch-mx ✓\s+none\s+ok \(forced\) 2026-11-23 20:00 by alice@ops1/,
  );
  assert.match(text, '\n  forced although switch-mx was not done\n');
  assert.match(text, 'The runbook is complete: every phase is applied or gated.');
});

test('text: colour on a terminal, padding unaffected', () => {
  const text = renderStatusText(runbook([record({})]), { color: true });
  assert.match(text, '\u001b[32mdone   \u001b[39m');
});

test("json: a stable object with the next step and each phase's plan, last apply and gate", () => {
  const json = JSON.parse(renderStatusJson(runbook([record({ applyId: 'a1' })])));
  assert.equal(Object.keys(json), ['format', 'name', 'manifest', 'complete', 'next', 'phases']);
  assert.is(json.format, 'mailshift-status/v1');
  assert.is(json.complete, false);
  assert.equal(json.next, {
    phase: 'switch-mx',
    action: 'gate',
    command: 'mailshift gate acme.json switch-mx --note "…"',
    why: 'a manual step: Switch the MX record to the new host. Record it once done.',
  });
  const [presync, gate, drain] = json.phases;
  assert.equal(Object.keys(presync), [
    'name',
    'kind',
    'state',
    'description',
    'instruction',
    'requires',
    'plan',
    'lastApply',
    'gate',
    'step',
  ]);
  assert.equal(presync.lastApply, {
    id: 'a1',
    at: '2026-11-22T15:10:07.000Z',
    operator: 'alice@ops1',
    forced: false,
    unmetRequires: [],
    planSha256: 'cd'.repeat(32),
    endedAt: '2026-11-22T15:12:00.000Z',
    result: 'ok',
    counts: { messagesCopied: 5061, bytesCopied: 209_214_047, failed: 0 },
  });
  assert.is(presync.gate, null);
  assert.equal(gate.gate, { done: false });
  assert.equal(drain.requires, [{ phase: 'switch-mx', kind: 'manual', met: false }]);
  assert.equal(drain.plan, { path: 'plans/acme.drain-source.plan.json', state: 'missing' });
});

test.run();
