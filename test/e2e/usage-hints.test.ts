// Usage slips get a precise "did you mean": a misspelt option, and a manifest given to apply
// without --phase. Nothing here reaches a server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

test('a misspelt option gets "did you mean" with the right spelling', async () => {
  const manifest = folder.write('acme.json', validManifest());
  const result = await runMailshift(['plan', manifest, '--phse', 'presync']);
  assert.is(result.code, 1);
  assert.match(result.stderr, "error: Unknown option '--phse'");
  assert.match(result.stderr, 'hint: did you mean `--phase`? (see `mailshift plan --help`)');
  assert.not.ok(hasStackTrace(result.stderr));
});

test('a misspelt global option and the --name=value form are recognised too', async () => {
  const verbose = await runMailshift(['validate', '--verbos', 'x.json']);
  assert.match(verbose.stderr, 'did you mean `--verbose`?');
  const stateDir = await runMailshift(['status', '--state-dri=/tmp/x', 'x.json']);
  assert.match(stateDir.stderr, "Unknown option '--state-dri'");
  assert.match(stateDir.stderr, 'did you mean `--state-dir`?');
});

test("an option nothing resembles lists the command's options", async () => {
  const result = await runMailshift(['apply', '--frobnicate', 'x.json']);
  assert.is(result.code, 1);
  assert.match(result.stderr, "Unknown option '--frobnicate'");
  assert.match(result.stderr, /hint: .*--phase, --auto-approve/);
});

const phased = () => ({
  ...validManifest(),
  phases: [{ name: 'presync' }, { name: 'final', requires: ['presync'] }, { name: 'switch-mx', manual: 'Switch MX' }],
});

test('apply with a Jsonnet manifest and no --phase says a manifest needs --phase, and lists its phases', async () => {
  const manifest = folder.write('acme.jsonnet', JSON.stringify(phased(), null, 2));
  const result = await runMailshift(['apply', manifest]);
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.not.match(result.stderr, 'is not JSON');
  assert.not.match(result.stderr, 'do not edit it by hand');
  assert.match(result.stderr, `${manifest} is a manifest, not a plan file: applying a manifest needs --phase`);
  assert.match(result.stderr, `did you mean \`mailshift apply ${manifest} --phase presync\`?`);
  assert.match(result.stderr, 'Its phases: presync, final (switch-mx is a manual gate');
  assert.not.ok(hasStackTrace(result.stderr));
});

test('apply with a JSON manifest and no --phase is recognised as a manifest too', async () => {
  const manifest = folder.write('acme-manifest.json', phased());
  const result = await runMailshift(['apply', manifest]);
  assert.is(result.code, 1);
  assert.not.match(result.stderr, 'is not a mailshift plan');
  assert.match(result.stderr, 'is a manifest, not a plan file: applying a manifest needs --phase');
  assert.match(result.stderr, '--phase presync');
});

test('apply with a manifest that does not evaluate still says it needs --phase', async () => {
  const manifest = folder.write('broken.jsonnet', '{ apiVersion: ');
  const result = await runMailshift(['apply', manifest]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'is a manifest, not a plan file: applying a manifest needs --phase');
  assert.match(result.stderr, `mailshift validate ${manifest}`);
});

test.run();
