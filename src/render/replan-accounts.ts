import { shellWord } from '../engine/runbook.ts';

/** The plan options that choose these accounts: --account for a few, --accounts-from for more. */
export function accountOptions(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.map((id) => `--account ${shellWord(id)}`).join(' ') : '--accounts-from FILE';
}
