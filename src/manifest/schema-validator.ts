import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020, type AnySchemaObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';

// The manifest schema's validator. ajv compiles a schema into code, which took ~150 ms of every
// command's start-up; the build (npm run build) writes that code once as a module next to the
// compiled JavaScript (manifest-validator.js, see build/validator-module.ts), and a start-up from
// the build loads it. From the TypeScript sources there is no such module: ajv compiles.

export const SCHEMA_PATH = new URL('../../schemas/manifest.v1.schema.json', import.meta.url);
export const manifestSchema: AnySchemaObject = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const PREBUILT = new URL('./manifest-validator.js', import.meta.url);

/** Options both ways of getting the validator share: the errors they report are the same. */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/** The `regex` format: a pattern JavaScript can compile. Self-contained: its source text is copied into the prebuilt module. */
export function isRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

/** An ajv instance for the manifest schema (extra options: what standalone code generation needs). */
export function manifestAjv(extra: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...extra });
  ajv.addFormat('regex', { type: 'string', validate: isRegex });
  return ajv;
}

/** The prebuilt validator when the build wrote one, otherwise compiled now. */
export async function loadManifestValidator(): Promise<ValidateFunction> {
  if (existsSync(PREBUILT)) return ((await import(PREBUILT.href)) as { default: ValidateFunction }).default;
  return manifestAjv().compile(manifestSchema);
}
