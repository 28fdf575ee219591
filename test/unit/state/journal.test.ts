import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import { localStateStore } from '../../../src/state/store.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-journal-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
const PLAN = 'ab'.repeat(32);
const journalFile = (dir: string) => join(dir, 'journal', `${PLAN}.jsonl`);
test.after(() => rmSync(root, { recursive: true, force: true }));

test('entries survive close and reopen; failed ones are there but not "has" (they are retried)', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  await journal.append({ key: 'alice/INBOX/copy/1', result: 'done', detail: { targetUid: 7 } });
  await journal.append({ key: 'alice/INBOX/copy/2', result: 'failed', detail: { reason: 'too large' } });
  await journal.append({ key: 'alice/INBOX/copy/3', result: 'skipped' });
  await journal.close();

  const reopened = await localStateStore(dir).journal(PLAN);
  assert.ok(reopened.has('alice/INBOX/copy/1'));
  assert.not.ok(reopened.has('alice/INBOX/copy/2'));
  assert.ok(reopened.has('alice/INBOX/copy/3'));
  assert.not.ok(reopened.has('alice/INBOX/copy/4'));
  assert.equal(reopened.get('alice/INBOX/copy/1'), {
    key: 'alice/INBOX/copy/1',
    result: 'done',
    detail: { targetUid: 7 },
  });
  assert.is(reopened.entries().length, 3);
  await reopened.close();
});

test('a retried key: the latest entry counts, in the place the key first had', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  await journal.append({ key: 'a', result: 'failed' });
  await journal.append({ key: 'b', result: 'done' });
  await journal.append({ key: 'a', result: 'done' });
  assert.ok(journal.has('a'));
  assert.equal(
    journal.entries().map((entry) => `${entry.key}:${entry.result}`),
    ['a:done', 'b:done'],
  );
  await journal.close();
  const reopened = await localStateStore(dir).journal(PLAN);
  assert.equal(
    reopened.entries().map((entry) => `${entry.key}:${entry.result}`),
    ['a:done', 'b:done'],
  );
  await reopened.close();
});

test('an entry reads the same before and after reopen: the JSON of its line, not the object appended', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  const details: Array<Record<string, unknown>> = [
    { targetIdentity: 'f'.repeat(64), targetUid: 7 },
    { targetIdentity: undefined, targetUid: null, flag: true },
    { zero: -0, nan: Number.NaN, infinite: Number.POSITIVE_INFINITY },
    { nested: { uids: [1, undefined] }, at: new Date('2026-11-23T09:15:00Z') },
    JSON.parse('{"__proto__": 1, "x": "y"}') as Record<string, unknown>,
  ];
  const appended = details.map((detail, index) => ({ key: `k${index}`, result: 'done' as const, detail }));
  for (const entry of appended) await journal.append(entry);
  appended[0]!.detail.targetUid = 8; // the caller's object changing later changes nothing
  const before = journal.entries();
  await journal.close();
  const reopened = await localStateStore(dir).journal(PLAN);
  assert.equal(before, reopened.entries());
  assert.equal(before[0]!.detail, { targetIdentity: 'f'.repeat(64), targetUid: 7 });
  assert.equal(Object.keys(before[1]!.detail!), ['targetUid', 'flag']);
  assert.is(Object.is(before[2]!.detail!.zero, 0), true);
  assert.equal(before[3]!.detail, { nested: { uids: [1, null] }, at: '2026-11-23T09:15:00.000Z' });
  assert.equal(Object.keys(before[4]!.detail!), ['__proto__', 'x']);
  await reopened.close();
});

test('each plan has its own journal', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  const one = await store.journal(PLAN);
  await one.append({ key: 'x', result: 'done' });
  await one.close();
  const other = await store.journal('cd'.repeat(32));
  assert.not.ok(other.has('x'));
  await other.close();
});

