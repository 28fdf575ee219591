// plan and verify read an account in one go, and reading changes nothing: when a server asks to
// slow down, the account's read is waited out the way apply waits (the server's gate, shared by
// the accounts read at the same time; the side's maxThrottleWaitSeconds bounds it) and then done
// again from the start, on new sessions. A dropped connection is not retried here: it stays that
// account's error, as a read that failed for any other reason does.
import { AccountThrottling } from '../apply/throttle-waits.ts';
import { isThrottle } from '../apply/retry.ts';
import { REAL_CLOCK, ServerGates } from '../apply/server-gate.ts';
import type { ServerThrottled } from '../imap/throttle-answer.ts';
import type { AccountSettings } from '../manifest/settings.ts';

/** A throttled read about to be waited out: who, what the server said, how long the wait is. */
export interface ThrottledRead {
  account: string;
  error: ServerThrottled;
  waitMs: number;
}

export class ThrottledReads {
  private readonly gates = new ServerGates();

  /** `onWait` hears of each wait before it begins (the CLI says so: a wait can be minutes). */
  constructor(private readonly onWait?: (read: ThrottledRead) => void) {}

  /** `read` until no server throttles it, or until a side's throttle budget cannot pay for the wait. */
  async read<R>(account: AccountSettings, read: () => Promise<R>): Promise<R> {
    const side = (endpoint: AccountSettings['source']) => ({
      gate: this.gates.of(endpoint.host, endpoint.port),
      budgetSeconds: endpoint.maxThrottleWaitSeconds,
    });
    const throttling = new AccountThrottling(
      account.id,
      { source: side(account.source), target: side(account.target) },
      // No audit to write: plan and verify change nothing, and the wait was told before it began.
      async () => {},
      REAL_CLOCK,
    );
    // How often each side has throttled this account's read: its doubling wait when none is named.
    const throttles = { source: 0, target: 0 };
    for (;;) {
      await throttling.ready();
      try {
        return await read();
      } catch (error) {
        const asked = throttlesOf(error);
        if (asked.length === 0) throw error;
        // Both servers may have asked: each wait on its own server's gate, at the same time.
        await Promise.all(
          asked.map((throttled) => {
            // As apply: the wait the server named, or 1 s, 2 s, 4 s … when it named none.
            const waitMs = throttled.waitMs ?? 1000 * 2 ** Math.min(throttles[throttled.place.side]++, 8);
            this.onWait?.({ account: account.id, error: throttled, waitMs });
            return throttling.wait(throttled, waitMs);
          }),
        );
      }
    }
  }
}

/** The throttling answers a failed read carries: one, both sides' (readBothSides), or none. */
function throttlesOf(error: unknown): ServerThrottled[] {
  if (isThrottle(error)) return [error];
  if (error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isThrottle)) return error.errors;
  return [];
}
