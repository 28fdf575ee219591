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

test('a CSV with Windows line endings split by hand fails validate, naming the account, row and key', async () => {
  folder.write('users-crlf.csv', 'id,user\r\nalice,alice@acme.example\r\nbob,bob@acme.example\r\n');
  const file = folder.write(
    'hand-csv.jsonnet',
    `local lines = std.filter(function(l) l != '', std.split(importstr 'users-crlf.csv', '\\n'));
local rows = [std.split(l, ',') for l in lines[1:]];
{
  apiVersion: 'mailshift/v1', name: 'hand-csv',
  defaults: { source: { host: 'old.example' }, target: { host: 'new.example' } },
  accounts: [{ id: r[0], source: { user: r[1], password: { env: 'PW' } }, target: self.source } for r in rows],
  phases: [{ name: 'presync' }],
}
`,
  );
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(
    result.stderr,
    `error: ${file} /accounts/0/source/user (account alice): \`source.user\` of account "alice" (accounts[0], row 1 of the accounts) ends with a carriage return (CR, "\\r"): "alice@acme.example\\r"`,
  );
  assert.match(result.stderr, '/accounts/1/source/user (account bob)');
  assert.match(result.stderr, 'ms.csv(importstr');
  assert.not.ok(result.stderr.includes('\r'), 'the raw character is never printed');
});

test('control characters in ids and hosts are rejected with the key named, not as "the wrong form"', async () => {
  const manifest = validManifest();
  manifest.accounts[0].id = 'alice\r';
  manifest.defaults.target.host = 'imap.new\t.example';
  manifest.accounts[0].target.user = '\u0000alice';
  const file = folder.write('control.json', manifest);
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.match(
    result.stderr,
    `${file} /accounts/0/id: \`id\` of account "alice\\r" (accounts[0], row 1 of the accounts) ends with a carriage return`,
  );
  assert.not.match(result.stderr, 'wrong form');
  assert.match(
    result.stderr,
    `${file} /defaults/target/host: \`defaults.target.host\` contains a tab ("\\t") at character 9: "imap.new\\t.example"`,
  );
  assert.match(
    result.stderr,
    '`target.user` of account "alice\\r" (accounts[0], row 1 of the accounts) starts with a NUL',
  );
  assert.not.ok(/[\u0000\t\r]/.test(result.stderr), 'no raw control character is printed');
});

const SECRET = 'hunter2-never-printed';

test('validate --print prints the evaluated manifest as JSON, secrets as their references', async () => {
  const file = folder.write(
    'print.jsonnet',
    `local ms = import 'mailshift.libsonnet';
{
  apiVersion: 'mailshift/v1', name: 'printed',
  defaults: { source: ms.presets.dovecot('old.example'), target: ms.presets.dovecot('new.example') },
  accounts: [ms.account(u, u + '@acme.example') for u in ['alice', 'bob']],
  phases: [ms.phases.presync()],
}
`,
  );
  const result = await runMailshift(['validate', '--print', file], {
    env: { ALICE_SOURCE_PW: SECRET, ALICE_TARGET_PW: SECRET },
  });
  assert.is(result.stderr, '');
  assert.is(result.code, 0);
  const printed = JSON.parse(result.stdout);
  assert.equal(
    printed.accounts.map((a: any) => a.id),
    ['alice', 'bob'],
  );
  assert.equal(printed.accounts[0].source, { user: 'alice@acme.example', password: { env: 'ALICE_SOURCE_PW' } });
  assert.equal(printed.defaults.source, { host: 'old.example', port: 993, tls: 'implicit' });
  assert.is(printed.phases[0].name, 'presync');
  assert.not.match(result.stdout, SECRET);
  assert.not.match(result.stdout, `ok ${file}`, 'stdout is JSON only, ready for jq');
});

test('validate --print prints nothing of a manifest that holds a literal secret', async () => {
  const file = folder.write(
    'print-literal.jsonnet',
    `${JSON.stringify(validManifest())} + { accounts: [super.accounts[0] + { source+: { password: std.extVar('PW') } }] }`,
  );
  const result = await runMailshift(['validate', '--print', '--ext-str', 'PW', file], { env: { PW: SECRET } });
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(result.stderr, 'is a literal secret');
  assert.not.match(result.output, SECRET);
});

test.run();
