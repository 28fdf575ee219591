import { MailshiftError, problem } from '../errors.ts';
import { ServerThrottled, saysThrottled, suggestedBackoffMs } from '../imap/throttle-answer.ts';
import type { StopSignal } from './stop.ts';

/** Errors worth another try: the connection dropped, or the server asked us to slow down. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof MailshiftError)) return false;
  if (error.code === 'CONNECTION_LOST' || error.code === 'TIMEOUT' || error.code === 'CONNECT_FAILED') return true;
  return isThrottle(error) || (error.code === 'IMAP_ERROR' && isThrottling(error.message));
}

/** Server answers that mean "too fast": Office 365's "Suggested Backoff Time", Gmail's [THROTTLED], [UNAVAILABLE], [LIMIT], [INUSE]. */
export function isThrottling(text: string): boolean {
  return saysThrottled(text) || /\[(INUSE|LIMIT)\]|throttl|too many/i.test(text);
}

/** "Suggested Backoff Time: 12345 milliseconds" → 12345, when a server says how long to wait. */
export function suggestedBackoff(text: string): number | null {
  return suggestedBackoffMs(text);
}

/**
 * A server asking to slow down, as src/imap classifies it (THROTTLED): waited for as asked,
 * outside the connection budget. Other errors that merely read like it ([LIMIT], [INUSE]) are
 * retried within the connection budget, as before.
 */
export function isThrottle(error: unknown): error is ServerThrottled {
  return error instanceof ServerThrottled;
}

/**
 * Waits out a throttling answer: as long as `askedMs`, shared with whoever else uses that server
 * (throttle-waits.ts), and rejects when the account's throttle budget cannot pay for it.
 */
export interface ThrottleWaiter {
  wait(error: MailshiftError, askedMs: number, stop?: StopSignal): Promise<void>;
  /** Before each attempt: resolves once no pause holds the servers (another account's throttling). */
  ready?(stop?: StopSignal): Promise<void>;
}

/** The throttle budget when no waiter is given: 2 h, the schema's maxThrottleWaitSeconds default. */
const DEFAULT_THROTTLE_BUDGET_MS = 7200 * 1000;

/** A throttle wait with no account to share it with: only bounded by a budget of its own. */
function soloWaiter(sleep: (ms: number) => Promise<void>): ThrottleWaiter {
  let waited = 0;
  return {
    async wait(error, askedMs) {
      if (waited + askedMs > DEFAULT_THROTTLE_BUDGET_MS) throw budgetSpent(error, DEFAULT_THROTTLE_BUDGET_MS);
      waited += askedMs;
      await sleep(askedMs);
    },
  };
}

/** The account's throttle budget does not cover the wait a server asks for. */
export function budgetSpent(error: MailshiftError, budgetMs: number): MailshiftError {
  const said = error instanceof ServerThrottled ? error.said : error.message;
  return new MailshiftError(
    problem(
      'THROTTLED',
      `throttled past the budget of ${Math.round(budgetMs / 1000)} s for waiting on throttling servers: ${said}`,
      "the work done is journaled: apply the same plan again later (the provider's limits reset), or raise maxThrottleWaitSeconds",
      error.diagnostics[0]?.location,
    ),
  );
}

/**
 * Run `attempt` until it succeeds, retrying retryable errors with exponential backoff (1 s, 2 s,
 * 4 s … capped at 30 s) for at most `budgetSeconds` in all. A server asking to slow down is waited
 * for as long as it asks, however long (its own doubling from 1 s when it does not say), through
 * `throttle`: that wait does not count against `budgetSeconds`, the throttle budget bounds it.
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
    throttle?: ThrottleWaiter;
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
  const pause = (ms: number) => (options.stop ? Promise.race([sleep(ms), options.stop.whenStopped]) : sleep(ms));
  const throttle = options.throttle ?? soloWaiter(pause);
  let deadline = now() + options.budgetSeconds * 1000;
  let drops = 0;
  let throttles = 0;
  for (let round = 0; ; round++) {
    try {
      await options.throttle?.ready?.(options.stop);
      return await attempt(round);
    } catch (error) {
      if (!isRetryable(error) || options.stop?.stopped) throw error;
      if (isThrottle(error)) {
        const wait = error.waitMs ?? 1000 * 2 ** Math.min(throttles, 8);
        throttles++;
        options.onRetry?.(error, wait);
        const began = now();
        await throttle.wait(error, wait, options.stop);
        deadline += now() - began;
      } else {
        const suggested = suggestedBackoff((error as Error).message);
        const wait = Math.min(suggested ?? 1000 * 2 ** drops, 30_000);
        drops++;
        if (now() + wait > deadline) throw error;
        options.onRetry?.(error, wait);
        await pause(wait);
      }
      if (options.stop?.stopped) throw error;
    }
  }
}
