import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuditOutcome } from '../../../src/audit/outcomes.ts';
import { cutoverOf, gatesSince, planRunbook } from '../../../src/engine/plan-runbook.ts';

let serial = 0;
function entry(
  kind: 'apply' | 'gate',
  phase: string,
  endedAt: string | null,
  result: AuditOutcome['result'] = 'ok',
): AuditOutcome {
  serial++;
  return {
    kind,
    applyId: `id-${serial}`,
    file: `/audit/${serial}.jsonl`,
    phase,
    planSha256: null,
    manifest: { path: 'acme.json', sha256: 'ab', git: null },
    tool: 'mailshift 0.1.0',
    operator: 'alice@ops1',
    forced: false,
    unmetRequires: [],
    cutoverOverride: 0,
    note: null,
    startedAt: '2026-11-22T09:00:00.000Z',
    endedAt,
    result,
    summary: null,
  };
}

const presync = entry('apply', 'presync', '2026-11-22T09:05:00.000Z');
const failed = entry('apply', 'final', '2026-11-22T10:05:00.000Z', 'failed');
const final = entry('apply', 'final', '2026-11-22T10:30:00.000Z');
const gate = entry('gate', 'switch-mx', '2026-11-22T11:00:00.400Z');
const unfinished = entry('gate', 'other-gate', null, 'unfinished');

test('a plan records the ok applies and gates before it, and the latest gate as its cutover', () => {
  assert.equal(planRunbook([presync, failed, final, gate, unfinished], false), {
    after: [
      { kind: 'apply', phase: 'presync', id: presync.applyId, at: '2026-11-22T09:05:00.000Z' },
      { kind: 'apply', phase: 'final', id: final.applyId, at: '2026-11-22T10:30:00.000Z' },
      { kind: 'gate', phase: 'switch-mx', id: gate.applyId, at: '2026-11-22T11:00:00.400Z' },
    ],
    cutover: { gate: 'switch-mx', at: '2026-11-22T11:00:00.400Z', forced: false },
  });
});

test('no gate recorded in full: no cutover; --force is carried', () => {
  assert.is(cutoverOf([presync, unfinished], false), null);
  assert.equal(cutoverOf([gate], true), { gate: 'switch-mx', at: '2026-11-22T11:00:00.400Z', forced: true });
});

test('a gate the plan does not record outdates it; one it records does not; applies never do', () => {
  const made = { createdAt: '2026-11-22T10:40:00Z', runbook: planRunbook([presync, final], false) };
  assert.equal(
    gatesSince(made, [presync, final, gate]).map((g) => g.phase),
    ['switch-mx'],
  );
  const later = { createdAt: '2026-11-22T11:10:00Z', runbook: planRunbook([presync, final, gate], false) };
  assert.equal(gatesSince(later, [presync, final, gate, entry('apply', 'drain', '2026-11-22T12:00:00.000Z')]), []);
});

test('a plan without the record is outdated by a gate that ended in a later second than createdAt', () => {
  assert.equal(gatesSince({ createdAt: '2026-11-22T11:00:00Z' }, [gate]), [], 'the same second counts as before');
  assert.equal(gatesSince({ createdAt: '2026-11-22T10:59:59Z' }, [gate]).length, 1);
  assert.equal(
    gatesSince({ createdAt: '2026-11-22T10:59:59Z' }, [
      entry('gate', 'switch-mx', '2026-11-22T11:00:00.000Z', 'failed'),
    ]),
    [],
    'a gate not recorded in full',
  );
});

test.run();
