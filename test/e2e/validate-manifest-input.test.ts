// Manifest input as a user writes it: accounts completed by `defaults`, control characters in
// hosts, users and ids, and `validate --print`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

/** A manifest whose defaults give every endpoint key, so an account needs nothing but its id. */
function completeDefaults(): Record<string, any> {
  const manifest = validManifest();
  manifest.defaults = {
    source: { host: 'imap.old.example', user: 'migration-admin', password: { env: 'OLD_ADMIN_PW' } },
    target: { host: 'imap.new.example', user: 'migration-admin', password: { env: 'NEW_ADMIN_PW' } },
  };
  manifest.accounts = [{ id: 'alice' }];
  manifest.phases = [{ name: 'presync' }];
  return manifest;
}

test('an account may be just { id } when defaults give every endpoint key', async () => {
  const file = folder.write('id-only.json', completeDefaults());
  const result = await runMailshift(['validate', file]);
  assert.is(result.stderr, '');
  assert.is(result.stdout, `ok ${file}\n`);
  assert.is(result.code, 0);
});

test('completeness is checked after the merge: a key neither side gives is named with the account', async () => {
  const manifest = completeDefaults();
  delete manifest.defaults.target.user;
  manifest.accounts = [{ id: 'alice', target: { user: 'alice@new.example' } }, { id: 'bob' }];
  const file = folder.write('id-only-missing-user.json', manifest);
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.not.match(result.stderr, 'missing required key');
  assert.match(result.stderr, `error: ${file} /accounts/1/target (account bob): the target has no \`user\``);
  assert.match(result.stderr, 'hint: set accounts[1].target.user, or defaults.target.user for every account');
  assert.not.match(result.stderr, '/accounts/0', 'alice has her own user');
  assert.not.ok(hasStackTrace(result.stderr));
});

const SECRET = 'hunter2-never-printed';

test('validate --print prints the evaluated manifest as JSON, secrets as their references', async () => {
  const file = folder.write('print.jsonnet', `local ms = import 'mailshift.libsonnet';
{
  apiVersion: 'mailshift/v1', name: 'printed',
  defaults: { source: ms.presets.dovecot('old.example'), target: ms.presets.dovecot('new.example') },
  accounts: [ms.account(u, u + '@acme.example') for u in ['alice', 'bob']],
  phases: [ms.phases.presync()],
}
`);
  const result = await runMailshift(['validate', '--print', file], { env: { ALICE_SOURCE_PW: SECRET, ALICE_TARGET_PW: SECRET } });
  assert.is(result.stderr, '');
  assert.is(result.code, 0);
  const printed = JSON.parse(result.stdout);
  assert.equal(printed.accounts.map((a: any) => a.id), ['alice', 'bob']);
  assert.equal(printed.accounts[0].source, { user: 'alice@acme.example', password: { env: 'ALICE_SOURCE_PW' } });
  assert.equal(printed.defaults.source, { host: 'old.example', port: 993, tls: 'implicit' });
  assert.is(printed.phases[0].name, 'presync');
  assert.not.match(result.stdout, SECRET);
  assert.not.match(result.stdout, `ok ${file}`, 'stdout is JSON only, ready for jq');
});

test('validate --print prints nothing of a manifest that holds a literal secret', async () => {
  const file = folder.write('print-literal.jsonnet', `${JSON.stringify(validManifest())} + { accounts: [super.accounts[0] + { source+: { password: std.extVar('PW') } }] }`);
  const result = await runMailshift(['validate', '--print', '--ext-str', 'PW', file], { env: { PW: SECRET } });
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(result.stderr, 'is a literal secret');
  assert.not.match(result.output, SECRET);
});

test.run();
