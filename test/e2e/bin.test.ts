import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILD_STAMP } from '../../src/build-freshness.js';
import { REPO, runMailshift } from '../support/cli.ts';

const VERSION = `mailshift ${(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`;
const EXAMPLE = 'examples/many-into-one.jsonnet';
// Stands in for the TypeScript sources in an install copy, so a run shows which way the bin went.
const SOURCE_MARKER = 'ran the TypeScript sources\n';

/**
 * An installed mailshift in a temp dir, built from the repo's dist/ (copied, never written to):
 * the real bin, dist/ and package files, and instead of the sources a src/cli/main.ts that only prints a marker.
 */
function installCopy(): { bin: string; editSource(): void; remove(): void } {
  assert.ok(
    existsSync(join(REPO, 'dist', BUILD_STAMP)),
    'dist/ is not built: `npm run build` (`npm test` builds first)',
  );
  const root = mkdtempSync(join(tmpdir(), 'mailshift-install-'));
  const main = join(root, 'src', 'cli', 'main.ts');
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  // The bin, and the files the build reads from the package at run time.
  for (const file of [
    'src/bin.js',
    'src/build-freshness.js',
    'package.json',
    'src/manifest/mailshift.libsonnet',
    'src/init/example.jsonnet',
  ])
    cpSync(join(REPO, file), join(root, file));
  writeFileSync(
    main,
    `export async function main(): Promise<number> {\n  process.stdout.write(${JSON.stringify(SOURCE_MARKER)});\n  return 0;\n}\n`,
  );
  cpSync(join(REPO, 'schemas'), join(root, 'schemas'), { recursive: true });
  cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'dist', BUILD_STAMP), 'stamped after everything under src/ was written\n');
  const later = new Date(Date.now() + 60_000);
  return {
    bin: join(root, 'src', 'bin.js'),
    editSource: () => utimesSync(main, later, later),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

type Install = ReturnType<typeof installCopy>;

/** Runs check on an install copy, removed afterwards whatever happens. */
async function inInstallCopy(check: (install: Install) => Promise<void>): Promise<void> {
  const install = installCopy();
  try {
    await check(install);
  } finally {
    install.remove();
  }
}

/** The real CLI answers: --version prints the package's version, validate passes an example (schema and Jsonnet library found). */
async function expectVersionAndValidate(options: { bin?: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  const version = await runMailshift(['--version'], options);
  assert.is(version.stdout, VERSION, version.stderr);
  assert.is(version.code, 0);
  const validate = await runMailshift(['validate', EXAMPLE], options);
  assert.is(validate.stderr, '');
  assert.is(validate.stdout, `ok ${EXAMPLE}\n`);
  assert.is(validate.code, 0);
}

test("a fresh build runs from dist/: --version, and validate with the package's schema and library", async () => {
  await inInstallCopy((install) => expectVersionAndValidate({ bin: install.bin }));
});

test('a source edited after the build sends the bin to the sources, not the stale dist/', async () => {
  await inInstallCopy(async (install) => {
    install.editSource();
    const result = await runMailshift(['--version'], { bin: install.bin });
    assert.is(result.stdout, SOURCE_MARKER, result.stderr);
    assert.is(result.code, 0);
  });
});

test('MAILSHIFT_FROM_SOURCE=1 runs the sources even when dist/ is fresh', async () => {
  await inInstallCopy(async (install) => {
    const result = await runMailshift(['--version'], { bin: install.bin, env: { MAILSHIFT_FROM_SOURCE: '1' } });
    assert.is(result.stdout, SOURCE_MARKER, result.stderr);
    assert.is(result.code, 0);
  });
});

test('MAILSHIFT_FROM_SOURCE=1 with the real sources: --version and validate', async () => {
  await expectVersionAndValidate({ env: { MAILSHIFT_FROM_SOURCE: '1' } });
});

test.run();
