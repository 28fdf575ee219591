import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { dovecotProcesses, shutdownStep, startDovecot, type DovecotProcesses, type DovecotServer } from './dovecot.ts';
import type { ImapTestServer } from './imap-server.ts';
import { isRunning, onExitOrSignal, sleepSync } from './process-state.ts';

export interface DovecotPair {
  readonly slash: DovecotServer;
  readonly dot: DovecotServer;
}

let pair: Promise<DovecotPair> | undefined;
const started: DovecotServer[] = [];

/** The per-process pair of Dovecot servers (slash and dot layouts), started on first use. */
export async function dovecotPair(): Promise<DovecotPair> {
  pair ??= startPair();
  return pair;
}

async function startPair(): Promise<DovecotPair> {
  onExitOrSignal(stopAllNow);
  const [slash, dot] = await Promise.allSettled([
    startDovecot({ layout: 'slash' }).then(remember),
    startDovecot({ layout: 'dot' }).then(remember),
  ]);
  if (slash.status === 'fulfilled' && dot.status === 'fulfilled') {
    return { slash: slash.value, dot: dot.value };
  }
  await Promise.all(started.splice(0).map((server) => server.stop()));
  pair = undefined;
  throw slash.status === 'rejected' ? slash.reason : (dot as PromiseRejectedResult).reason;
}

const shared = new Map<string, Promise<DovecotServer>>();

/** A per-process Dovecot started with these options on first use (e.g. a capability list), torn down at exit. */
export function sharedDovecot(options: Parameters<typeof startDovecot>[0]): Promise<DovecotServer> {
  const key = JSON.stringify(options);
  let server = shared.get(key);
  if (!server) {
    onExitOrSignal(stopAllNow);
    server = startDovecot(options).then(remember);
    shared.set(key, server);
    server.catch(() => shared.delete(key));
  }
  return server;
}

function remember(server: DovecotServer): DovecotServer {
  started.push(server);
  return server;
}

let userCounter = 0;

/**
 * Adds a user nobody else has, so each test starts from an empty mailbox on a shared server (any
 * brand); `user` is the login, with the server's loginSuffix (mailutils: "@mu.test").
 */
export async function freshUser(
  server: DovecotServer | ImapTestServer,
  prefix = 'user',
): Promise<{ user: string; password: string }> {
  userCounter += 1;
  const user = `${prefix}-${process.pid}-${userCounter}-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(9).toString('base64url');
  await server.addUser(user, password);
  return { user: `${user}${'loginSuffix' in server ? (server.loginSuffix ?? '') : ''}`, password };
}

/** Synchronous teardown for 'exit' and signals: no event loop is left to await anything. */
function stopAllNow(): void {
  const live = started
    .splice(0)
    .map((server) => dovecotProcesses(server))
    .filter((processes): processes is DovecotProcesses => processes !== undefined && existsSync(processes.dir));
  const deadline = Date.now() + 3000;
  for (
    let tick = 0;
    tick === 0 || (live.some(({ masterPid }) => isRunning(masterPid)) && Date.now() < deadline);
    tick++
  ) {
    for (const processes of live) shutdownStep(tick, processes);
    sleepSync(10);
  }
  for (const { dir } of live) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
