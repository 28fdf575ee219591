import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LAYOUTS,
  mailOwner,
  renderConfig,
  writeCertificate,
  writeOAuth2Config,
  type Layout,
} from './dovecot-config.ts';
import { ensureDovecotInstalled, findBinary } from './dovecot-install.ts';
import { freePort, waitForGreeting } from './ports.ts';
import { exitOf, isRunning, signalGroup, signalProcess } from './process-state.ts';
import { spreadAccounts } from './spread-accounts.ts';

export type { Layout } from './dovecot-config.ts';
export { ensureDovecotInstalled } from './dovecot-install.ts';

/** A private Dovecot 2.3 instance on loopback, with its own users, ports and certificate. */
export interface DovecotServer {
  readonly layout: Layout;
  readonly dir: string;
  readonly host: '127.0.0.1';
  /** The plain port offers STARTTLS too. */
  readonly ports: { plain: number; tls: number };
  readonly delimiter: '/' | '.';
  readonly prefix: '' | 'INBOX.';
  /** Self-signed, CN=localhost, SAN DNS:localhost + IP:127.0.0.1: verify with `tls: { ca }`. */
  readonly certificatePem: string;
  /** Adds a login (its own passwd-file under dir/users), usable at once while running. */
  addUser(user: string, password: string): Promise<void>;
  /** Adds a master user (dir/masters), who may log in for any user; only on a server started with `masterUsers`. */
  addMasterUser(user: string, password: string): Promise<void>;
  /** Idempotent; stops the master and removes the temp dir. */
  stop(): Promise<void>;
}

/** Pids and directory of a running instance, enough to tear it down from a synchronous exit hook. */
export interface DovecotProcesses {
  readonly masterPid: number;
  readonly watchdogPid: number;
  readonly dir: string;
}

const processesOf = new WeakMap<DovecotServer, DovecotProcesses>();

/** The pids behind a server started by startDovecot, for emergency teardown. */
export function dovecotProcesses(server: DovecotServer): DovecotProcesses | undefined {
  return processesOf.get(server);
}

// The watchdog is dovecot's parent and leads its process group. On SIGTERM, or once our pid is
// gone (even after kill -9), it signals the whole group (the master alone takes a second to shut
// its children down; the group goes in milliseconds), reaps the master and, if we died, removes
// the instance's directory.
const WATCHDOG = `
"$2" -F -c "$3/dovecot.conf" & master=$!
stop() { trap '' TERM INT HUP; kill -TERM 0 2>/dev/null; wait $master; }
trap 'stop; exit 0' TERM INT HUP
while kill -0 "$1" 2>/dev/null && kill -0 $master 2>/dev/null; do sleep 1 & wait $!; done
stop
kill -0 "$1" 2>/dev/null || rm -rf "$3"`;

const STARTUP_TIMEOUT_MS = 10_000;
const BIND_RETRIES = 5;

/**
 * Starts a Dovecot instance in its own temp dir; resolves once both ports greet. `fsync: true` keeps
 * Dovecot's default mail_fsync (benchmarks); `maxMessageSize` makes it refuse bigger messages;
 * `capabilities` replaces the advertised list (e.g. OFFICE365_CAPABILITIES); `masterUsers` adds a
 * master-user passdb (addMasterUser: SASL PLAIN logins for another user); `oauth2` adds XOAUTH2 logins.
 */
