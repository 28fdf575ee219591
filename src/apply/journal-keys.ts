import type { FolderPlan } from '../plan/types.ts';

/**
 * A plan action's name in the journal: account, folder pair, operation and UID. Stable across
 * re-runs of one plan (the journal is per plan), so a re-run knows what is already done.
 */
export function actionKey(
  account: string,
  folder: Pick<FolderPlan, 'source' | 'target'>,
  action: { op: string; uid?: number },
): string {
  return [account, folder.source ?? '', folder.target, action.op, action.uid ?? ''].join('\u001f');
}
