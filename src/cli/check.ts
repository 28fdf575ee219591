import { dirname, resolve } from 'node:path';
import { checkAccounts } from '../engine/check.ts';
import { selectAccounts } from '../engine/accounts.ts';
import { MailshiftError, problem } from '../errors.ts';
import { renderCheckJson, renderCheckTable } from '../render/check-table.ts';
import { ACCOUNT_OPTIONS, ACCOUNT_USAGE, chosenAccountIds } from './account-options.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor } from './manifest-input.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'log in on both sides of every account and show what each server offers',
  usage: `mailshift check <manifest> [--account ID]... [--exclude-account ID]... [--accounts-from FILE] [--format text|json]

Logs in on the source and the target of every account (several at once), lists the folders and
prints one row per side: the result, the server, its hierarchy delimiter and personal namespace
prefix (NAMESPACE: "." and "INBOX." on Courier-style servers), its folder and message counts and
the IMAP extensions migrations use. Nothing is changed on either server (imapsync's --justlogin).
${ACCOUNT_USAGE}
  --format FORMAT       text (default) or json
Exit code: 0 when every login works, 1 otherwise.`,
  options: {
    ...ACCOUNT_OPTIONS,
    format: { type: 'string' },
  },
  async run({ positionals, values, options, io }) {
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new MailshiftError(
        problem(
          'USAGE',
          `--format ${String(format)} is not one of text, json`,
          'mailshift check <manifest> --format json',
        ),
      );
    const manifest = await loadManifestFor('check', positionals, options, io);
    const accounts = selectAccounts(manifest.settings, await chosenAccountIds(values, manifest.settings));
    const results = await checkAccounts(accounts, {
      manifestDir: dirname(resolve(manifest.file)),
      env: io.env,
      verbose: options.verbose,
      trace: options.trace,
    });
    if (format === 'json') io.stdout(renderCheckJson(results));
    else if (!options.quiet) io.stdout(renderCheckTable(results, { color: options.color }));
    const failures = results
      .flatMap((result) => [result.source.error, result.target.error])
      .filter((error) => error !== null);
    reportDiagnostics(io, options, failures);
    return failures.length === 0 ? 0 : 1;
  },
};
