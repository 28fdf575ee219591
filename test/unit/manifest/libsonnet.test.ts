import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readManifest } from '../../../src/manifest/read.ts';
import { manifestFolder } from '../../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

async function evaluate(body: string): Promise<any> {
  const file = folder.write('cutover.jsonnet', `local ms = import 'mailshift.libsonnet';\n${body}\n`);
  return readManifest(file);
}

test('the standard cutover is four phases in order, and validates', async () => {
  const result = await evaluate(`{
    apiVersion: 'mailshift/v1', name: 'lib',
    defaults: { source: ms.presets.courier('old.example'), target: ms.presets.dovecot('new.example') },
    accounts: [ms.account('alice', 'alice@example.com')],
    phases: ms.phases.cutover(instruction='Point MX at new.example'),
  }`);
  assert.equal(result.diagnostics, []);
  assert.equal(
    result.settings.phases.map((p: any) => [p.name, p.kind, p.requires]),
    [
      ['presync', 'sync', []],
      ['final', 'sync', ['presync']],
      ['switch-mx', 'manual', ['final']],
      ['drain-source', 'sync', ['switch-mx']],
    ],
  );
  assert.is(result.settings.phases[2].instruction, 'Point MX at new.example');
  const drain = result.settings.phases[3];
  assert.equal([drain.deleteSource, drain.expungeSource, drain.deleteTarget], [true, 'end', false]);
  assert.equal(result.manifest.phases[3].messages, { maxAgeDays: 1 });
});

test('account ids become environment variable names; presets evaluate as documented', async () => {
  const file = folder.write(
    'values.jsonnet',
    `local ms = import 'mailshift.libsonnet';
    { a: ms.account('j.doe+x@acme.example', 'j').source.password.env, b: ms.envName('1st'), gmail: ms.presets.gmail, trash: ms.folders.skipTrashAndSpam.exclude[0] }`,
  );
  const { evaluateJsonnet } = await import('../../../src/manifest/jsonnet.ts');
  const result = await evaluateJsonnet(file, { strings: {}, code: {} });
  assert.ok('json' in result);
  const value = JSON.parse((result as { json: string }).json);
  assert.is(value.a, 'J_DOE_X_ACME_EXAMPLE_SOURCE_PW');
  assert.is(value.b, '_1ST');
  assert.equal(value.gmail, {
    host: 'imap.gmail.com',
    port: 993,
    tls: 'implicit',
    connections: 2,
    maxBytesPerDay: 2500 * 1000 * 1000,
  });
  const trash = new RegExp(value.trash);
  for (const name of ['Trash', 'INBOX.Trash', 'INBOX/Junk E-mail', 'Deleted Items', 'Spam'])
    assert.ok(trash.test(name), name);
  for (const name of ['INBOX', 'Trash/2024', 'Projects.Trash']) assert.not.ok(trash.test(name), name);
});

test('provider presets: Microsoft 365 and Gmail targets with their OAuth2 providers, size limits and Files', async () => {
  const result = await evaluate(`{
    apiVersion: 'mailshift/v1', name: 'lib',
    defaults: {
      source: ms.presets.gmail + ms.oauth2.google({ file: 'sa.json' }),
      target: ms.presets.office365 + ms.oauth2.microsoft('contoso.onmicrosoft.com', 'app', { env: 'M365_SECRET' }),
    },
    accounts: [{ id: 'alice', source: { user: 'alice@old.example' }, target: { user: 'alice@contoso.example' } }],
    folders: ms.folders.office365Target,
    messages: ms.messages.office365Target,
    phases: [ms.phases.presync()],
  }`);
  assert.equal(result.diagnostics, []);
  const [account] = result.settings.accounts;
  assert.equal(account.source.credential.oauth2, { provider: 'google', serviceAccountKey: { file: 'sa.json' } });
  assert.equal(account.target.credential.oauth2, {
    provider: 'microsoft',
    tenant: 'contoso.onmicrosoft.com',
    clientId: 'app',
    clientSecret: { env: 'M365_SECRET' },
  });
  assert.equal(result.manifest.messages, { targetMaxSize: 35 * 1024 * 1024 });
  const rename = result.manifest.folders.rename[0];
  assert.equal(
    ['Files', 'Files/2024', 'Filesystem', 'INBOX'].map((name) =>
      name.replace(new RegExp(rename.match), rename.replace),
    ),
    ['Files (migrated)', 'Files (migrated)/2024', 'Filesystem', 'INBOX'],
  );
  const { evaluateJsonnet } = await import('../../../src/manifest/jsonnet.ts');
  const file = folder.write('gmail.jsonnet', "local ms = import 'mailshift.libsonnet'; ms.messages.gmailTarget");
  const gmail = await evaluateJsonnet(file, { strings: {}, code: {} });
  assert.equal(JSON.parse((gmail as { json: string }).json), { targetMaxSize: 25 * 1024 * 1024 });
});

test('Gmail presets carry its daily bandwidth: 2,500 MB down as a source, 500 MB up as a target, and validate is quiet', async () => {
  const result = await evaluate(`{
    apiVersion: 'mailshift/v1', name: 'lib',
    defaults: {
      source: ms.presets.gmail + ms.oauth2.google({ file: 'sa.json' }),
      target: ms.presets.gmailTarget + ms.oauth2.google({ file: 'sa-new.json' }),
    },
    accounts: [{ id: 'alice', source: { user: 'alice@old.example' }, target: { user: 'alice@new.example' } }],
    messages: ms.messages.gmailTarget,
    phases: [ms.phases.presync()],
  }`);
  assert.equal(result.diagnostics, []);
  const [account] = result.settings.accounts;
  assert.is(account.source.maxBytesPerDay, 2500 * 1000 * 1000);
  assert.is(account.target.maxBytesPerDay, 500 * 1000 * 1000);
  assert.is(account.target.host, 'imap.gmail.com');
});

test('ms.adminLogin: one admin credential, and each account a line naming its mailbox', async () => {
  const result = await evaluate(`local asAdmin = ms.adminLogin('migration', { env: 'MIGRATION_ADMIN_PW' });
  {
    apiVersion: 'mailshift/v1', name: 'lib',
    defaults: { source: ms.presets.courier('old.example'), target: ms.presets.dovecot('new.example') },
    accounts: [
      { id: u, source: { user: u, password: { file: u + '.pw' } }, target: asAdmin(u + '@new.example') }
      for u in ['alice', 'bob']
    ],
    phases: [{ name: 'presync' }],
  }`);
  assert.equal(result.diagnostics, []);
  assert.equal(result.manifest.accounts[1].target, {
    user: 'migration',
    password: { env: 'MIGRATION_ADMIN_PW' },
    auth: { mechanism: 'PLAIN', authorizeAs: 'bob@new.example' },
  });
  assert.equal(
    result.settings.accounts.map((a: any) => [a.target.user, a.target.authorizeAs, a.target.credential.password.env]),
    [
      ['migration', 'alice@new.example', 'MIGRATION_ADMIN_PW'],
      ['migration', 'bob@new.example', 'MIGRATION_ADMIN_PW'],
    ],
  );
});

test('ms.adminLogin refuses a literal password with a hint', async () => {
  const result = await evaluate(`{ t: ms.adminLogin('migration', 'hunter2')('alice') }`);
  assert.match(result.diagnostics.map((d: any) => d.message).join('\n'), 'as a secret reference');
  assert.not.match(JSON.stringify(result.diagnostics), 'hunter2');
});

test.run();
