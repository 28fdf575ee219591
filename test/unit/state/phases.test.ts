import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import { localStateStore, type PhaseRecord } from '../../../src/state/store.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-phases-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
test.after(() => rmSync(root, { recursive: true, force: true }));

const presync: PhaseRecord = {
  phase: 'presync', kind: 'apply', at: '2026-11-23T09:20:00.000Z', operator: 'alice@ops1', result: 'ok',
  planSha256: 'ab'.repeat(32), applyId: 'e1f0c2a4', summary: { messagesCopied: 5061, failed: 0 },
};
const gate: PhaseRecord = { phase: 'switch-mx', kind: 'gate', at: '2026-11-24T07:00:00.000Z', operator: 'bob@ops2', result: 'ok', note: 'MX TTL was 300s' };

test('no history before the first apply', async () => {
  assert.equal(await localStateStore(freshDir()).phaseHistory(), []);
});

test('applies and gates come back in the order recorded, as recorded', async () => {
  const store = localStateStore(freshDir());
  await store.recordPhase(presync);
  await store.recordPhase(gate);
  await store.recordPhase({ ...presync, result: 'interrupted', forced: true });
  assert.equal(await store.phaseHistory(), [presync, gate, { ...presync, result: 'interrupted', forced: true }]);
});

test('a torn last record is ignored and does not glue onto the next one', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  await store.recordPhase(presync);
  appendFileSync(join(dir, 'phases.jsonl'), '{"phase":"fin');
  assert.equal(await store.phaseHistory(), [presync]);
  await store.recordPhase(gate);
  assert.equal(await store.phaseHistory(), [presync, gate]);
  assert.is(readFileSync(join(dir, 'phases.jsonl'), 'utf8').split('\n').length, 3);
});

test('an edited record is STATE_CORRUPT; a malformed record is refused before it is written', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  await store.recordPhase(presync);
  appendFileSync(join(dir, 'phases.jsonl'), '{"phase":"final"}\n');
  await store.recordPhase(gate);
  try {
    await store.phaseHistory();
    assert.unreachable('should refuse');
  } catch (error) {
    assert.is((error as MailshiftError).code, 'STATE_CORRUPT');
    assert.is((error as MailshiftError).diagnostics[0]!.location?.line, 2);
  }
  try {
    await store.recordPhase({ ...gate, kind: 'manual' as 'gate' });
    assert.unreachable('should refuse');
  } catch (error) {
    assert.is((error as MailshiftError).code, 'INTERNAL');
  }
});

test.run();
