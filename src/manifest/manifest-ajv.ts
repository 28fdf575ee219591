import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import { isRegex } from './schema-validator.ts';

// ajv itself, loaded only where the schema is compiled: a start-up from the build validates with
// the prebuilt code and never loads ajv's compiler (~60 ms).

/** Options both ways of getting the validator share: the errors they report are the same. */
const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/** An ajv instance for the manifest schema (extra options: what standalone code generation needs). */
export function manifestAjv(extra: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...extra });
  ajv.addFormat('regex', { type: 'string', validate: isRegex });
  return ajv;
}
