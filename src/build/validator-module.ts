import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import standalone from 'ajv/dist/standalone/index.js';
import { manifestAjv } from '../manifest/manifest-ajv.ts';
import { isRegex, manifestSchema } from '../manifest/schema-validator.ts';

// Build step (npm run build, after tsc): the manifest validator as plain code, written next to
// the compiled schema-validator.js, which loads it instead of compiling the schema at start-up.

/** The ES module source of the manifest schema's validator (default export), as ajv generates it. */
export function validatorModuleSource(): string {
  const formats = new _Code(`{ regex: { type: 'string', validate: ${isRegex.toString()} } }`);
  const ajv = manifestAjv({ code: { source: true, esm: true, formats } });
  // module.exports is the function, and its own `default` too: the one spelling both Node and tsx resolve.
  const code = standalone.default(ajv, ajv.compile(manifestSchema));
  // ajv's ESM output still require()s its runtime helpers (ucs2length for maxLength).
  return `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../manifest/manifest-validator.js', import.meta.url), validatorModuleSource());
}
