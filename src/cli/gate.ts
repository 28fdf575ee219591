import { MailshiftError, problem, warning } from '../errors.ts';
import { recordGate } from '../engine/gate.ts';
import { VERSION } from '../version.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor } from './manifest-input.ts';

export const gateCommand: Command = {
  name: 'gate',
  summary: 'record that a manual phase (e.g. switching the MX record) is done, in the audit log',
  usage: `mailshift gate <manifest> <phase> [--note TEXT] [--force]

Records in the audit log (audit/<name>/ next to the manifest) that the manual phase is done: who
(user@host), when, and the note. Phases that require it may then be applied. A phase whose own
requirements are not done yet is refused, as apply refuses one; a phase gated before is left as
it is (the command says when and by whom).
  --note TEXT  what was done, e.g. "MX switched at 07:00, TTL 300, ticket OPS-42"
  --force      record it anyway (requirements not done, or gated before); audited as forced
Exit code: 0 when recorded (or recorded before), 1 on error.`,
  options: { note: { type: 'string' }, force: { type: 'boolean' } },
  async run({ positionals, values, options, io }) {
    if (positionals.length !== 2)
      throw new MailshiftError(
        problem(
          'USAGE',
          `gate takes a manifest and a phase, got ${positionals.length} argument(s)`,
          'mailshift gate migrations/acme.jsonnet switch-mx --note "MX switched at 07:00"',
        ),
      );
    const manifest = await loadManifestFor('gate', positionals.slice(0, 1), options, io);
    const result = await recordGate({
      manifest,
      phase: positionals[1]!,
      note: (values.note as string | undefined) ?? null,
      force: Boolean(values.force),
      stateDir: options.stateDir,
      tool: `mailshift ${VERSION}`,
    });
    if (!result.recorded) {
      const { earlier } = result;
      if (!options.quiet)
        io.stdout(
          `Phase ${positionals[1]} was already gated on ${earlier.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC by ${earlier.operator}${earlier.note ? ` (note: ${earlier.note})` : ''}; nothing recorded. Use --force to record it again.\n`,
        );
      return 0;
    }
    if (result.forced) {
      const why =
        result.unmetRequires.length > 0
          ? `although ${result.unmetRequires.join(', ')} ${result.unmetRequires.length === 1 ? 'is' : 'are'} not done`
          : 'although it was gated before';
      reportDiagnostics(io, options, [
        warning('PHASE_ORDER', `--force: gate ${positionals[1]} recorded ${why}`, 'the audit log records it as forced'),
      ]);
    }
    if (!options.quiet) io.stdout(`Gate ${positionals[1]} recorded in ${result.file}\n`);
    return 0;
  },
};