export async function startDovecot(options: {
  layout: Layout;
  fsync?: boolean;
  maxMessageSize?: number;
  capabilities?: string;
  masterUsers?: boolean;
  /** Accept XOAUTH2 tokens signed with this key (test/support/token-endpoint.ts `validation`); off by default. */
  oauth2?: { publicKeyPem: string; kid: string };
  /** Off by default: a per-user quota of this many messages (NO [OVERQUOTA] past it). */
  quotaMessages?: number;
}): Promise<DovecotServer> {
  await ensureDovecotInstalled();
  const owner = mailOwner();
  const dir = await mkdtemp(join(tmpdir(), `mailshift-dovecot-${options.layout}-`));
  try {
    await chmod(dir, 0o755); // the auth process runs unprivileged and must reach the passwd-file
    const certificatePem = await writeCertificate(dir);
    await mkdir(join(dir, 'users'), { mode: 0o755 });
    if (options.masterUsers) await mkdir(join(dir, 'masters'), { mode: 0o755 });
    await mkdir(join(dir, 'mail'), { mode: 0o700 });
    await chown(join(dir, 'mail'), owner.uid, owner.gid);
    await spreadAccounts(join(dir, 'mail'));
    if (options.oauth2) await writeOAuth2Config(dir, options.oauth2);
    for (let attempt = 1; ; attempt++) {
      const ports = { plain: await freePort(), tls: await freePort() };
      if (ports.plain === ports.tls) continue;
      await writeFile(
        join(dir, 'dovecot.conf'),
        renderConfig({
          layout: options.layout,
          dir,
          ports,
          owner,
          fsync: options.fsync ?? false,
          maxMessageSize: options.maxMessageSize,
          capabilities: options.capabilities,
          masterUsers: options.masterUsers ?? false,
          oauth2: options.oauth2 !== undefined,
          quotaMessages: options.quotaMessages,
        }),
      );
      try {
        const running = await launch(dir, ports, certificatePem);
        return describe(options.layout, dir, ports, certificatePem, running, options.masterUsers ?? false);
      } catch (error) {
        const clash = /Address already in use/.test(logTail(dir));
        if (!clash || attempt >= BIND_RETRIES) throw error;
        await rm(join(dir, 'dovecot.log'), { force: true });
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Running {
  readonly watchdog: ChildProcess;
  readonly exited: Promise<void>;
  readonly masterPid: () => number;
}

async function launch(dir: string, ports: { plain: number; tls: number }, ca: string): Promise<Running> {
  const stderr = openSync(join(dir, 'stderr.log'), 'w');
  const dovecot = findBinary('dovecot') ?? 'dovecot';
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'dovecot-watchdog', String(process.pid), dovecot, dir], {
    detached: true, // its own process group: a Ctrl-C meant for the test runner reaches us first
    stdio: ['ignore', 'ignore', stderr],
  });
  closeSync(stderr);
  const { exited, gone } = exitOf(watchdog);
  const running: Running = { watchdog, exited, masterPid: () => readMasterPid(dir) };
  try {
    await Promise.race([
      Promise.all([
        waitForGreeting(ports.plain, undefined, STARTUP_TIMEOUT_MS, gone),
        waitForGreeting(ports.tls, ca, STARTUP_TIMEOUT_MS, gone),
      ]),
      exited.then(() => {
        throw new Error('dovecot exited during startup');
      }),
    ]);
    return running;
  } catch (error) {
    await terminate(running);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Dovecot did not start in ${dir}: ${reason}\n${logTail(dir)}`);
  }
}

function readMasterPid(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

async function terminate({ watchdog, exited, masterPid }: Running): Promise<void> {
  const leader = watchdog.pid;
  if (watchdog.exitCode !== null || watchdog.signalCode !== null || leader === undefined) return;
  const master = masterPid();
  watchdog.ref(); // keep the event loop alive until the master is really gone
  let exitedYet = false;
  void exited.then(() => {
    exitedYet = true;
  });
  // The watchdog may sleep up to a second before it exits; the master's own state tells sooner.
  for (let tick = 0; !exitedYet && (master <= 0 || isRunning(master)); tick++) {
    shutdownStep(tick, { watchdogPid: leader, masterPid: master });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  watchdog.unref();
}

/**
 * One 10 ms tick of a shutdown: SIGTERM to the whole group at once, then every 100 ms again plus
 * SIGKILL to the master alone. A master that still has a child to reap (a login process from a
 * just-closed connection) sleeps a whole second before it looks again; its children are gone by
 * then, so SIGKILL loses nothing, and the watchdog, its parent, reaps it.
 */
export function shutdownStep(
  tick: number,
  { watchdogPid, masterPid }: { watchdogPid: number; masterPid: number },
): void {
  if (tick % 10 !== 0) return;
  signalGroup(watchdogPid);
  if (tick > 0 && masterPid > 0) signalProcess(masterPid, 'SIGKILL');
}

function logTail(dir: string, lines = 20): string {
  const read = (file: string): string => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const text = `${read('stderr.log')}${read('dovecot.log')}`.trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

/** One login's passwd-file in a passdb folder: a file per user, so a new login works at once. */
async function writeLogin(folder: string, user: string, password: string): Promise<void> {
  if (!/^[\w.@+-]+$/.test(user) || user.startsWith('.') || /[:\r\n]/.test(password)) {
    throw new Error(`unusable test credentials for "${user}"`);
  }
  await writeFile(join(folder, user), `${user}:{PLAIN}${password}\n`, { mode: 0o644, flag: 'wx' });
}

function describe(
  layout: Layout,
  dir: string,
  ports: { plain: number; tls: number },
  certificatePem: string,
  running: Running,
  masterUsers: boolean,
): DovecotServer {
  let stopping: Promise<void> | undefined;
  const server: DovecotServer = {
    layout,
    dir,
    host: '127.0.0.1',
    ports,
    delimiter: LAYOUTS[layout].delimiter,
    prefix: LAYOUTS[layout].prefix,
    certificatePem,
    addUser: (user, password) => writeLogin(join(dir, 'users'), user, password),
    async addMasterUser(user, password) {
      if (!masterUsers) throw new Error('this Dovecot was started without masterUsers');
      await writeLogin(join(dir, 'masters'), user, password);
    },
    stop() {
      stopping ??= terminate(running).then(() => rm(dir, { recursive: true, force: true, maxRetries: 3 }));
      return stopping;
    },
  };
  processesOf.set(server, { masterPid: running.masterPid(), watchdogPid: running.watchdog.pid ?? 0, dir });
  return server;
}
