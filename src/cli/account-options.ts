// --account, --accounts-from and --exclude-account, the same on check, plan, apply and verify: a
// wave of 500 accounts is worked on in parts, and a broken account is left out without naming
// the 499 others.
import { readFile } from 'node:fs/promises';
import { chooseAccounts, type NamedAccount } from '../engine/accounts.ts';
import { MailshiftError, problem } from '../errors.ts';
import type { Settings } from '../manifest/settings.ts';

export const ACCOUNT_OPTIONS = {
  account: { type: 'string', multiple: true },
  'accounts-from': { type: 'string' },
  'exclude-account': { type: 'string', multiple: true },
} as const;

export const ACCOUNT_USAGE = `  --account ID          only this account (repeatable)
  --accounts-from FILE  only the accounts listed in FILE (one id per line; # starts a comment)
  --exclude-account ID  leave this account out (repeatable)`;

/** The ids the options choose, in manifest order; [] when they choose every account (no choice made). */
export async function chosenAccountIds(values: Record<string, unknown>, settings: Settings): Promise<string[]> {
  const only: NamedAccount[] = ((values.account as string[] | undefined) ?? []).map((id) => ({
    id,
    from: '--account',
  }));
  if (typeof values['accounts-from'] === 'string') only.push(...(await accountsFile(values['accounts-from'])));
  const excluded = ((values['exclude-account'] as string[] | undefined) ?? []).map((id) => ({
    id,
    from: '--exclude-account',
  }));
  if (only.length === 0 && excluded.length === 0) return [];
  return chooseAccounts(settings, { only, excluded }).map((account) => account.id);
}

/** One id per line; blank lines and # comments skipped, CRLF line ends and surrounding spaces too. */
async function accountsFile(file: string): Promise<NamedAccount[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MailshiftError(
      problem(
        'USAGE',
        `--accounts-from ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'give a file with one account id per line',
      ),
    );
  }
  const ids = text.split('\n').flatMap((line, index) => {
    const id = line.split('#')[0]!.trim();
    return id === '' ? [] : [{ id, from: `${file} line ${index + 1}` }];
  });
  if (ids.length === 0)
    throw new MailshiftError(
      problem('USAGE', `--accounts-from ${file}: it lists no account`, 'one account id per line; # starts a comment'),
    );
  return ids;
}
