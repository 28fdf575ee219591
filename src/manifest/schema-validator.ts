import { existsSync, readFileSync } from 'node:fs';
import type { AnySchemaObject, ValidateFunction } from 'ajv/dist/2020.js';
import { packageFile } from '../package-files.ts';

// The manifest schema's validator. ajv compiles a schema into code, which took ~150 ms of every
// command's start-up; the build (npm run build) writes that code once as a module next to the
// compiled JavaScript (manifest-validator.js, see build/validator-module.ts), and a start-up from
// the build loads it. From the TypeScript sources there is no such module: ajv compiles.

export const SCHEMA_PATH = packageFile('schemas', 'manifest.v1.schema.json');
export const manifestSchema: AnySchemaObject = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const PREBUILT = new URL('./manifest-validator.js', import.meta.url);

/** The `regex` format: a pattern JavaScript can compile. Self-contained: its source text is copied into the prebuilt module. */
export function isRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

/** The prebuilt validator when the build wrote one, otherwise compiled now. */
export async function loadManifestValidator(): Promise<ValidateFunction> {
  if (existsSync(PREBUILT)) return ((await import(PREBUILT.href)) as { default: ValidateFunction }).default;
  const { manifestAjv } = await import('./manifest-ajv.ts');
  return manifestAjv().compile(manifestSchema);
}