test('a torn last line (kill -9 mid-write) is ignored, and cut off before the next append', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  await journal.append({ key: 'a', result: 'done' });
  await journal.close();
  appendFileSync(journalFile(dir), '{"key":"b","res');
  const reopened = await localStateStore(dir).journal(PLAN);
  assert.equal(
    reopened.entries().map((entry) => entry.key),
    ['a'],
  );
  await reopened.append({ key: 'c', result: 'done' });
  await reopened.close();
  assert.is(readFileSync(journalFile(dir), 'utf8'), '{"key":"a","result":"done"}\n{"key":"c","result":"done"}\n');
});

test('zeros a power loss leaves at the end are a torn tail too', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  await journal.append({ key: 'a', result: 'done' });
  await journal.close();
  appendFileSync(journalFile(dir), Buffer.alloc(64));
  const reopened = await localStateStore(dir).journal(PLAN);
  assert.equal(
    reopened.entries().map((entry) => entry.key),
    ['a'],
  );
  await reopened.close();
});

test('a damaged line in the middle is STATE_CORRUPT with the file and line', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  await journal.append({ key: 'a', result: 'done' });
  await journal.close();
  writeFileSync(journalFile(dir), '{"key":"a","result":"done"}\n{oops\n{"key":"b","result":"done"}\n');
  try {
    await localStateStore(dir).journal(PLAN);
    assert.unreachable('should refuse the journal');
  } catch (error) {
    assert.instance(error, MailshiftError);
    assert.is((error as MailshiftError).code, 'STATE_CORRUPT');
    assert.equal((error as MailshiftError).diagnostics[0]!.location, { file: journalFile(dir), line: 2 });
  }
});

test('appends made together share a commit and all resolve durable, in order', async () => {
  const dir = freshDir();
  const journal = await localStateStore(dir).journal(PLAN);
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 5000 }, (_, i) => journal.append({ key: `k${i}`, result: 'done', detail: { targetUid: i } })),
  );
  assert.ok(Date.now() - started < 5000, 'group commit: thousands of appends in well under a second each');
  await journal.close();
  const lines = readFileSync(journalFile(dir), 'utf8').trimEnd().split('\n');
  assert.is(lines.length, 5000);
  assert.is(JSON.parse(lines[4999]!).key, 'k4999');
});

test('appending after close is an error; a bad plan key is refused', async () => {
  const journal = await localStateStore(freshDir()).journal(PLAN);
  await journal.close();
  try {
    await journal.append({ key: 'late', result: 'done' });
    assert.unreachable('append after close');
  } catch (error) {
    assert.match((error as Error).message, 'closed');
  }
  try {
    await localStateStore(freshDir()).journal('../../etc');
    assert.unreachable('a path as plan key');
  } catch (error) {
    assert.is((error as MailshiftError).code, 'INTERNAL');
  }
});

const WRITER = `
import { localStateStore } from ${JSON.stringify(fileURLToPath(new URL('../../../src/state/store.ts', import.meta.url)))};
const journal = await localStateStore(process.argv[1]).journal(${JSON.stringify(PLAN)});
for (let i = 0; ; i++) {
  await journal.append({ key: 'k' + i, result: 'done', detail: { pad: 'x'.repeat(i % 500) } });
  process.stdout.write(i + '\\n');
}`;

test('kill -9 of a writer mid-stream: every acknowledged entry is there, nothing is garbled', async () => {
  const dir = freshDir();
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acknowledged = -1;
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const numbers = chunk.toString().trim().split('\n').map(Number);
      acknowledged = Math.max(acknowledged, ...numbers);
      if (acknowledged >= 300 && !child.killed) child.kill('SIGKILL');
    });
    child.on('close', () => resolve());
  });
  const journal = await localStateStore(dir).journal(PLAN);
  const keys = journal.entries().map((entry) => entry.key);
  assert.ok(keys.length >= acknowledged + 1, `${keys.length} entries, ${acknowledged + 1} acknowledged`);
  assert.equal(
    keys,
    keys.map((_, i) => `k${i}`),
    'a gapless prefix',
  );
  await journal.append({ key: 'after', result: 'done' });
  await journal.close();
  const reopened = await localStateStore(dir).journal(PLAN);
  assert.ok(reopened.has('after'));
  await reopened.close();
});

test.run();
