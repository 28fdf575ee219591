import { MailshiftError } from '../errors.ts';
import type { ApplyCounts } from '../apply/outcome.ts';
import { runInLanes } from '../concurrency.ts';
import type { ApplyListener, EventError } from './apply-events.ts';
import type { AccountUnit } from './apply.ts';

/**
 * Runs the account units, at most `concurrency` at a time, and tells `listen` what happens. One
 * account's failure is its own: the others go on. Resolves with each account's counts, or the
 * error that stopped it.
 */
export async function runAccounts(
  units: readonly AccountUnit[],
  concurrency: number,
  listen: ApplyListener,
): Promise<Map<string, ApplyCounts | Error>> {
  const results = new Map<string, ApplyCounts | Error>();
  await runInLanes(units, concurrency, async (unit) => {
    const account = unit.id;
    listen({ type: 'account_started', account, folders: unit.folders });
    try {
      const counts = await unit.run({
        folderStarted: (folder) => listen({ type: 'folder_started', account, folder }),
        folderFinished: (folder, failed) => listen({ type: 'folder_finished', account, folder, failed }),
        progress: (counts) => listen({ type: 'progress', account, counts: { ...counts } }),
        note: (message) => listen({ type: 'retry', account, message }),
      });
      results.set(account, counts);
      listen({ type: 'account_finished', account, counts: { ...counts } });
    } catch (error) {
      results.set(account, error as Error);
      listen({ type: 'account_failed', account, errors: eventErrors(error) });
    }
  });
  return results;
}

function eventErrors(error: unknown): EventError[] {
  if (error instanceof MailshiftError)
    return error.diagnostics.map((d) => ({ code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}) }));
  return [{ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }];
}
