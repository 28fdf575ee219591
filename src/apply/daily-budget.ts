// The daily byte budgets (maxBytesPerDay) of one account: what its source may send and its target
// take over a rolling 24 h, the way Google counts Gmail's limits. Copy batches ask before they
// read anything; what is admitted is charged at once and written to the state's transfer log
// before the batch starts, so neither a crash nor a re-run right after a pause forgets it.
import type { Side } from '../imap/connection.ts';
import type { TransferEntry, TransferLog } from '../state/transfer-log-file.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Why an account stopped before its work was done: a side's budget, spent until `until`. */
export interface QuotaPause {
  account: string;
  side: Side;
  /** Bytes the side moved in the 24 h before the pause. */
  usedBytes: number;
  budgetBytes: number;
  /** ISO UTC to the second (2026-12-08T09:12:00Z): when enough of the window has passed for the next message to fit. */
  until: string;
}

/** The budgets, the transfer log they count on, the clock, and where the log is saved. */
export interface BudgetInputs {
  account: string;
  limits: Record<Side, number | null>;
  log: TransferLog;
  now: () => number;
  save: (log: TransferLog) => Promise<void>;
}

/**
 * Admits copy batches against both sides' budgets. A batch is cut to the messages that fit what
 * is left (message order kept, nothing half-moved); when not all fit, the account is paused and
 * admits nothing more in this apply. A message larger than a whole budget goes alone, once the
 * window holds nothing else: otherwise it could never go.
 */
export class DailyBudgets {
  #pause: QuotaPause | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(private readonly inputs: BudgetInputs | null) {}

  /** Set once a budget stopped the account. */
  get pause(): QuotaPause | null {
    return this.#pause;
  }

  /** How many of the batch's first messages (their sizes, in order) may be moved now; they are charged durably. */
  async admit(sizes: readonly number[]): Promise<number> {
    if (this.inputs === null) return sizes.length;
    const { account, limits, log, now } = this.inputs;
    if (limits.source === null && limits.target === null) return sizes.length;
    if (this.#pause !== null) return 0;
    const at = now();
    const sides = (['source', 'target'] as const).flatMap((side) => {
      const limit = limits[side];
      return limit === null ? [] : [{ side, limit, fits: fittingCount(log[side], limit, at, sizes) }];
    });
    const count = Math.min(sizes.length, ...sides.map((side) => side.fits));
    if (count > 0) {
      const bytes = sizes.slice(0, count).reduce((sum, size) => sum + size, 0);
      log.source = charged(log.source, at, bytes);
      log.target = charged(log.target, at, bytes);
    }
    if (count < sizes.length) {
      // The side that frees up last names the pause: only then does the next message fit both.
      const pauses = sides
        .filter((side) => side.fits === count)
        .map(({ side, limit }) => ({
          account,
          side,
          usedBytes: usedIn(log[side], at),
          budgetBytes: limit,
          until: freeAt(log[side], limit, at, sizes[count]!),
        }));
      const last = pauses.reduce((a, b) => (b.until > a.until ? b : a));
      this.#pause = { ...last, until: new Date(last.until).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    }
    if (count === 0) return 0;
    const copy = { source: [...log.source], target: [...log.target] };
    // One write at a time, in order: the file never goes back to an older count.
    this.#saving = this.#saving.catch(() => undefined).then(() => this.inputs!.save(copy));
    await this.#saving;
    return count;
  }
}

/** No budget on either side: everything is admitted, nothing is written. */
export const NO_DAILY_BUDGETS = new DailyBudgets(null);

/** Bytes of `entries` still in the 24 h window at `now`. */
export function usedIn(entries: readonly TransferEntry[], now: number): number {
  return entries.reduce((sum, entry) => (inWindow(entry, now) ? sum + entry.bytes : sum), 0);
}

/**
 * How many of `sizes` (from the first) fit in what `limit` leaves at `now`. Zero, unless the window
 * is empty: then at least the first message, however large.
 */
export function fittingCount(
  entries: readonly TransferEntry[],
  limit: number,
  now: number,
  sizes: readonly number[],
): number {
  let used = usedIn(entries, now);
  const empty = used === 0;
  let count = 0;
  for (const size of sizes) {
    if (used + size > limit && !(empty && count === 0)) break;
    used += size;
    count++;
  }
  return count;
}

/** The first time at or after `now` when a message of `size` bytes is admitted (see fittingCount). */
export function freeAt(entries: readonly TransferEntry[], limit: number, now: number, size: number): number {
  const live = entries.filter((entry) => inWindow(entry, now)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let used = live.reduce((sum, entry) => sum + entry.bytes, 0);
  if (used === 0 || used + size <= limit) return now;
  for (const entry of live) {
    used -= entry.bytes;
    if (used === 0 || used + size <= limit) return Date.parse(entry.at) + DAY_MS;
  }
  return now;
}

/** `entries` with `bytes` added at `now`'s minute (rounded up: an entry leaves the window no earlier than it should), the expired ones gone. */
function charged(entries: readonly TransferEntry[], now: number, bytes: number): TransferEntry[] {
  const at = new Date(Math.ceil(now / MINUTE_MS) * MINUTE_MS).toISOString();
  const kept = entries.filter((entry) => inWindow(entry, now));
  const last = kept.at(-1);
  if (last?.at === at) return [...kept.slice(0, -1), { at, bytes: last.bytes + bytes }];
  return [...kept, { at, bytes }];
}

function inWindow(entry: TransferEntry, now: number): boolean {
  return Date.parse(entry.at) + DAY_MS > now;
}
