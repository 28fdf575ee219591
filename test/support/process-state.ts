import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** SIGTERM to a whole process group, given its leader; quiet when it is already gone. */
export function signalGroup(leader: number): void {
  if (leader > 0) signalProcess(-leader, 'SIGTERM');
}

/** Sends a signal to a pid (negative: a group); quiet when it is already gone. */
export function signalProcess(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Whether a process is still alive: a zombie awaiting its parent's wait() counts as finished. */
export function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    try {
      process.kill(pid, 0); // no /proc (not Linux): a zombie would still count as running here
      return true;
    } catch {
      return false;
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread (for 'exit' hooks, where nothing can be awaited). */
export function sleepSync(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/**
 * Runs `stop` (synchronous: no event loop is left to await anything) when the process exits or is
 * sent SIGINT/SIGTERM; the signal is then raised again, so the exit status still says which one.
 */
const installed = new Set<() => void>();

export function onExitOrSignal(stop: () => void): void {
  // Once per function, however often a harness asks for it.
  if (installed.has(stop)) return;
  installed.add(stop);
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.kill(process.pid, signal);
    });
  }
}

/** A watchdog child's end: a promise that settles when it exits (or fails to start), and whether it has. The child no longer keeps the event loop alive. */
export function exitOf(child: ChildProcess): { exited: Promise<void>; gone: () => boolean } {
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    gone = true;
  });
  child.unref();
  return { exited, gone: () => gone };
}
