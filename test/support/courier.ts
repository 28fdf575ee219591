// Courier-IMAP 5.0 on loopback: couriertcpd + imaplogin + imapd (unpacked by .ci/install-servers
// under /opt/srv/courier-imap) in a temp dir. Authentication goes through authdaemond, whose
// config (/etc/courier/authdaemonrc) and userdb are global to the machine: see courier-auth.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addCourierUser, claimCourierAuth, courierUsersOf, releaseCourierAuth } from './courier-auth.ts';
import { logTail, requireBinaries, startDaemon, type ImapTestServer } from './imap-server.ts';
import { freePort, waitForGreeting } from './ports.ts';
import { systemAccount } from './system-account.ts';

const run = promisify(execFile);

const ROOT = process.env.COURIER_ROOT ?? '/opt/srv/courier-imap';
const IMAPD = join(ROOT, 'usr/bin/imapd');
const IMAPLOGIN = join(ROOT, 'usr/lib/courier/courier/imaplogin');
const PACKAGE_CONFIG = [join(ROOT, 'etc/courier/imapd'), join(ROOT, 'etc/courier/imapd-ssl')];

export interface CourierServer extends ImapTestServer {
  /** The maildir a user's INBOX lives in (for tests that look at the store). */
  maildirOf(user: string): string;
}

/** Starts a Courier-IMAP instance; resolves once it greets. */
export async function startCourier(): Promise<CourierServer> {
  requireBinaries('Courier-IMAP', [
    IMAPD,
    IMAPLOGIN,
    ...PACKAGE_CONFIG,
    '/usr/sbin/couriertcpd',
    '/usr/sbin/authdaemond',
    '/usr/sbin/userdb',
    '/usr/sbin/makeuserdb',
    '/usr/bin/maildirmake',
  ]);
  const owner = systemAccount('courmail', true);
  const dir = await mkdtemp(join(tmpdir(), 'mailshift-courier-'));
  let claimed = false;
  try {
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'home'), { mode: 0o755 });
    const port = await freePort();
    await writeFile(join(dir, 'imapd.env'), environment(dir, port));
    await claimCourierAuth();
    claimed = true;
    const command = `exec /usr/bin/env -i /bin/sh -c 'set -a; . ${dir}/imapd.env; exec /usr/sbin/couriertcpd -address=$ADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP $TCPDOPTS $PORT ${IMAPLOGIN} ${IMAPD} $MAILDIRPATH'`;
    const users = new Set<string>();
    const daemon = startDaemon(dir, command, () => releaseCourierAuth(users));
    try {
      await waitForGreeting(port, undefined, 15_000, daemon.gone);
    } catch (error) {
      await daemon.stop();
      throw new Error(`Courier did not start in ${dir}: ${(error as Error).message}\n${logTail(dir, ['stderr.log'])}`);
    }
    return {
      name: 'Courier',
      dir,
      host: '127.0.0.1',
      ports: { plain: port },
      delimiter: '.',
      prefix: 'INBOX.',
      maildirOf: (user) => join(dir, 'home', user, 'Maildir'),
      async addUser(user, password) {
        if (!/^[a-z0-9_-]+$/i.test(user) || /[\r\n]/.test(password))
          throw new Error(`unusable test credentials for "${user}"`);
        const home = join(dir, 'home', user);
        await mkdir(home, { mode: 0o755 });
        await run('/usr/bin/maildirmake', [join(home, 'Maildir')]);
        await run('chown', ['-R', `${owner.uid}:${owner.gid}`, home]);
        users.add(user);
        courierUsersOf.add(user);
        await addCourierUser(user, password, { uid: owner.uid, gid: owner.gid, home, maildir: join(home, 'Maildir') });
      },
      stop: () => daemon.stop(),
    };
  } catch (error) {
    if (claimed) releaseCourierAuth(new Set());
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

let lazy: Promise<CourierServer> | undefined;

/** The per-process Courier, started on first use. */
export function courierServer(): Promise<CourierServer> {
  lazy ??= startCourier();
  lazy.catch(() => {
    lazy = undefined;
  });
  return lazy;
}

/** The package's imapd + imapd-ssl settings, comments stripped, bound to loopback on `port`. */
function environment(dir: string, port: number): string {
  const packaged = PACKAGE_CONFIG.map((file) => readFileSync(file, 'utf8'))
    .join('\n')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .join('\n');
  return `${packaged}
ADDRESS=127.0.0.1
PORT=${port}
MAXPERIP=100
PIDFILE=${dir}/imapd.pid
IMAPACCESSFILE=${dir}/imapaccess
IMAPDSTARTTLS=NO
`;
}
