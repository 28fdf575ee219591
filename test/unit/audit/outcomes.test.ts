// The runbook's history read fast from each audit file's first and last records, gates recorded
// through the writer, and the hash chain with gate files between applies.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAuditChain } from '../../../src/audit/chain.ts';
import { readAuditOutcomes } from '../../../src/audit/outcomes.ts';
import { readAuditLog } from '../../../src/audit/reader.ts';
import { openAudit } from '../../../src/audit/writer.ts';
import { auditStart, copy, writeApply } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-audit-outcomes-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
test.after(() => rmSync(root, { recursive: true, force: true }));

async function writeGate(
  dir: string,
  startedAt: string,
  note: string | null,
  extra: { forced?: boolean; unmetRequires?: string[] } = {},
) {
  const writer = await openAudit(
    dir,
    auditStart({
      kind: 'gate',
      applyId: `gate-${startedAt}`,
      phase: 'switch-mx',
      planSha256: null,
      operator: 'bob@ops2',
      startedAt,
      ...extra,
    }),
  );
  await writer.recordGate(note);
  await writer.finish({ result: 'ok', summary: {}, failures: 0, endedAt: startedAt });
  return writer.file;
}

test('a gate file: start (kind gate, no plan), one gate action with the note, end ok', async () => {
  const dir = freshDir();
  const file = await writeGate(dir, '2026-11-24T07:00:00.000Z', 'MX switched, TTL 300');
  const lines = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.is(lines.length, 3);
  assert.equal(
    [lines[0].kind, lines[0].phase, lines[0].planSha256, lines[0].operator],
    ['gate', 'switch-mx', null, 'bob@ops2'],
  );
  assert.equal(Object.keys(lines[1]), ['type', 'n', 'at', 'op', 'note', 'result', 'prev']);
  assert.equal([lines[1].op, lines[1].note, lines[1].result], ['gate', 'MX switched, TTL 300', 'done']);
  assert.equal([lines[2].type, lines[2].result], ['end', 'ok']);
});

test('outcomes: applies and gates in order, with kind, note, result and what --force overrode', async () => {
  const dir = freshDir();
  await writeApply(dir, { applyId: 'presync-1' });
  await writeGate(dir, '2026-11-24T07:00:00.000Z', 'MX switched');
  await writeApply(dir, {
    applyId: 'drain-1',
    phase: 'drain-source',
    startedAt: '2026-11-24T08:00:00.000Z',
    forced: true,
    unmetRequires: ['switch-mx'],
  });
  const outcomes = await readAuditOutcomes(dir);
  assert.equal(
    outcomes.map((o) => [o.kind, o.phase, o.result, o.note, o.forced, o.unmetRequires]),
    [
      ['apply', 'presync', 'failed', null, false, []],
      ['gate', 'switch-mx', 'ok', 'MX switched', false, []],
      ['apply', 'drain-source', 'failed', null, true, ['switch-mx']],
    ],
  );
  assert.equal(outcomes[0]!.summary, { messagesCopied: 3, failed: 1 });
  const { counts: _counts, ...fromFullRead } = (await readAuditLog(dir))[1]!;
  assert.equal(fromFullRead, outcomes[1], 'the fast read and the full read agree');
});

test('the gate action is not counted as a change to a mailbox', async () => {
  const dir = freshDir();
  await writeGate(dir, '2026-11-24T07:00:00.000Z', null);
  const [gate] = await readAuditLog(dir);
  assert.is(gate!.note, null);
  assert.ok(Object.values(gate!.counts).every((count) => count === 0));
});

test('the end record is found past the first 64 KB; a torn or missing end means not finished', async () => {
  const dir = freshDir();
  const big = await openAudit(dir, auditStart());
  for (let uid = 1; uid <= 1000; uid++) await big.record(copy(uid, uid));
  await big.finish({
    result: 'ok',
    summary: { messagesCopied: 1000 },
    failures: 0,
    endedAt: '2026-11-23T10:00:00.000Z',
  });
  assert.equal(
    (await readAuditOutcomes(dir)).map((o) => o.result),
    ['ok'],
  );
  const second = await writeApply(dir, { applyId: 'second', startedAt: '2026-11-23T11:00:00.000Z' }, false);
  appendFileSync(second.file, '{"type":"end","n":9,"res');
  assert.equal(
    (await readAuditOutcomes(dir)).map((o) => o.result),
    ['ok', 'unfinished'],
  );
  await writeApply(dir, { applyId: 'third', startedAt: '2026-11-23T12:00:00.000Z' });
  assert.equal(
    (await readAuditOutcomes(dir)).map((o) => o.result),
    ['ok', 'interrupted', 'failed'],
  );
});

test('a file from before gates existed (no kind) is an apply', async () => {
  const dir = freshDir();
  const writer = await writeApply(dir);
  const lines = readFileSync(writer.file, 'utf8').split('\n');
  lines[0] = lines[0]!.replace('"kind":"apply",', '');
  writeFileSync(writer.file, lines.join('\n'));
  const [outcome] = await readAuditOutcomes(dir);
  assert.is(outcome!.kind, 'apply');
});

test('the hash chain holds with gate files between applies, and finds an edited note', async () => {
  const dir = freshDir();
  await writeApply(dir, { applyId: 'a' });
  const gate = await writeGate(dir, '2026-11-24T07:00:00.000Z', 'MX switched');
  await writeApply(dir, { applyId: 'b', phase: 'drain-source', startedAt: '2026-11-24T08:00:00.000Z' });
  assert.equal(await checkAuditChain(dir), { ok: true, files: 3, problems: [] });
  writeFileSync(gate, readFileSync(gate, 'utf8').replace('MX switched', 'MX switched late'));
  const broken = await checkAuditChain(dir);
  assert.is(broken.ok, false);
  assert.equal(broken.problems.map((p) => p.kind).sort(), ['changed-file', 'modified-record']);
});

test.run();
