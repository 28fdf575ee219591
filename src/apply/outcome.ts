import type { AuditAction } from '../audit/writer.ts';
import { emptyActionCounts, type ActionCounts } from '../audit/records.ts';
import type { QuotaPause } from './daily-budget.ts';
import type { ThrottleEpisode } from './throttle-waits.ts';

/** What happened to one account: the counts the summary and the audit's end record share. */
export type ApplyCounts = ActionCounts;

export const emptyCounts = emptyActionCounts;

export function addCounts(into: ApplyCounts, more: ApplyCounts): ApplyCounts {
  for (const key of Object.keys(into) as Array<keyof ApplyCounts>) into[key] += more[key];
  return into;
}

/** Progress the executor reports as it goes (the CLI turns it into listr2 task output). */
export interface ApplyObserver {
  folderStarted(folder: string): void;
  folderFinished(folder: string, failed: boolean): void;
  progress(counts: ApplyCounts): void;
  note(text: string): void;
  /** A server made the account wait (the wait is over): for the `throttled` event and the summary. */
  throttled(episode: ThrottleEpisode): void;
  /** A daily byte budget stopped the account (its work in flight is done): for the `paused` event. */
  paused(pause: QuotaPause): void;
}

/** Where each finished action goes: the journal (for re-runs) and the audit log (for people). */
export interface ActionSink {
  /** The journal already has this action done: a re-run must not repeat it. */
  done(key: string): boolean;
  /** Record a finished action durably (journal, then audit). */
  record(key: string, action: AuditAction, detail?: Record<string, unknown>): Promise<void>;
  /** Journal details of done actions whose key starts with prefix (e.g. the copies of a folder). */
  doneDetails(prefix: string): Array<Record<string, unknown>>;
}
