// `mailshift audit` as a user runs it, on a migration folder holding two applies' audit files.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor, openAudit, type AuditStart } from '../../src/audit/writer.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';

const folder = manifestFolder();
const manifest = folder.write('acme.json', validManifest());
const dir = auditDirFor(manifest, 'test-migration');
const PRESYNC_ID = '3f2a9c1b-7e4d-4c1a-9b2e-0a1b2c3d4e5f';
const FINAL_ID = '8c41d0e2-5b6a-4f3e-8d2c-1e0f9a8b7c6d';
let files: string[] = [];

const start = (applyId: string, phase: string, startedAt: string): AuditStart => ({
  kind: 'apply',
  applyId,
  phase,
  planSha256: 'ab'.repeat(32),
  startedAt,
  tool: 'mailshift 0.1.0',
  operator: 'alice@ops1',
  manifest: { path: 'acme.json', sha256: 'cd'.repeat(32), git: null },
});

test.before(async () => {
  const presync = await openAudit(dir, start(PRESYNC_ID, 'presync', '2026-11-23T09:15:00.000Z'));
  await presync.record({
    account: 'alice',
    folder: 'Sent',
    target: 'INBOX.Sent Items',
    op: 'createFolder',
    result: 'done',
  });
  for (const uid of [1, 2, 3])
    await presync.record({
      account: 'alice',
      folder: 'Sent',
      target: 'INBOX.Sent Items',
      op: 'copy',
      uid,
      targetUid: uid + 100,
      result: 'done',
      size: 2048,
      identity: 'a'.repeat(64),
    });
  await presync.record({
    account: 'alice',
    folder: 'INBOX',
    target: 'INBOX',
    op: 'copy',
    uid: 7,
    targetUid: null,
    result: 'failed',
    reason: 'the target refused it: message too large',
    size: 90_000_000,
  });
  await presync.record({ account: 'alice', folder: null, target: 'Stale', op: 'deleteTarget', uid: 4, result: 'done' });
  await presync.finish({
    result: 'failed',
    summary: { messagesCopied: 3, failed: 1 },
    failures: 1,
    endedAt: '2026-11-23T09:20:00.000Z',
  });

  const final = await openAudit(dir, start(FINAL_ID, 'presync', '2026-11-24T08:00:00.000Z'));
  await final.record({
    account: 'alice',
    folder: 'INBOX',
    target: 'INBOX',
    op: 'copy',
    uid: 7,
    targetUid: 12,
    result: 'done',
    size: 1000,
  });
  await final.record({ account: 'alice', folder: 'INBOX', target: 'INBOX', op: 'setFlags', uid: 12, result: 'done' });
  await final.finish({
    result: 'ok',
    summary: { messagesCopied: 1, failed: 0 },
    failures: 0,
    endedAt: '2026-11-24T08:01:00.000Z',
  });
  files = [presync.file, final.file];
});
test.after(() => folder.remove());

test('without an id: the applies in order, with counts, and the chain check', async () => {
  const result = await runMailshift(['audit', manifest]);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stderr, '');
  const lines = result.stdout.split('\n');
  assert.match(lines[0]!, `mailshift audit: test-migration (${dir})`);
  assert.match(
    result.stdout,
    /WHEN \(UTC\)\s+PHASE\s+APPLY\s+OPERATOR\s+RESULT\s+COPIED\s+FLAG UPDATES\s+DELETIONS\s+FAILURES/,
  );
  assert.match(result.stdout, /2026-11-23 09:15\s+presync\s+3f2a9c1b\s+alice@ops1\s+failed\s+3\s+0\s+1\s+1\n/);
  assert.match(result.stdout, /2026-11-24 08:00\s+presync\s+8c41d0e2\s+alice@ops1\s+ok\s+1\s+1\s+0\s+0\n/);
  assert.match(result.stdout, 'hash chain: ok (2 files)');
});

