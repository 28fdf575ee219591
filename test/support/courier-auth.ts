// Courier's authdaemond reads /etc/courier/authdaemonrc (path compiled in) and one global userdb,
// so every Courier instance on the machine, in this process or another test process, shares them.
// Each process holds a claim (a pid file); the last one out restores authdaemonrc and stops the
// authdaemond a claimant started. User names are unique per test (freshUser), so instances never
// see each other's users; each instance removes its own from the userdb when it stops.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isRunning } from './process-state.ts';

const run = promisify(execFile);

const RC = '/etc/courier/authdaemonrc';
const SAVED_RC = '/etc/courier/authdaemonrc.mailshift-saved';
const CLAIMS = '/run/mailshift-courier';
const STARTED_MARK = join(CLAIMS, 'authdaemond-started-by-mailshift');
const AUTHDAEMOND_PID = '/run/courier/authdaemon/pid';

/** Every user this process added, across instances (for the exit hook's cleanup). */
export const courierUsersOf = new Set<string>();

let claims = 0;

/** Points authdaemond at the userdb and makes sure it runs; one claim per Courier instance. */
export async function claimCourierAuth(): Promise<void> {
  claims += 1;
  mkdirSync(CLAIMS, { recursive: true });
  writeFileSync(join(CLAIMS, String(process.pid)), '');
  const rc = readFileSync(RC, 'utf8');
  const wanted = rc.replace(/^authmodulelist=.*$/m, 'authmodulelist="authuserdb"');
  const changed = wanted !== rc;
  if (changed) {
    if (!existsSync(SAVED_RC)) copyFileSync(RC, SAVED_RC);
    writeFileSync(RC, wanted);
  }
  if (!existsSync('/etc/courier/userdb')) writeFileSync('/etc/courier/userdb', '', { mode: 0o600 });
  await makeUserdb();
  if (!authdaemondRunning()) {
    await run('/usr/sbin/authdaemond', ['start']);
    writeFileSync(STARTED_MARK, '');
    await waitFor(() => authdaemondRunning() && existsSync('/run/courier/authdaemon/socket'));
  } else if (changed) {
    await run('/usr/sbin/authdaemond', ['restart']);
    await waitFor(() => authdaemondRunning() && existsSync('/run/courier/authdaemon/socket'));
  }
}

/** Adds a userdb login valid for every service (systempw); takes effect without a restart. */
export async function addCourierUser(
  user: string,
  password: string,
  where: { uid: number; gid: number; home: string; maildir: string },
): Promise<void> {
  await run('/usr/sbin/userdb', [
    user,
    'set',
    `uid=${where.uid}`,
    `gid=${where.gid}`,
    `home=${where.home}`,
    `mail=${where.maildir}`,
  ]);
  const hash = await pipe('/usr/sbin/userdbpw', ['-md5'], `${password}\n`);
  await pipe('/usr/sbin/userdb', [user, 'set', 'systempw'], hash);
  await makeUserdb();
}

/** Synchronous (it also runs from exit hooks): drops the users, then the claim; the last one out restores. */
export function releaseCourierAuth(users: ReadonlySet<string>): void {
  for (const user of users) {
    try {
      execFileSync('/usr/sbin/userdb', [user, 'del'], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
    courierUsersOf.delete(user);
  }
  if (users.size > 0) execFileSync('/usr/sbin/makeuserdb', { stdio: 'ignore' });
  claims = Math.max(0, claims - 1);
  if (claims > 0) return;
  rmSync(join(CLAIMS, String(process.pid)), { force: true });
  const others = existsSync(CLAIMS)
    ? readdirSync(CLAIMS).filter((name) => /^\d+$/.test(name) && isRunning(Number(name)))
    : [];
  if (others.length > 0) return;
  if (existsSync(SAVED_RC)) {
    copyFileSync(SAVED_RC, RC);
    rmSync(SAVED_RC);
  }
  if (existsSync(STARTED_MARK)) {
    execFileSync('/usr/sbin/authdaemond', ['stop'], { stdio: 'ignore' });
    rmSync(STARTED_MARK);
  }
}

function authdaemondRunning(): boolean {
  try {
    return isRunning(Number(readFileSync(AUTHDAEMOND_PID, 'utf8').trim()));
  } catch {
    return false;
  }
}

async function makeUserdb(): Promise<void> {
  await run('/usr/sbin/makeuserdb');
}

function pipe(command: string, args: string[], input: string): Promise<string> {
  const child = run(command, args);
  child.child.stdin?.end(input);
  return child.then(({ stdout }) => stdout);
}

async function waitFor(ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('authdaemond did not start (see /etc/courier/authdaemonrc)');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
