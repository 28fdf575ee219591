import { hasErrors, MailshiftError, problem } from '../errors.ts';
import { readManifest } from '../manifest/read.ts';
import type { Settings } from '../manifest/settings.ts';
import { migrationStateStore, type StateStore } from '../state/store.ts';
import { reportDiagnostics, type CliIo, type GlobalOptions } from './io.ts';

/** Read the one manifest a command works on; bad manifests stop the command with their diagnostics. */
export async function loadManifestFor(command: string, positionals: string[], options: GlobalOptions, io: CliIo) {
  const file = positionals[0];
  if (file === undefined)
    throw new MailshiftError(
      problem('USAGE', `${command} needs a manifest`, `mailshift ${command} migrations/acme.jsonnet …`),
    );
  if (positionals.length > 1)
    throw new MailshiftError(
      problem('USAGE', `${command} takes one manifest, got ${positionals.length}`, 'run it once per manifest'),
    );
  const result = await readManifest(file, { strings: options.extStrings, code: options.extCode });
  if (hasErrors(result.diagnostics) || !result.settings || !result.sha256) {
    throw new MailshiftError(result.diagnostics);
  }
  reportDiagnostics(io, options, result.diagnostics);
  return result as typeof result & { settings: Settings; sha256: string };
}

/** The migration's state store: .mailshift/<name>/ next to the manifest, or under --state-dir. */
export function stateOf(manifest: { file: string; settings: Settings }, options: GlobalOptions): StateStore {
  return migrationStateStore(manifest.file, manifest.settings.name, options.stateDir);
}
