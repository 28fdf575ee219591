import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { validatorModuleSource } from '../../../src/build/validator-module.ts';
import { evaluateJsonnet } from '../../../src/manifest/jsonnet.ts';
import { NO_EXTERNAL_VARIABLES } from '../../../src/manifest/read.ts';
import { manifestAjv } from '../../../src/manifest/manifest-ajv.ts';
import { manifestSchema } from '../../../src/manifest/schema-validator.ts';
import { REPO } from '../../support/cli.ts';

// The build's prebuilt validator and the one ajv compiles at start-up from the sources must judge
// every manifest alike, errors and all: which of the two runs depends only on how mailshift started.

async function prebuiltValidator(): Promise<ValidateFunction> {
  const dir = mkdtempSync(join(tmpdir(), 'mailshift-validator-'));
  try {
    // Outside the repo, its require() of ajv's runtime helpers resolves from the repo instead.
    const source = validatorModuleSource().replace(
      'createRequire(import.meta.url)',
      `createRequire(${JSON.stringify(pathToFileURL(join(REPO, 'package.json')).href)})`,
    );
    writeFileSync(join(dir, 'manifest-validator.mjs'), source);
    return ((await import(pathToFileURL(join(dir, 'manifest-validator.mjs')).href)) as { default: ValidateFunction })
      .default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function exampleManifests(): Promise<Array<[string, Record<string, unknown>]>> {
  const dir = join(REPO, 'examples');
  const manifests: Array<[string, Record<string, unknown>]> = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.jsonnet'))) {
    const evaluated = await evaluateJsonnet(join(dir, name), NO_EXTERNAL_VARIABLES);
    if ('json' in evaluated) manifests.push([name, JSON.parse(evaluated.json)]);
  }
  return manifests;
}

/** Ways a manifest goes wrong, each applied to a copy. */
const BREAKAGES: Record<string, (manifest: Record<string, unknown>) => void> = {
  'as written': () => {},
  'an unknown key': (m) => {
    m.phasez = [];
  },
  'a missing key': (m) => {
    delete m.accounts;
  },
  'a wrong type': (m) => {
    m.name = 42;
  },
  'a literal password': (m) => {
    (m.accounts as Array<{ source: { password: unknown } }>)[0]!.source.password = 'hunter2';
  },
  'a bad regex': (m) => {
    m.folders = { exclude: ['(unclosed'] };
  },
  'an empty account list and a long name': (m) => {
    m.accounts = [];
    m.name = 'x'.repeat(500);
  },
  'a phase with unknown keys and wrong types': (m) => {
    m.phases = [{ name: 3, deleteSourcee: true, requires: 'presync' }];
  },
};

test('the prebuilt validator and the compiled one give the same verdict and the same errors', async () => {
  const prebuilt = await prebuiltValidator();
  const compiled = manifestAjv().compile(manifestSchema);
  const manifests = await exampleManifests();
  assert.ok(manifests.length >= 8, 'the examples evaluate');
  let invalid = 0;
  for (const [name, manifest] of manifests) {
    for (const [breakage, apply] of Object.entries(BREAKAGES)) {
      const value = structuredClone(manifest);
      apply(value);
      const verdict = compiled(value);
      assert.is(prebuilt(value), verdict, `${name}, ${breakage}`);
      assert.equal(prebuilt.errors ?? null, compiled.errors ?? null, `${name}, ${breakage}: errors`);
      if (!verdict) invalid++;
    }
  }
  assert.ok(invalid >= manifests.length * (Object.keys(BREAKAGES).length - 1), 'every breakage is caught');
});

test.run();
