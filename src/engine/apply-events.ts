import type { ApplyCounts } from '../apply/outcome.ts';
import type { ThrottleEpisode } from '../apply/throttle-waits.ts';
import type { QuotaPause } from '../apply/daily-budget.ts';
import type { Diagnostic } from '../errors.ts';

// What an apply tells its listeners, as it happens: the listr2 view, the plain-line view and
// `apply --format json` all read these, and a remote worker will send the same. Plain data only
// (JSON as it is: no functions, no class instances, no Dates), so an event can cross a process.
// `apply --format json` prints each as one line; the README lists them as a stable interface.

export type ApplyEvent =
  | { type: 'apply_started'; plan: string; phase: string; applyId: string; auditFile: string; accounts: string[] }
  | { type: 'account_started'; account: string; folders: number }
  | { type: 'folder_started'; account: string; folder: string }
  | { type: 'folder_finished'; account: string; folder: string; failed: boolean }
  /** The account's running counts so far. */
  | { type: 'progress'; account: string; counts: ApplyCounts }
  /** A dropped connection or a throttling answer; the work goes on after the wait. */
  | { type: 'retry'; account: string; message: string }
  /**
   * A server asked the account to slow down and it waited (`waitedMs`, with every account on that
   * server): `said` is the server's answer, `askedMs` the wait it named (null: none).
   */
  | ({ type: 'throttled' } & ThrottleEpisode)
  /**
   * A daily byte budget (maxBytesPerDay) of the account's `side` is spent: it moved `usedBytes` of
   * `budgetBytes` in the last 24 h. Nothing new starts for it until `until` (ISO UTC); what is not
   * done is left for the next apply of the plan. `account_finished` follows.
   */
  | ({ type: 'paused' } & QuotaPause)
  /** The account ran; `counts.failed` actions failed (each in the audit log). */
  | { type: 'account_finished'; account: string; counts: ApplyCounts }
  /** The account could not run on (a failed login, a stale folder): `errors` say why. */
  | { type: 'account_failed'; account: string; errors: Diagnostic[] }
  /** After Ctrl-C or SIGTERM: nothing new starts. */
  | { type: 'interrupted' }
  | {
      type: 'apply_finished';
      result: 'ok' | 'failed' | 'interrupted' | 'paused';
      counts: ApplyCounts;
      auditFile: string;
    };

/** Where an apply's events go. */
export type ApplyListener = (event: ApplyEvent) => void;
