import { readManifest } from '../manifest/read.ts';
import { hasErrors, MailshiftError, problem } from '../errors.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'evaluate and validate manifests (no network)',
  usage: `mailshift validate <manifest>...

Evaluates each Jsonnet/JSON manifest, validates it against schemas/manifest.v1.schema.json and the
manifest rules, and prints "ok <file>" or what is wrong, where, and how to fix it.
Exit code: 0 when every manifest is valid, 1 otherwise.`,
  options: {},
  async run({ positionals, options, io }) {
    if (positionals.length === 0) {
      throw new MailshiftError(problem('USAGE', 'validate needs at least one manifest', 'mailshift validate migrations/*.jsonnet'));
    }
    let failed = 0;
    for (const file of positionals) {
      const result = await readManifest(file, { strings: options.extStrings, code: options.extCode });
      reportDiagnostics(io, options, result.diagnostics);
      if (hasErrors(result.diagnostics)) failed++;
      else if (!options.quiet) io.stdout(`ok ${file}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
