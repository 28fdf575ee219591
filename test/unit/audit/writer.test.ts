import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor, openAudit } from '../../../src/audit/writer.ts';
import { auditStart, copy, writeApply } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-audit-writer-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`, 'audit', 'acme');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const linesOf = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
test.after(() => rmSync(root, { recursive: true, force: true }));

test('auditDirFor: audit/<name>/ next to the manifest', () => {
  assert.is(auditDirFor('migrations/acme.jsonnet', 'acme'), join('migrations', 'audit', 'acme'));
});

test('the file is named for the UTC start second and the phase; the first record says who, what, when', async () => {
  const dir = freshDir();
  const writer = await writeApply(dir);
  assert.is(writer.file, join(dir, '20261123T091500Z-presync.jsonl'));
  const start = JSON.parse(linesOf(writer.file)[0]!);
  assert.equal(start, {
    type: 'start',
    n: 1,
    format: 'mailshift-audit/v1',
    kind: 'apply',
    applyId: '3f2a9c1b-7e4d-4c1a-9b2e-0a1b2c3d4e5f',
    phase: 'presync',
    planSha256: 'ab'.repeat(32),
    manifest: {
      path: 'migrations/acme.jsonnet',
      sha256: 'cd'.repeat(32),
      git: { commit: 'ef'.repeat(20), dirty: false },
    },
    tool: 'mailshift 0.1.0',
    operator: 'alice@ops1',
    startedAt: '2026-11-23T09:15:00.000Z',
    previous: null,
    prev: null,
  });
});

test('records are numbered and each holds the SHA-256 of the line before; the end record closes the file', async () => {
  const writer = await writeApply(freshDir());
  const lines = linesOf(writer.file);
  assert.is(lines.length, 9);
  lines.forEach((line, index) => {
    const record = JSON.parse(line);
    assert.is(record.n, index + 1);
    assert.is(record.prev, index === 0 ? null : sha256(lines[index - 1]!));
  });
  const end = JSON.parse(lines[8]!);
  assert.equal(
    { type: end.type, result: end.result, failures: end.failures, endedAt: end.endedAt },
    { type: 'end', result: 'failed', failures: 1, endedAt: '2026-11-23T09:16:00.000Z' },
  );
  const copied = JSON.parse(lines[2]!);
  assert.equal(Object.keys(copied), [
    'type',
    'n',
    'at',
    'account',
    'folder',
    'target',
    'op',
    'uid',
    'targetUid',
    'result',
    'identity',
    'size',
    'prev',
  ]);
});

test('only audit fields are written: a message body or a password on the object never gets in', async () => {
  const writer = await openAudit(freshDir(), auditStart());
  await writer.record({ ...copy(1, 1), body: 'Subject: secret plans', password: 'hunter2' } as never);
  await writer.finish({ result: 'ok', summary: {}, failures: 0, endedAt: '2026-11-23T09:16:00.000Z' });
  const text = readFileSync(writer.file, 'utf8');
  assert.not.match(text, 'secret plans');
  assert.not.match(text, 'hunter2');
});

test('the next file is chained to the newest earlier one by name and SHA-256', async () => {
  const dir = freshDir();
  const first = await writeApply(dir);
  const second = await writeApply(dir, { applyId: 'b2', phase: 'final', startedAt: '2026-11-24T08:00:00.000Z' });
  const start = JSON.parse(linesOf(second.file)[0]!);
  assert.equal(start.previous, { file: '20261123T091500Z-presync.jsonl', sha256: sha256(readFileSync(first.file)) });
});

test('two applies in one second (or a clock set back) still get names that sort in chain order', async () => {
  const dir = freshDir();
  await writeApply(dir, { applyId: 'a1', phase: 'presync' });
  await writeApply(dir, { applyId: 'a2', phase: 'final' });
  await writeApply(dir, { applyId: 'a3', phase: 'presync', startedAt: '2026-11-22T00:00:00.000Z' });
  assert.equal(readdirSync(dir), [
    '20261123T091500Z-presync.jsonl',
    '20261123T091501Z-final.jsonl',
    '20261123T091502Z-presync.jsonl',
  ]);
});

test('concurrent records keep one numbered order; nothing after finish', async () => {
  const writer = await openAudit(freshDir(), auditStart());
  await Promise.all(Array.from({ length: 200 }, (_, i) => writer.record(copy(i + 1, i + 1))));
  await writer.finish({ result: 'ok', summary: {}, failures: 0, endedAt: '2026-11-23T09:16:00.000Z' });
  const lines = linesOf(writer.file);
  assert.equal(
    lines.map((line) => JSON.parse(line).uid).slice(1, 201),
    Array.from({ length: 200 }, (_, i) => i + 1),
  );
  try {
    await writer.record(copy(999, 999));
    assert.unreachable('record after finish');
  } catch (error) {
    assert.match((error as Error).message, 'after the end record');
  }
});

test.run();
