// Cyrus IMAP 3.6 on loopback, in its own temp dir: unpacked by .ci/install-servers under
// /opt/srv/cyrus-imapd (its package conflicts with dovecot-imapd), the rest from cyrus-common.
// Users live in the instance's own sasldb; INBOXes are created at first login.
import { execFile } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logTail, requireBinaries, startDaemon, type Daemon, type ImapTestServer } from './imap-server.ts';
import { freePort, waitForGreeting } from './ports.ts';
import { systemAccount } from './system-account.ts';

const run = promisify(execFile);

const IMAPD = process.env.CYRUS_IMAPD ?? '/opt/srv/cyrus-imapd/usr/lib/cyrus/bin/imapd';
const CYRUS_BIN = '/usr/lib/cyrus/bin';
const REALM = 'cyrustest';
const ADMIN = { user: 'cyrusadmin', password: 'adminpw' };

/** A: Debian's default (INBOX. / .); B: altnamespace + unixhierarchysep ("" / /). */
export type CyrusLayout = 'A' | 'B';

export interface CyrusServer extends ImapTestServer {
  readonly layout: CyrusLayout;
}

export interface CyrusOptions {
  layout: CyrusLayout;
  /** Cyrus rewrites 8-bit header bytes to 'X' unless this is false (Debian's default: on). */
  munge8bit?: boolean;
}

/** Starts a Cyrus instance; resolves once it greets. */
export async function startCyrus(options: CyrusOptions): Promise<CyrusServer> {
  requireBinaries('Cyrus IMAP', [
    IMAPD,
    join(CYRUS_BIN, 'master'),
    join(CYRUS_BIN, 'ctl_cyrusdb'),
    '/usr/sbin/saslpasswd2',
  ]);
  const cyrus = systemAccount('cyrus');
  const dir = await mkdtemp(join(tmpdir(), `mailshift-cyrus-${options.layout}-`));
  try {
    await chmod(dir, 0o755);
    for (const sub of [
      'lib/db',
      'lib/socket',
      'lib/log',
      'lib/proc',
      'lib/quota',
      'lib/user',
      'lib/sieve',
      'spool',
      'run/proc',
      'run/lock',
      'run/socket',
      'sieve',
    ]) {
      await mkdir(join(dir, sub), { recursive: true });
    }
    const port = await freePort();
    await writeFile(join(dir, 'imapd.conf'), imapdConf(dir, port, options));
    await writeFile(join(dir, 'cyrus.conf'), cyrusConf(dir, port));
    await setPassword(dir, ADMIN.user, ADMIN.password);
    await run('chown', ['-R', `${cyrus.uid}:${cyrus.gid}`, dir]);
    const command = `exec ${CYRUS_BIN}/master -C ${dir}/imapd.conf -M ${dir}/cyrus.conf -p ${dir}/run/master.pid -D`;
    const daemon = startDaemon(dir, command);
    try {
      await waitForGreeting(port, undefined, 15_000, daemon.gone);
    } catch (error) {
      await daemon.stop();
      throw new Error(`Cyrus did not start in ${dir}: ${(error as Error).message}\n${logTail(dir, ['stderr.log'])}`);
    }
    return describe(options.layout, dir, port, daemon, cyrus);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const lazy = new Map<string, Promise<CyrusServer>>();

/** The per-process Cyrus of a layout (munge8bit as Debian ships it), started on first use. */
export function cyrusServer(layout: CyrusLayout): Promise<CyrusServer> {
  let server = lazy.get(layout);
  if (!server) {
    server = startCyrus({ layout });
    lazy.set(layout, server);
    server.catch(() => lazy.delete(layout));
  }
  return server;
}

function describe(
  layout: CyrusLayout,
  dir: string,
  port: number,
  daemon: Daemon,
  cyrus: { uid: number; gid: number },
): CyrusServer {
  return {
    name: `Cyrus ${layout}`,
    layout,
    dir,
    host: '127.0.0.1',
    ports: { plain: port },
    delimiter: layout === 'A' ? '.' : '/',
    prefix: layout === 'A' ? 'INBOX.' : '',
    async addUser(user, password) {
      // '.' separates hierarchy levels in Cyrus' internal names, so it cannot be part of a user.
      if (!/^[a-z0-9_-]+$/i.test(user) || /[\r\n]/.test(password))
        throw new Error(`unusable test credentials for "${user}"`);
      await setPassword(dir, user, password);
      await chown(join(dir, 'sasldb2'), cyrus.uid, cyrus.gid);
    },
    stop: () => daemon.stop(),
  };
}

async function setPassword(dir: string, user: string, password: string): Promise<void> {
  const child = run('/usr/sbin/saslpasswd2', ['-p', '-c', '-f', join(dir, 'sasldb2'), '-u', REALM, user]);
  child.child.stdin?.end(password);
  await child;
  await chmod(join(dir, 'sasldb2'), 0o640);
}

function imapdConf(dir: string, port: number, options: CyrusOptions): string {
  const altns = options.layout === 'B' ? 'yes' : 'no';
  return `configdirectory: ${dir}/lib
proc_path: ${dir}/run/proc
mboxname_lockpath: ${dir}/run/lock
defaultpartition: default
partition-default: ${dir}/spool
sievedir: ${dir}/sieve
servername: ${REALM}
admins: ${ADMIN.user}
altnamespace: ${altns}
unixhierarchysep: ${altns}
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: ${dir}/sasldb2
sasl_mech_list: PLAIN LOGIN
sasl_auto_transition: no
hashimapspool: true
umask: 077
lmtpsocket: ${dir}/run/socket/lmtp
idlesocket: ${dir}/run/socket/idle
notifysocket: ${dir}/run/socket/notify
syslog_prefix: cyrus-${port}
autocreate_quota: 0
munge8bit: ${options.munge8bit === false ? 'no' : 'yes'}
`;
}

function cyrusConf(dir: string, port: number): string {
  return `START {
  recover cmd="${CYRUS_BIN}/ctl_cyrusdb -C ${dir}/imapd.conf -r"
}
SERVICES {
  imap cmd="${IMAPD} -C ${dir}/imapd.conf -U 30" listen="127.0.0.1:${port}" prefork=0 maxchild=50
}
EVENTS {
  checkpoint cmd="${CYRUS_BIN}/ctl_cyrusdb -C ${dir}/imapd.conf -c" period=30
}
`;
}

/** Sets `who`'s rights on a mailbox as the Cyrus admin (e.g. "l": listed but not readable), with the admin's name for it ("user.alice.Locked" in layout A). */
export async function setAclAsAdmin(server: CyrusServer, mailbox: string, who: string, rights: string): Promise<void> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.plain,
    secure: false,
    doSTARTTLS: false,
    auth: { user: ADMIN.user, pass: ADMIN.password },
    logger: false,
  });
  await client.connect();
  try {
    // imapflow has no SETACL: its generic exec() is the way, as mailshift's own IMAP layer does it.
    await (client as unknown as { exec(command: string, attributes: unknown[]): Promise<{ next(): void }> })
      .exec('SETACL', [
        { type: 'STRING', value: mailbox },
        { type: 'STRING', value: who },
        { type: 'STRING', value: rights },
      ])
      .then((answer) => answer.next());
  } finally {
    await client.logout();
  }
}
