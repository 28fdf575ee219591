import { MailshiftError, problem } from '../errors.ts';
import type { AccountSettings, Settings } from '../manifest/settings.ts';
import { closest } from '../manifest/suggest.ts';

/** An account id as the user gave it, and where: '--account', 'wave-2.txt line 3'. */
export interface NamedAccount {
  id: string;
  from: string;
}

/** Which accounts a command works on: `only` these (all when empty), less those `excluded`. */
export interface AccountChoice {
  only: readonly NamedAccount[];
  excluded: readonly NamedAccount[];
}

/** The accounts named by --account (all when none); an unknown id is a usage error with a suggestion. */
export function selectAccounts(settings: Settings, ids: readonly string[]): AccountSettings[] {
  return chooseAccounts(settings, { only: ids.map((id) => ({ id, from: '--account' })), excluded: [] });
}

/** The chosen accounts in manifest order; an unknown id (a typo, an id of another wave) is a usage error naming where it came from. */
export function chooseAccounts(settings: Settings, choice: AccountChoice): AccountSettings[] {
  const known = settings.accounts.map((account) => account.id);
  for (const named of [...choice.only, ...choice.excluded]) {
    if (!known.includes(named.id)) throw unknownAccount(settings.name, named, known);
  }
  const only = new Set(choice.only.map((named) => named.id));
  const excluded = new Set(choice.excluded.map((named) => named.id));
  const chosen = settings.accounts.filter(
    (account) => (only.size === 0 || only.has(account.id)) && !excluded.has(account.id),
  );
  if (chosen.length === 0) {
    throw new MailshiftError(
      problem(
        'USAGE',
        'no account is left to work on: every one chosen is excluded',
        'check --exclude-account against --account and --accounts-from',
      ),
    );
  }
  return chosen;
}

function unknownAccount(name: string, named: NamedAccount, known: string[]): MailshiftError {
  const suggestion = closest(named.id, known);
  const listed =
    known.length <= 20 ? known.join(', ') : `${known.slice(0, 20).join(', ')} and ${known.length - 20} more`;
  const where = named.from.startsWith('--') ? `${named.from} ${named.id}` : `${named.from}: "${named.id}"`;
  return new MailshiftError(
    problem(
      'USAGE',
      `${where}: no such account in ${name}`,
      `${suggestion ? `did you mean ${suggestion}? ` : ''}the accounts are: ${listed}`,
    ),
  );
}
