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
export function onExitOrSignal(stop: () => void): void {
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.kill(process.pid, signal);
    });
  }
}
