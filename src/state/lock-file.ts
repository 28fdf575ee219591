// The migration lock as a file holding its holder. It appears with its content in one step (write
// a temp file, then link(2), which fails when the lock exists), so no reader ever sees it empty.
// A stale lock (dead pid, same host) is replaced by rename(2) under a second, short-lived guard
// file, so two processes taking it over at once cannot both win.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MailshiftError, problem } from '../errors.ts';
import { syncDirectory, temporaryName, writeNewFile } from './durable-file.ts';
import type { Lock, LockHolder } from './store.ts';

interface LockRecord extends LockHolder {
  since: string;
  /** Tells this lock from a later one of the same pid (release removes only its own). */
  token: string;
}

const ATTEMPTS = 40;

/** Take the lock file in `dir` for `holder`, taking over a stale one. */
export async function takeLock(dir: string, holder: LockHolder): Promise<Lock> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'lock');
  const mine: LockRecord = { ...holder, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 1; ; attempt++) {
    if (await createWith(file, mine)) return heldLock(file, mine, null);
    const current = await readLock(file);
    if (current === 'gone') continue;
    if (current === 'unreadable' || current.host !== holder.host || isAlive(current.pid))
      throw locked(file, current, holder);
    const outcome = await takeOver(file, current, mine);
    if (outcome === 'taken') return heldLock(file, mine, describe(current));
    if (outcome === 'busy' && attempt >= ATTEMPTS) {
      throw new MailshiftError(
        problem(
          'STATE_LOCKED',
          `the stale lock of ${describe(current)} is being taken over by another mailshift`,
          `wait and run again; if no mailshift runs on ${holder.host}, remove ${file}.takeover`,
          { file: `${file}.takeover` },
        ),
      );
    }
    if (outcome === 'busy') await sleep(25);
  }
}

/** Create `file` holding `record` unless it exists; the content is complete the moment the name appears. */
async function createWith(file: string, record: object): Promise<boolean> {
  const temp = temporaryName(file);
  await writeNewFile(temp, `${JSON.stringify(record)}\n`);
  try {
    await link(temp, file);
    await syncDirectory(dirname(file));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

/** Replace the stale lock `stale` by `mine`, unless someone else got there first. */
async function takeOver(file: string, stale: LockRecord, mine: LockRecord): Promise<'taken' | 'changed' | 'busy'> {
  const guard = `${file}.takeover`;
  if (!(await createWith(guard, { pid: mine.pid, host: mine.host }))) return 'busy';
  try {
    const current = await readLock(file);
    if (typeof current === 'string' || current.token !== stale.token || current.pid !== stale.pid) return 'changed';
    const temp = temporaryName(file);
    await writeNewFile(temp, `${JSON.stringify(mine)}\n`);
    await rename(temp, file);
    await syncDirectory(dirname(file));
    return 'taken';
  } finally {
    await unlink(guard);
  }
}

async function readLock(file: string): Promise<LockRecord | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const record = JSON.parse(text) as LockRecord;
    return typeof record.pid === 'number' && typeof record.host === 'string' ? record : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function heldLock(file: string, mine: LockRecord, tookOverFrom: string | null): Lock {
  let released = false;
  return {
    tookOverFrom,
    async release() {
      if (released) return;
      released = true;
      const current = await readLock(file);
      if (typeof current !== 'string' && current.token === mine.token) await unlink(file);
    },
  };
}

/** Whether a process with this pid runs on this machine (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function describe(record: LockRecord): string {
  return `${record.operator}, pid ${record.pid} on ${record.host}, since ${record.since}`;
}

function locked(file: string, current: LockRecord | 'unreadable', holder: LockHolder): MailshiftError {
  if (current === 'unreadable') {
    return new MailshiftError(
      problem(
        'STATE_LOCKED',
        'the migration is locked, by a holder the lock file does not name (it is unreadable)',
        `if no apply of this manifest is running, remove ${file} and run again`,
        { file },
      ),
    );
  }
  const elsewhere = current.host !== holder.host;
  return new MailshiftError(
    problem(
      'STATE_LOCKED',
      `the migration is locked by ${describe(current)}: another apply (or gate) of this manifest is running`,
      elsewhere
        ? `wait for it to finish; mailshift cannot tell from ${holder.host} whether pid ${current.pid} still runs on ${current.host}: if it is gone, remove ${file}`
        : `wait for it to finish; if that process is gone, remove ${file}`,
      { file },
    ),
  );
}
