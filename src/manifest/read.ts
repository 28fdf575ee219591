import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { hasErrors, problem, type Diagnostic } from '../errors.ts';
import { checkControlCharacters } from './control-characters.ts';
import { evaluateJsonnet, type ExternalVariables } from './jsonnet.ts';
import { parseJson } from './json-file.ts';
import { checkRules } from './rules.ts';
import { checkSchema } from './schema.ts';
import { normalise, type Settings } from './settings.ts';
import type { ManifestInput } from './types.ts';
import { sha256Hex } from '../sha256.ts';

export interface ManifestReadResult {
  file: string;
  /** SHA-256 of the manifest file as written (what git tracks and plans record). */
  sha256?: string;
  manifest?: ManifestInput;
  settings?: Settings;
  /** Errors and warnings, in the order found. Settings are present only when there is no error. */
  diagnostics: Diagnostic[];
}

export const NO_EXTERNAL_VARIABLES: ExternalVariables = { strings: {}, code: {} };

/** Read, evaluate, validate and normalise a manifest. Never throws for a bad manifest: look at diagnostics. */
export async function readManifest(
  file: string,
  variables: ExternalVariables = NO_EXTERNAL_VARIABLES,
): Promise<ManifestReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { file, diagnostics: [unreadable(file, error as NodeJS.ErrnoException)] };
  }
  const sha256 = sha256Hex(bytes);
  const evaluated = await evaluate(file, bytes.toString('utf8'), variables);
  if ('diagnostic' in evaluated) return { file, sha256, diagnostics: [evaluated.diagnostic] };

  // A control character is the precise diagnosis where the schema would only say "the wrong form".
  const controlProblems = checkControlCharacters(file, evaluated.value);
  const flagged = new Set(controlProblems.map((d) => d.location?.pointer));
  const schemaProblems = [
    ...controlProblems,
    ...checkSchema(file, evaluated.value).filter((d) => !flagged.has(d.location?.pointer)),
  ];
  if (schemaProblems.length > 0) return { file, sha256, diagnostics: schemaProblems };
  const manifest = evaluated.value as ManifestInput;
  const diagnostics = checkRules(file, manifest);
  if (hasErrors(diagnostics)) return { file, sha256, manifest, diagnostics };
  return { file, sha256, manifest, settings: normalise(manifest), diagnostics };
}

async function evaluate(
  file: string,
  text: string,
  variables: ExternalVariables,
): Promise<{ value: unknown } | { diagnostic: Diagnostic }> {
  if (extname(file).toLowerCase() === '.json') {
    return parseJson(file, text, async () => {
      const jsonnet = await evaluateJsonnet(file, NO_EXTERNAL_VARIABLES);
      return 'diagnostic' in jsonnet && jsonnet.diagnostic.location?.line !== undefined
        ? { line: jsonnet.diagnostic.location.line, column: jsonnet.diagnostic.location.column ?? 1 }
        : undefined;
    });
  }
  const result = await evaluateJsonnet(file, variables);
  if ('diagnostic' in result) return result;
  return { value: JSON.parse(result.json) };
}

function unreadable(file: string, error: NodeJS.ErrnoException): Diagnostic {
  if (error.code === 'ENOENT')
    return problem(
      'MANIFEST_NOT_FOUND',
      `no manifest at ${file}`,
      'check the path; `mailshift init` scaffolds a migrations folder with an example',
      { file },
    );
  if (error.code === 'EISDIR')
    return problem('MANIFEST_NOT_FOUND', `${file} is a folder, not a manifest`, 'name a .jsonnet or .json file', {
      file,
    });
  return problem(
    'MANIFEST_NOT_FOUND',
    `cannot read ${file}: ${error.code ?? error.message}`,
    'check the file permissions',
    { file },
  );
}
