import { assertNever, type AccountPlan, type PlanSummary } from './types.ts';

/** Count what a plan will do, the numbers reviewers and --detailed-exitcode look at. */
export function summarise(accounts: readonly AccountPlan[]): PlanSummary {
  const summary: PlanSummary = {
    accounts: accounts.length,
    foldersToCreate: 0,
    foldersToDelete: 0,
    messagesToCopy: 0,
    bytesToCopy: 0,
    flagUpdates: 0,
    targetDeletes: 0,
    sourceDeletes: 0,
  };
  for (const account of accounts) {
    for (const folder of account.folders) {
      for (const action of folder.actions) {
        switch (action.op) {
          case 'createFolder':
            summary.foldersToCreate++;
            break;
          case 'deleteFolder':
            summary.foldersToDelete++;
            break;
          case 'copy':
            summary.messagesToCopy++;
            summary.bytesToCopy += action.size;
            break;
          case 'setFlags':
            summary.flagUpdates++;
            break;
          case 'deleteTarget':
            summary.targetDeletes++;
            break;
          case 'deleteSource':
            summary.sourceDeletes++;
            break;
          case 'subscribe':
            break;
          default:
            assertNever(action);
        }
      }
    }
  }
  return summary;
}

/** Whether applying the plan would change anything (subscriptions included). */
export function hasChanges(accounts: readonly AccountPlan[]): boolean {
  return accounts.some((account) => account.folders.some((folder) => folder.actions.length > 0));
}
