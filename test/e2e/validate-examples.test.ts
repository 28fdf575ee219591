import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, REPO, runMailshift } from '../support/cli.ts';
import { manifestFolder } from '../support/manifests.ts';

const jsonnetIn = (dir: string) =>
  readdirSync(join(REPO, dir))
    .filter((f) => f.endsWith('.jsonnet'))
    .map((f) => `${dir}/${f}`)
    .sort();
const examples = jsonnetIn('examples');
const migrations = jsonnetIn('migrations');

// The demo manifest takes the throwaway servers' ports and users from external variables.
export const DEMO_EXT_VARS = [
  'SOURCE_PORT=10143',
  'TARGET_PORT=20143',
  'SOURCE_USER=demo-source',
  'TARGET_USER=demo-target',
];

test('there is an example for each imapsync scenario, and a demo migration', () => {
  assert.ok(examples.length >= 9, examples.join(', '));
  assert.ok(migrations.includes('migrations/demo-cutover.jsonnet'), migrations.join(', '));
});

test('every example validates: `ok <file>` for each, exit 0', async () => {
  const result = await runMailshift(['validate', ...examples]);
  assert.is(result.stderr, '', 'no errors or warnings');
  assert.is(result.stdout, examples.map((f) => `ok ${f}\n`).join(''));
  assert.is(result.code, 0);
});

test('the demo migration validates with its external variables', async () => {
  const result = await runMailshift(['validate', ...DEMO_EXT_VARS.flatMap((v) => ['--ext-str', v]), ...migrations]);
  assert.is(result.stderr, '');
  assert.is(result.stdout, migrations.map((f) => `ok ${f}\n`).join(''));
  assert.is(result.code, 0);
});

test('init scaffolds a manifest that validates, and refuses to overwrite it', async () => {
  const folder = manifestFolder();
  try {
    const target = join(folder.dir, 'migrations');
    const first = await runMailshift(['init', target, '--name', 'acme-cutover']);
    assert.is(first.code, 0, first.stderr);
    assert.match(first.stdout, `created ${target}/acme-cutover.jsonnet`);
    assert.match(first.stdout, `created ${target}/.gitignore`);
    assert.match(first.stdout, `created ${target}/.gitattributes`);
    assert.match(
      readFileSync(`${target}/.gitattributes`, 'utf8'),
      /^audit\/\*\* -text$/m,
      'audit logs keep their exact bytes in git',
    );
    const validated = await runMailshift(['validate', `${target}/acme-cutover.jsonnet`]);
    assert.is(validated.stdout, `ok ${target}/acme-cutover.jsonnet\n`);
    assert.is(validated.code, 0, validated.stderr);

    const again = await runMailshift(['init', target, '--name', 'acme-cutover']);
    assert.is(again.code, 1);
    assert.match(again.stderr, 'the file already exists; nothing was written');
    assert.match(again.stderr, '--force');
    assert.not.ok(hasStackTrace(again.stderr));
    const forced = await runMailshift(['init', target, '--name', 'acme-cutover', '--force']);
    assert.is(forced.code, 0, forced.stderr);
  } finally {
    folder.remove();
  }
});

test('init refuses a migration name that the schema would reject', async () => {
  const result = await runMailshift(['init', '/tmp/never-created-by-mailshift', '--name', 'Acme Cutover']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'is not a valid migration name');
});

test('--help and --version', async () => {
  const help = await runMailshift(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /validate\s+evaluate and validate manifests/);
  const commandHelp = await runMailshift(['validate', '--help']);
  assert.match(commandHelp.stdout, 'mailshift validate <manifest>...');
  const version = await runMailshift(['--version']);
  assert.match(version.stdout, /^mailshift \d+\.\d+\.\d+\n$/);
});

test.run();
