import { readManifest, type ManifestReadResult } from '../manifest/read.ts';
import { hasErrors, MailshiftError, problem } from '../errors.ts';
import type { ExternalVariables } from '../manifest/jsonnet.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'evaluate and validate manifests (no network)',
  usage: `mailshift validate <manifest>... [--print]

Evaluates each Jsonnet/JSON manifest, validates it against schemas/manifest.v1.schema.json and the
manifest rules, and prints "ok <file>" or what is wrong, where, and how to fix it.
  --print   print each valid manifest as evaluated (JSON, for jq) instead of "ok <file>"; secrets
            appear as their references ({ env }, { file }, { command }), never resolved
Exit code: 0 when every manifest is valid, 1 otherwise.`,
  options: { print: { type: 'boolean' } },
  async run({ positionals, values, options, io }) {
    if (positionals.length === 0) {
      throw new MailshiftError(
        problem('USAGE', 'validate needs at least one manifest', 'mailshift validate migrations/*.jsonnet'),
      );
    }
    let failed = 0;
    for (const file of positionals) {
      const { diagnostics, manifest } = await resultOf(
        file,
        { strings: options.extStrings, code: options.extCode },
        options.verbose,
      );
      reportDiagnostics(io, options, diagnostics);
      // Only a valid manifest is printed: the schema then guarantees every secret is a reference,
      // while an invalid one may hold a literal (from std.extVar, say) that must not be echoed.
      if (hasErrors(diagnostics)) failed++;
      else if (values.print) io.stdout(`${JSON.stringify(manifest, null, 2)}\n`);
      else if (!options.quiet) io.stdout(`ok ${file}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};

/** One file's result; an internal error is reported against that file so the others still get checked. */
async function resultOf(
  file: string,
  variables: ExternalVariables,
  verbose: boolean,
): Promise<Pick<ManifestReadResult, 'diagnostics' | 'manifest'>> {
  try {
    return await readManifest(file, variables);
  } catch (error) {
    const detail = verbose && error instanceof Error ? `\n${error.stack}` : '';
    return {
      diagnostics: [
        problem(
          'INTERNAL',
          `internal error while reading this manifest: ${(error as Error)?.message ?? String(error)}${detail}`,
          'this is a bug in mailshift; run again with --verbose for the stack trace and report it',
          { file },
        ),
      ],
    };
  }
}
