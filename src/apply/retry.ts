import { MailshiftError } from '../errors.ts';
import type { StopSignal } from './stop.ts';

/** Errors worth another try: the connection dropped, or the server asked us to slow down. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof MailshiftError)) return false;
  if (error.code === 'CONNECTION_LOST' || error.code === 'TIMEOUT' || error.code === 'CONNECT_FAILED') return true;
  return error.code === 'IMAP_ERROR' && isThrottling(error.message);
}

/** Server answers that mean "too fast": Office 365's "Suggested Backoff Time", [UNAVAILABLE], [LIMIT], [INUSE]. */
export function isThrottling(text: string): boolean {
  return /\[(UNAVAILABLE|LIMIT|INUSE)\]|Suggested Backoff Time|throttl|too many/i.test(text);
}

/** "Suggested Backoff Time: 12345 milliseconds" → 12345, when a server says how long to wait. */
export function suggestedBackoff(text: string): number | null {
  const match = /Suggested Backoff Time:\s*(\d+)\s*milliseconds/i.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * Run `attempt` until it succeeds, retrying retryable errors with exponential backoff (1 s, 2 s,
 * 4 s … capped at 30 s, or what the server suggests) for at most `budgetSeconds` in all.
 * Once `stop` is stopped, an error is not retried (a retry is new work) and a backoff ends early.
 * `sleep` and `now` (milliseconds) stand in for the timer and the clock, so tests need not wait.
 */
export async function withRetry<T>(
  attempt: (round: number) => Promise<T>,
  options: {
    budgetSeconds: number;
    onRetry?: (error: unknown, waitMs: number) => void;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    stop?: StopSignal;
  },
): Promise<T> {
  // The timer is cleared on stop: a pending backoff must not keep a stopped process alive.
  const sleep =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        void options.stop?.whenStopped.then(() => clearTimeout(timer));
      }));
  const now = options.now ?? Date.now;
  const deadline = now() + options.budgetSeconds * 1000;
  for (let round = 0; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      if (!isRetryable(error) || options.stop?.stopped) throw error;
      const suggested = suggestedBackoff((error as Error).message);
      const wait = Math.min(suggested ?? 1000 * 2 ** round, 30_000);
      if (now() + wait > deadline) throw error;
      options.onRetry?.(error, wait);
      await (options.stop ? Promise.race([sleep(wait), options.stop.whenStopped]) : sleep(wait));
      if (options.stop?.stopped) throw error;
    }
  }
}
