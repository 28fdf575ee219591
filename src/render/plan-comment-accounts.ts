import type { AccountPlan, Plan } from '../plan/types.ts';
import { accountMessagesLeftOut, digestFolder } from './plan-digest.ts';

/** What one account's part of a plan weighs in review: its risks first, then the size of its changes. */
export interface AccountWeight {
  account: AccountPlan;
  /** Messages and folders it deletes, on either side. */
  deletions: number;
  /** Plan warnings that name it. */
  warnings: number;
  /** Messages and folders its rules leave out. */
  leftOut: number;
  /** Copies, flag updates and folders created. */
  changes: number;
  bytes: number;
  /** What it has, in words: "copies only", "folder creations, copies and flag updates", "no changes". */
  kinds: string;
}

/** Every account of the plan weighed, riskiest first (deletions, warnings, left-out mail), then largest. */
export function weighAccounts(plan: Plan): AccountWeight[] {
  const warnings = warningsByAccount(plan);
  return plan.accounts.map((account) => weigh(account, warnings.get(account.id) ?? 0)).sort(riskiestFirst);
}

/** "… and 480 more accounts with copies only", or by kind when they differ: "…: 470 with copies only, 10 with …". */
export function restSentence(rest: readonly AccountWeight[]): string {
  const byKinds = new Map<string, number>();
  for (const weight of rest) byKinds.set(weight.kinds, (byKinds.get(weight.kinds) ?? 0) + 1);
  const more = `… and ${rest.length} more account${rest.length === 1 ? '' : 's'}`;
  const groups = [...byKinds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (groups.length === 1) return `${more} with ${groups[0]![0]}`;
  return `${more}: ${groups.map(([kinds, count]) => `${count} with ${kinds}`).join(', ')}`;
}

function weigh(account: AccountPlan, warnings: number): AccountWeight {
  const totals = { deletions: 0, creations: 0, copies: 0, flagUpdates: 0, subscriptions: 0, bytes: 0 };
  for (const folder of account.folders) {
    const digest = digestFolder(folder);
    totals.deletions += (digest.deleteFolder !== null ? 1 : 0) + digest.targetDeletes + digest.sourceDeletes;
    totals.creations += digest.create ? 1 : 0;
    totals.copies += digest.copies;
    totals.flagUpdates += digest.flagUpdates;
    totals.subscriptions += digest.subscribe ? 1 : 0;
    totals.bytes += digest.bytes;
  }
  const leftOut = (accountMessagesLeftOut(account)?.total ?? 0) + (account.foldersLeftOut?.length ?? 0);
  const kinds = [
    ...(totals.deletions > 0 ? ['deletions'] : []),
    ...(totals.creations > 0 ? ['folder creations'] : []),
    ...(totals.copies > 0 ? ['copies'] : []),
    ...(totals.flagUpdates > 0 ? ['flag updates'] : []),
    ...(totals.subscriptions > 0 ? ['subscriptions'] : []),
    ...(warnings > 0 ? ['warnings'] : []),
    ...(leftOut > 0 ? ['mail left out'] : []),
  ];
  return {
    account,
    deletions: totals.deletions,
    warnings,
    leftOut,
    changes: totals.copies + totals.flagUpdates + totals.creations,
    bytes: totals.bytes,
    kinds: kindsWords(kinds),
  };
}

function kindsWords(kinds: string[]): string {
  if (kinds.length === 0) return 'no changes';
  if (kinds.length === 1) return `${kinds[0]} only`;
  return `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
}

function warningsByAccount(plan: Plan): Map<string, number> {
  const counts = new Map<string, number>();
  for (const warning of plan.warnings) {
    const ids = new Set([...(warning.account ? [warning.account] : []), ...(warning.accounts ?? [])]);
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function riskiestFirst(a: AccountWeight, b: AccountWeight): number {
  return (
    b.deletions - a.deletions ||
    b.warnings - a.warnings ||
    b.leftOut - a.leftOut ||
    b.changes - a.changes ||
    b.bytes - a.bytes ||
    (a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0)
  );
}
