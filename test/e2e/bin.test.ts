import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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
  assert.ok(existsSync(join(REPO, 'dist', BUILD_STAMP)), 'dist/ is not built: `npm run build` (`npm test` builds first)');
  const root = mkdtempSync(join(tmpdir(), 'mailshift-install-'));
  const main = join(root, 'src', 'cli', 'main.ts');
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  // The bin, and the files the build reads from the package at run time.
  for (const file of ['src/bin.js', 'src/build-freshness.js', 'package.json', 'src/manifest/mailshift.libsonnet', 'src/init/example.jsonnet']) cpSync(join(REPO, file), join(root, file));
  writeFileSync(main, `export async function main(): Promise<number> {\n  process.stdout.write(${JSON.stringify(SOURCE_MARKER)});\n  return 0;\n}\n`);
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

test('a fresh build runs from dist/: --version, and validate with the package\'s schema and library', async () => {
  const install = installCopy();
  try {
    const version = await runMailshift(['--version'], { bin: install.bin });
    assert.is(version.stdout, VERSION, version.stderr);
    assert.is(version.code, 0);
    const validate = await runMailshift(['validate', EXAMPLE], { bin: install.bin });
    assert.is(validate.stderr, '');
    assert.is(validate.stdout, `ok ${EXAMPLE}\n`);
    assert.is(validate.code, 0);
  } finally {
    install.remove();
  }
});

test('a source edited after the build sends the bin to the sources, not the stale dist/', async () => {
  const install = installCopy();
  try {
    install.editSource();
    const result = await runMailshift(['--version'], { bin: install.bin });
    assert.is(result.stdout, SOURCE_MARKER, result.stderr);
    assert.is(result.code, 0);
  } finally {
    install.remove();
  }
});

test('MAILSHIFT_FROM_SOURCE=1 runs the sources even when dist/ is fresh', async () => {
  const install = installCopy();
  try {
    const result = await runMailshift(['--version'], { bin: install.bin, env: { MAILSHIFT_FROM_SOURCE: '1' } });
    assert.is(result.stdout, SOURCE_MARKER, result.stderr);
    assert.is(result.code, 0);
  } finally {
    install.remove();
  }
});

test('MAILSHIFT_FROM_SOURCE=1 with the real sources: --version and validate', async () => {
  const env = { MAILSHIFT_FROM_SOURCE: '1' };
  const version = await runMailshift(['--version'], { env });
  assert.is(version.stdout, VERSION, version.stderr);
  assert.is(version.code, 0);
  const validate = await runMailshift(['validate', EXAMPLE], { env });
  assert.is(validate.stderr, '');
  assert.is(validate.stdout, `ok ${EXAMPLE}\n`);
  assert.is(validate.code, 0);
});

test.run();