test('with an id prefix: that apply by account and folder, failures with their reasons', async () => {
  const result = await runMailshift(['audit', manifest, '3f2a']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, `apply ${PRESYNC_ID}: phase presync, failed`);
  assert.match(result.stdout, 'started   2026-11-23 09:15:00 UTC by alice@ops1 (mailshift 0.1.0)');
  assert.match(result.stdout, 'Account alice\n');
  assert.match(result.stdout, '  Sent → INBOX.Sent Items: folder created, 3 copied (6.1 KB)\n');
  assert.match(result.stdout, '  INBOX: 1 failed\n    ✗ copy uid 7: the target refused it: message too large\n');
  assert.match(result.stdout, '  (target only) Stale: 1 deleted on the target\n');
  assert.match(
    result.stdout,
    'Total: 1 folder created, 3 copied (6.1 KB), 0 re-flagged, 1 deleted on the target, 0 deleted on the source, 1 failed.',
  );
  assert.match(result.stdout, 'hash chain: ok (2 files)');
});

test('an unknown or ambiguous id is a usage error that says what to do', async () => {
  const unknown = await runMailshift(['audit', manifest, 'ffff']);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, 'no apply in the audit log has the id "ffff"');
  assert.match(unknown.stderr, `mailshift audit ${manifest}`);
  const ambiguous = await runMailshift(['audit', manifest, '']);
  assert.is(ambiguous.code, 1);
  assert.match(ambiguous.stderr, `starts 2 apply ids: ${PRESYNC_ID}, ${FINAL_ID}`);
});

test('--format json: the list, and one apply, as data', async () => {
  const list = await runMailshift(['audit', manifest, '--format', 'json']);
  assert.is(list.code, 0, list.stderr);
  const log = JSON.parse(list.stdout);
  assert.is(log.format, 'mailshift-audit-log/v1');
  assert.equal(
    log.applies.map((apply: { applyId: string; result: string }) => [apply.applyId, apply.result]),
    [
      [PRESYNC_ID, 'failed'],
      [FINAL_ID, 'ok'],
    ],
  );
  assert.equal(log.chain, { ok: true, files: 2, problems: [] });

  const one = await runMailshift(['audit', manifest, FINAL_ID, '--format', 'json']);
  assert.is(one.code, 0, one.stderr);
  const { apply } = JSON.parse(one.stdout);
  assert.is(apply.applyId, FINAL_ID);
  assert.equal(apply.accounts[0].folders[0].counts.messagesCopied, 1);
  assert.equal(apply.accounts[0].folders[0].counts.flagUpdates, 1);
});

test('no message content and no secret in the audit files', async () => {
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.not.match(text, 'ALICE_OLD_PW');
    assert.not.match(text, /"(body|password|accessToken|headers)"/);
  }
});

test('a tampered record: exit 1, the chain reported broken, a diagnostic naming file and line', async () => {
  const original = readFileSync(files[0]!, 'utf8');
  try {
    writeFileSync(files[0]!, original.replace('"targetUid":102', '"targetUid":999'));
    const result = await runMailshift(['audit', manifest]);
    assert.is(result.code, 1);
    assert.match(result.stdout, 'hash chain: BROKEN: 2 problems in 2 files');
    assert.match(result.stderr, `error: ${files[0]}:4:1: audit log: line 4 was changed after it was written`);
    assert.match(
      result.stderr,
      `error: ${files[0]}: audit log: changed after 20261124T080000Z-presync.jsonl was started`,
    );
    assert.match(result.stdout, '  ✗ 20261123T091500Z-presync.jsonl:4: line 4 was changed after it was written');
    assert.match(result.stderr, 'hint: the audit log was edited');
    assert.not.ok(hasStackTrace(result.stderr));
    const json = await runMailshift(['audit', manifest, '--format', 'json']);
    assert.is(json.code, 1);
    assert.is(JSON.parse(json.stdout).chain.ok, false);
  } finally {
    writeFileSync(files[0]!, original);
  }
});

test('a deleted audit file: exit 1, the missing file named', async () => {
  const original = readFileSync(files[0]!);
  try {
    unlinkSync(files[0]!);
    const result = await runMailshift(['audit', manifest]);
    assert.is(result.code, 1);
    assert.match(
      result.stderr,
      '20261123T091500Z-presync.jsonl is missing: 20261124T080000Z-presync.jsonl is chained to it',
    );
  } finally {
    writeFileSync(files[0]!, original);
  }
});

test('a migration without audit files yet: nothing to list, exit 0', async () => {
  const other = folder.write('other.json', { ...validManifest(), name: 'other-migration' });
  const result = await runMailshift(['audit', other]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, 'No applies or gates recorded yet.');
  assert.match(result.stdout, 'hash chain: ok (0 files)');
});

test.run();
