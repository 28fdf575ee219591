// What the tests need to know about any IMAP server the harness runs (Dovecot, Cyrus, Courier,
// mailutils), and the shared machinery for the non-Dovecot ones: a watchdog per daemon, the
// emergency teardown on exit and signals, and a loud failure when a server is not installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { exitOf, isRunning, onExitOrSignal, signalGroup, signalProcess, sleepSync } from './process-state.ts';

/** The shape newMigration and the seeding helpers use, whatever the brand. */
export interface ImapTestServer {
  /** e.g. "Dovecot (slash)", "Cyrus A", "Courier", "mailutils": for test names and messages. */
  readonly name: string;
  readonly dir: string;
  readonly host: '127.0.0.1';
  readonly ports: { readonly plain: number };
  readonly delimiter: string;
  /** The personal namespace's prefix: '' or 'INBOX.'. */
  readonly prefix: string;
  /** Appended to a user name to make its login (mailutils' virtual domain: "@mu.test"). */
  readonly loginSuffix?: string;
  /** Adds a login, usable at once while the server runs. */
  addUser(user: string, password: string): Promise<void>;
  /** Idempotent; stops the server and removes its temp dir. */
  stop(): Promise<void>;
}

/** Fails loudly (never skips) when a server the tests need is not unpacked or installed. */
export function requireBinaries(server: string, paths: readonly string[]): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`${server} is not installed (missing ${missing.join(', ')}): run .ci/install-servers as root`);
  }
}

// Like Dovecot's: the watchdog runs the daemon in the foreground and leads its process group. On
// SIGTERM, or once the test process is gone (even after kill -9), it signals the whole group,
// reaps the daemon and, if we died, removes the instance's directory. couriertcpd moves itself into
// a process group of its own, so the daemon's group is signalled too.
const WATCHDOG = `
cd "$2" || exit 1
/bin/sh -c "$3" & daemon=$!
stop() { trap '' TERM INT HUP; kill -TERM 0 -$daemon $daemon 2>/dev/null; wait $daemon; }
trap 'stop; exit 0' TERM INT HUP
while kill -0 "$1" 2>/dev/null && kill -0 $daemon 2>/dev/null; do sleep 1 & wait $!; done
stop
kill -0 "$1" 2>/dev/null || rm -rf "$2"`;

/** A daemon under its watchdog, with the directory it lives in. */
export interface Daemon {
  readonly dir: string;
  /** True once the watchdog (and so the daemon) has exited. */
  gone(): boolean;
  readonly exited: Promise<void>;
  /** Idempotent: stops the group, then removes dir. */
  stop(): Promise<void>;
}

const live = new Set<{ watchdog: ChildProcess; dir: string; cleanup: () => void }>();

/**
 * Runs `command` (a shell line, stdout/stderr to dir/stderr.log) under a watchdog in dir.
 * `cleanup` runs synchronously after the daemon has stopped (also on emergency teardown).
 */
export function startDaemon(dir: string, command: string, cleanup: () => void = () => {}): Daemon {
  onExitOrSignal(stopAllNow);
  const log = openSync(join(dir, 'stderr.log'), 'a');
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'imap-watchdog', String(process.pid), dir, command], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const { exited, gone } = exitOf(watchdog);
  const entry = { watchdog, dir, cleanup };
  live.add(entry);
  let stopping: Promise<void> | undefined;
  return {
    dir,
    gone,
    exited,
    stop() {
      stopping ??= (async () => {
        live.delete(entry);
        if (!gone() && watchdog.pid !== undefined) {
          watchdog.ref();
          for (let tick = 0; !gone(); tick++) {
            if (tick % 50 === 0) signalGroup(watchdog.pid);
            if (tick === 300) signalProcess(-watchdog.pid, 'SIGKILL');
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          watchdog.unref();
        }
        cleanup();
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    },
  };
}

/** The last lines of the files a daemon logs to, for startup errors. */
export function logTail(dir: string, files: readonly string[], lines = 20): string {
  const text = files
    .map((file) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    })
    .join('')
    .trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

/** Synchronous teardown for 'exit' and signals: no event loop is left to await anything. */
function stopAllNow(): void {
  const entries = [...live];
  live.clear();
  const deadline = Date.now() + 3000;
  const running = () => entries.filter(({ watchdog }) => watchdog.pid !== undefined && isRunning(watchdog.pid));
  for (let tick = 0; tick === 0 || (running().length > 0 && Date.now() < deadline); tick++) {
    if (tick % 10 === 0) for (const { watchdog } of running()) signalGroup(watchdog.pid ?? 0);
    sleepSync(10);
  }
  for (const { dir, cleanup } of entries) {
    try {
      cleanup();
    } catch {
      // Best effort: the process is exiting.
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** An imapflow client on any harness server's plain port, not yet connected. */
export function serverClient(server: ImapTestServer, account: { user: string; password: string }): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: server.ports.plain,
    secure: false,
    doSTARTTLS: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
    disableCompression: true,
  });
}
