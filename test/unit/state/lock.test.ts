import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import { localStateStore, stateDirFor } from '../../../src/state/store.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-lock-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
const me = { operator: 'alice@ops1', pid: process.pid, host: 'ops1' };
test.after(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited: a lock it held is stale. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

async function lockError(promise: Promise<unknown>): Promise<MailshiftError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, MailshiftError);
    return error as MailshiftError;
  }
  assert.unreachable('expected the lock to be refused');
  throw new Error('unreachable');
}

test('stateDirFor: .mailshift/<name>/ next to the manifest, or <state-dir>/<name>/', () => {
  assert.is(stateDirFor('migrations/acme.jsonnet', 'acme'), join('migrations', '.mailshift', 'acme'));
  assert.is(stateDirFor('/srv/m/acme.jsonnet', 'acme', '/var/lib/mailshift'), join('/var/lib/mailshift', 'acme'));
});

test('a lock excludes a second holder, which is told who holds it, since when, and what to do', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  const lock = await store.lock(me);
  assert.is(lock.tookOverFrom, null);
  const error = await lockError(store.lock({ ...me, operator: 'bob@ops1' }));
  assert.is(error.code, 'STATE_LOCKED');
  const [diagnostic] = error.diagnostics;
  assert.match(diagnostic!.message, `locked by alice@ops1, pid ${process.pid} on ops1, since 20`);
  assert.match(diagnostic!.hint!, 'wait for it to finish; if that process is gone, remove');
  assert.is(diagnostic!.location?.file, join(dir, 'lock'));
  await lock.release();
});

test('after release the lock can be taken again; a second release does nothing', async () => {
  const store = localStateStore(freshDir());
  const first = await store.lock(me);
  await first.release();
  await first.release();
  const second = await store.lock(me);
  await first.release();
  await lockError(store.lock(me));
  await second.release();
});

test('another store on the same dir (another process) is excluded as well', async () => {
  const dir = freshDir();
  const lock = await localStateStore(dir).lock(me);
  const error = await lockError(localStateStore(dir).lock({ ...me, pid: process.pid }));
  assert.is(error.code, 'STATE_LOCKED');
  await lock.release();
  assert.not.ok(existsSync(join(dir, 'lock')));
});

test('a lock whose pid is dead on this host is taken over, and the takeover says from whom', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  const pid = deadPid();
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({ operator: 'carol@ops1', pid, host: 'ops1', since: '2026-11-23T09:15:00.000Z', token: 'x' }),
  );
  const lock = await localStateStore(dir).lock(me);
  assert.is(lock.tookOverFrom, `carol@ops1, pid ${pid} on ops1, since 2026-11-23T09:15:00.000Z`);
  assert.is(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).operator, 'alice@ops1');
  await lock.release();
});

test('a lock held on another host is never taken over: its pid means nothing here', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({
      operator: 'dave@ops2',
      pid: deadPid(),
      host: 'ops2',
      since: '2026-11-23T09:15:00.000Z',
      token: 'y',
    }),
  );
  const error = await lockError(localStateStore(dir).lock(me));
  assert.is(error.code, 'STATE_LOCKED');
  assert.match(error.diagnostics[0]!.hint!, 'cannot tell from ops1 whether pid');
});

test('many processes taking over one stale lock at once: exactly one wins', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({
      operator: 'carol@ops1',
      pid: deadPid(),
      host: 'ops1',
      since: '2026-11-23T09:15:00.000Z',
      token: 'z',
    }),
  );
  const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => localStateStore(dir).lock(me)));
  const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
  assert.is(won.length, 1);
  for (const attempt of attempts) {
    if (attempt.status === 'rejected') assert.is((attempt.reason as MailshiftError).code, 'STATE_LOCKED');
  }
  await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  assert.equal(readdirSync(dir), [], 'no temp or guard file left behind');
});

test('an unreadable lock file is reported, not taken over', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lock'), 'garbage');
  const error = await lockError(localStateStore(dir).lock(me));
  assert.is(error.code, 'STATE_LOCKED');
  assert.match(error.diagnostics[0]!.hint!, 'remove');
});

test.run();
