import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findApplies, readAuditApply, readAuditLog } from '../../../src/audit/reader.ts';
import { writeApply } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-audit-reader-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
test.after(() => rmSync(root, { recursive: true, force: true }));

test('no audit folder: no applies', async () => {
  assert.equal(await readAuditLog(join(root, 'nothing-here')), []);
});

test('applies are listed oldest first with who, when, result and the audited counts', async () => {
  const dir = freshDir();
  await writeApply(dir, { applyId: 'aaaa1111' });
  await writeApply(dir, {
    applyId: 'bbbb2222',
    phase: 'final',
    operator: 'bob@ops2',
    startedAt: '2026-11-24T08:00:00.000Z',
    forced: true,
  });
  const applies = await readAuditLog(dir);
  assert.equal(
    applies.map((apply) => [apply.applyId, apply.phase, apply.operator, apply.result, apply.forced]),
    [
      ['aaaa1111', 'presync', 'alice@ops1', 'failed', false],
      ['bbbb2222', 'final', 'bob@ops2', 'failed', true],
    ],
  );
  assert.equal(applies[0]!.counts, {
    foldersCreated: 1,
    subscribed: 0,
    messagesCopied: 3,
    bytesCopied: 3000,
    flagUpdates: 1,
    targetDeletes: 0,
    foldersDeleted: 0,
    sourceDeletes: 0,
    skipped: 1,
    failed: 1,
  });
  assert.is(applies[0]!.startedAt, '2026-11-23T09:15:00.000Z');
  assert.is(applies[0]!.endedAt, '2026-11-23T09:16:00.000Z');
  assert.equal(applies[0]!.summary, { messagesCopied: 3, failed: 1 });
  assert.is(applies[0]!.file, join(dir, '20261123T091500Z-presync.jsonl'));
});

test('without end record: "interrupted" when a later apply exists, "unfinished" when it is the newest', async () => {
  const dir = freshDir();
  await writeApply(dir, { applyId: 'first' }, false);
  assert.equal(
    (await readAuditLog(dir)).map((apply) => apply.result),
    ['unfinished'],
  );
  await writeApply(dir, { applyId: 'second', startedAt: '2026-11-23T10:00:00.000Z' }, false);
  const applies = await readAuditLog(dir);
  assert.equal(
    applies.map((apply) => apply.result),
    ['interrupted', 'unfinished'],
  );
  assert.is(applies[0]!.endedAt, null);
  assert.is(applies[0]!.counts.messagesCopied, 3, 'what was audited before the interruption still counts');
});

test('one apply by account and folder: counts, failures with reasons, skipped by reason', async () => {
  const dir = freshDir();
  await writeApply(dir);
  const [apply] = await readAuditLog(dir);
  const detail = await readAuditApply(apply!);
  assert.equal(
    detail.accounts.map((account) => [
      account.id,
      account.folders.map((folder) => `${folder.source} → ${folder.target}`),
    ]),
    [
      ['alice', ['Sent → INBOX.Sent Items', 'INBOX → INBOX']],
      ['bob', ['INBOX → INBOX']],
    ],
  );
  const sent = detail.accounts[0]!.folders[0]!;
  assert.is(sent.counts.foldersCreated, 1);
  assert.is(sent.counts.messagesCopied, 3);
  assert.equal(sent.failures, [
    { op: 'copy', uid: 4, result: 'failed', reason: 'the target refused it: message too large', line: 6 },
  ]);
  assert.equal(detail.accounts[1]!.folders[0]!.skipped, [{ reason: 'already gone from the source', count: 1 }]);
});

const ids = [{ applyId: '3f2a9c1b' }, { applyId: '3f2b0000' }, { applyId: '77aa' }] as never[];
const cases: Array<[string, string[]]> = [
  ['3f2a9c1b', ['3f2a9c1b']],
  ['3F2A', ['3f2a9c1b']],
  ['3f2', ['3f2a9c1b', '3f2b0000']],
  ['ffff', []],
];
for (const [query, expected] of cases) {
  test(`findApplies("${query}") finds ${expected.length === 0 ? 'nothing' : expected.join(', ')}`, () => {
    assert.equal(
      findApplies(ids, query).map((apply) => apply.applyId),
      expected,
    );
  });
}

test.run();
