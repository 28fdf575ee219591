import { diagnosticsOf, type Diagnostic } from '../errors.ts';
import type { ApplyCounts } from '../apply/outcome.ts';
import { runInLanes } from '../concurrency.ts';
import type { ApplyListener } from './apply-events.ts';
import type { AccountUnit } from './apply.ts';

/** An account that could not run on: why. */
export interface AccountFailure {
  diagnostics: Diagnostic[];
}

/**
 * Runs the account units, at most `concurrency` at a time, and tells `listen` what happens. One
 * account's failure is its own: the others go on. Resolves with each account's counts, or the
 * diagnostics of what stopped it.
 */
export async function runAccounts(
  units: readonly AccountUnit[],
  concurrency: number,
  listen: ApplyListener,
): Promise<Map<string, ApplyCounts | AccountFailure>> {
  const results = new Map<string, ApplyCounts | AccountFailure>();
  await runInLanes(units, concurrency, async (unit) => {
    const account = unit.id;
    listen({ type: 'account_started', account, folders: unit.folders });
    try {
      const counts = await unit.run({
        folderStarted: (folder) => listen({ type: 'folder_started', account, folder }),
        folderFinished: (folder, failed) => listen({ type: 'folder_finished', account, folder, failed }),
        progress: (counts) => listen({ type: 'progress', account, counts: { ...counts } }),
        note: (message) => listen({ type: 'retry', account, message }),
        throttled: (episode) => listen({ type: 'throttled', ...episode }),
        paused: (pause) => listen({ type: 'paused', ...pause }),
      });
      results.set(account, counts);
      listen({ type: 'account_finished', account, counts: { ...counts } });
    } catch (error) {
      const diagnostics = diagnosticsOf(error);
      results.set(account, { diagnostics });
      listen({ type: 'account_failed', account, errors: diagnostics });
    }
  });
  return results;
}
