import { MailshiftError, problem } from '../errors.ts';
import type { AccountSettings, Settings } from '../manifest/settings.ts';
import { closest } from '../manifest/suggest.ts';

/** The accounts named by --account (all when none); an unknown id is a usage error with a suggestion. */
export function selectAccounts(settings: Settings, ids: readonly string[]): AccountSettings[] {
  if (ids.length === 0) return settings.accounts;
  const known = settings.accounts.map((account) => account.id);
  for (const id of ids) {
    if (known.includes(id)) continue;
    const suggestion = closest(id, known);
    const listed = known.length <= 20 ? known.join(', ') : `${known.slice(0, 20).join(', ')} and ${known.length - 20} more`;
    throw new MailshiftError(problem('USAGE', `--account ${id}: no such account in ${settings.name}`,
      `${suggestion ? `did you mean ${suggestion}? ` : ''}the accounts are: ${listed}`));
  }
  return settings.accounts.filter((account) => ids.includes(account.id));
}
