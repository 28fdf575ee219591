// The cutover rule again, in apply: the plan's target deletions against the UID maps as they are
// now, whatever the plan file says (it may be old, forced, or edited by hand). Pure.
import { hasMailshiftCopies, mailshiftCopies } from './cutover.ts';
import type { UidMaps } from './snapshot.ts';
import type { Plan } from './types.ts';

/** A target deletion the rule forbids: what it is and where. */
export interface CutoverBreach {
  account: string;
  folder: string;
  what: string;
}

/**
 * Every deleteTarget of a message mailshift did not copy to the target, and every deleteFolder of
 * a folder it never copied into, at the target UIDVALIDITY the plan recorded; first ones first.
 */
export function cutoverBreaches(
  plan: Pick<Plan, 'accounts'>,
  uidMapsOf: (account: string) => UidMaps,
): CutoverBreach[] {
  const breaches: CutoverBreach[] = [];
  for (const account of plan.accounts) {
    const uidMaps = uidMapsOf(account.id);
    for (const folder of account.folders) {
      const uidValidity = folder.targetState?.uidValidity;
      const copies =
        uidValidity === undefined ? new Set<number>() : mailshiftCopies(uidMaps, folder.target, uidValidity);
      for (const action of folder.actions) {
        if (action.op === 'deleteTarget' && !copies.has(action.uid)) {
          breaches.push({
            account: account.id,
            folder: folder.target,
            what: `deleteTarget of UID ${action.uid} in target folder "${folder.target}", a message mailshift did not copy there`,
          });
        }
        if (
          action.op === 'deleteFolder' &&
          (uidValidity === undefined || !hasMailshiftCopies(uidMaps, folder.target, uidValidity))
        ) {
          breaches.push({
            account: account.id,
            folder: folder.target,
            what: `deleteFolder of target folder "${folder.target}", which mailshift never copied into`,
          });
        }
      }
    }
  }
  return breaches;
}
