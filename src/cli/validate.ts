import { readManifest } from '../manifest/read.ts';
import { hasErrors, MailshiftError, problem, type Diagnostic } from '../errors.ts';
import type { ExternalVariables } from '../manifest/jsonnet.ts';
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
      const diagnostics = await diagnosticsOf(file, { strings: options.extStrings, code: options.extCode }, options.verbose);
      reportDiagnostics(io, options, diagnostics);
      if (hasErrors(diagnostics)) failed++;
      else if (!options.quiet) io.stdout(`ok ${file}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};

/** One file's diagnostics; an internal error is reported against that file so the others still get checked. */
async function diagnosticsOf(file: string, variables: ExternalVariables, verbose: boolean): Promise<Diagnostic[]> {
  try {
    return (await readManifest(file, variables)).diagnostics;
  } catch (error) {
    const detail = verbose && error instanceof Error ? `\n${error.stack}` : '';
    return [problem('INTERNAL', `internal error while reading this manifest: ${(error as Error)?.message ?? String(error)}${detail}`,
      'this is a bug in mailshift; run again with --verbose for the stack trace and report it', { file })];
  }
}
