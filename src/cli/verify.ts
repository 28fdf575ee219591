import { verifyPhase, verifyResult } from '../engine/verify.ts';
import { MailshiftError, problem } from '../errors.ts';
import { renderVerifyJson } from '../render/verify-json.ts';
import { renderVerifyText } from '../render/verify-text.ts';
import { VERSION } from '../version.ts';
import { ACCOUNT_OPTIONS, ACCOUNT_USAGE, chosenAccountIds } from './account-options.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor, stateOf } from './manifest-input.ts';
import { throttledReadNote } from '../render/throttled-read.ts';

const EXIT = { equal: 0, differences: 2, error: 1 } as const;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'prove both sides match after mapping: counts, identities, flags, and bodies with --content',
  usage: `mailshift verify <manifest> --phase NAME [--account ID]... [--exclude-account ID]... [--accounts-from FILE] [--content] [--format text|json]

Reads both sides of every account read-only (EXAMINE, BODY.PEEK) and compares each folder pair of
the phase's mapping, with the phase's folder and message rules: the target folder exists, no
message is missing, extra or duplicated on the target (extras count only with deleteTarget;
otherwise they are shown as kept), and matched messages have the same flags (with syncFlags).
Nothing is written to either server. After a deleteSource phase, what is left on the source is verified.
  --phase NAME      the sync phase whose rules apply (required)
${ACCOUNT_USAGE}
  --content         also compare the SHA-256 of every matched message, read in full on both sides
  --format FORMAT   text (default) or json
  --concurrency N   accounts verified at once (default 4)
Exit code: 0 when both sides match, 2 when they differ, 1 on error (e.g. a failed login).`,
  options: {
    phase: { type: 'string' },
    ...ACCOUNT_OPTIONS,
    content: { type: 'boolean' },
    format: { type: 'string' },
    concurrency: { type: 'string' },
  },
  async run({ positionals, values, options, io }) {
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new MailshiftError(
        problem(
          'USAGE',
          `--format ${String(format)} is not one of text, json`,
          'mailshift verify <manifest> --phase NAME --format json',
        ),
      );
    if (typeof values.phase !== 'string')
      throw new MailshiftError(
        problem('USAGE', 'verify needs --phase NAME', 'e.g. mailshift verify migrations/acme.jsonnet --phase final'),
      );
    const concurrency = Number(values.concurrency ?? 4);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new MailshiftError(problem('USAGE', `--concurrency ${values.concurrency} is not a positive whole number`));
    const manifest = await loadManifestFor('verify', positionals, options, io);
    const report = await verifyPhase({
      manifest,
      phase: values.phase,
      accountIds: await chosenAccountIds(values, manifest.settings),
      content: Boolean(values.content),
      now: new Date(),
      env: io.env,
      verbose: options.verbose,
      trace: options.trace,
      concurrency,
      state: stateOf(manifest, options),
      onThrottled: (read) => {
        if (!options.quiet) io.stderr(throttledReadNote(read));
      },
    });
    if (format === 'json') io.stdout(renderVerifyJson(report, `mailshift ${VERSION}`));
    else if (!options.quiet || report.summary.differences > 0)
      io.stdout(renderVerifyText(report, { palette: { color: options.color }, verbose: options.verbose }));
    reportDiagnostics(
      io,
      options,
      report.accounts.flatMap((account) => account.errors),
    );
    return EXIT[verifyResult(report)];
  },
};
