// Accounts named in a sentence: a wave's warnings, the accounts a plan left out. Pure.
import type { AccountFailure } from './types.ts';

/** "a, b, c", or "a, b, c, d, e and 7 more" past five. */
export function namedAccounts(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

/** The accounts a plan left out, once each, in its order (an account failing on both sides has two entries). */
export function leftOutIds(failures: readonly AccountFailure[] | undefined): string[] {
  return [...new Set((failures ?? []).map((failure) => failure.id))];
}
