// A wave of 500 accounts that share a manifest shares its mistakes: the same warning for every
// account (a `map` key that matches nothing, say) would bury the others. Pure.
import { namedAccounts } from './account-names.ts';
import type { PlanWarning } from './types.ts';

/** The same warning (code, folder, message) for several accounts becomes one, naming how many and which. */
export function foldAcrossAccounts(warnings: readonly PlanWarning[]): PlanWarning[] {
  const groups = new Map<string, PlanWarning[]>();
  const order: Array<string | PlanWarning> = [];
  for (const warning of warnings) {
    if (warning.account === undefined) {
      order.push(warning);
      continue;
    }
    const key = JSON.stringify([warning.code, warning.folder ?? null, warning.message]);
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key)!.push(warning);
  }
  return order.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const group = groups.get(entry)!;
    if (group.length === 1) return group[0]!;
    const { account: _account, ...shared } = group[0]!;
    const accounts = group.map((warning) => warning.account!);
    return {
      ...shared,
      message: `${shared.message} (${accounts.length} accounts: ${namedAccounts(accounts)})`,
      accounts,
    };
  });
}
