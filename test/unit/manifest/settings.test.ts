import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loginOf, mailboxOf } from '../../../src/manifest/login-name.ts';
import { normalise, schemaDefaults, sliceSettings } from '../../../src/manifest/settings.ts';
import type { ManifestInput } from '../../../src/manifest/types.ts';
import { validManifest } from '../../support/manifests.ts';

const build = (change: (m: any) => void = () => {}): ManifestInput => {
  const manifest = validManifest();
  change(manifest);
  return manifest as ManifestInput;
};

test('endpoint defaults come from the schema', () => {
  const { source } = normalise(build()).accounts[0]!;
  assert.equal(source, {
    host: 'imap.old.example',
    port: 993,
    tls: 'implicit',
    tlsVerify: true,
    allowPlaintext: false,
    user: 'alice@old.example',
    credential: { mechanism: 'PLAIN', password: { env: 'ALICE_OLD_PW' } },
    connections: 4,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 60,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  });
});

test('the port follows tls: 993 implicit, 143 starttls and none, explicit wins', () => {
  const settings = normalise(
    build((m) => {
      m.defaults.source.tls = 'starttls';
      m.defaults.target = { host: 'localhost', tls: 'none' };
      m.accounts.push({ ...m.accounts[0], id: 'bob', source: { ...m.accounts[0].source, port: 1143 } });
    }),
  );
  assert.is(settings.accounts[0]!.source.port, 143);
  assert.is(settings.accounts[0]!.target.port, 143);
  assert.is(settings.accounts[1]!.source.port, 1143);
});

test('account keys are merged over defaults, deeply', () => {
  const settings = normalise(
    build((m) => {
      m.defaults.target.connections = 8;
      m.accounts[0].target.connections = 2;
      m.accounts[0].target.host = 'other.example';
    }),
  );
  assert.is(settings.accounts[0]!.target.connections, 2);
  assert.is(settings.accounts[0]!.target.host, 'other.example');
});

test('XOAUTH2 endpoints carry an access token, not a password', () => {
  const settings = normalise(
    build((m) => {
      m.accounts[0].source = {
        user: 'a@gmail.com',
        auth: { mechanism: 'XOAUTH2', accessToken: { command: ['oauth2', 'token'] } },
      };
    }),
  );
  assert.equal(settings.accounts[0]!.source.credential, {
    mechanism: 'XOAUTH2',
    accessToken: { command: ['oauth2', 'token'] },
  });
});

test('XOAUTH2 endpoints with a token provider carry the provider, merged over defaults', () => {
  const settings = normalise(
    build((m) => {
      m.defaults.source.auth = {
        mechanism: 'XOAUTH2',
        oauth2: { provider: 'microsoft', tenant: 't', clientId: 'c', clientSecret: { env: 'S' } },
      };
      m.accounts[0].source = { user: 'alice@contoso.example', auth: { oauth2: { tenant: 'other' } } };
    }),
  );
  assert.equal(settings.accounts[0]!.source.credential, {
    mechanism: 'XOAUTH2',
    oauth2: { provider: 'microsoft', tenant: 'other', clientId: 'c', clientSecret: { env: 'S' } },
  });
});

test('a LOGIN mechanism keeps the password', () => {
  const settings = normalise(
    build((m) => {
      m.accounts[0].source.auth = { mechanism: 'LOGIN' };
    }),
  );
  assert.equal(settings.accounts[0]!.source.credential, { mechanism: 'LOGIN', password: { env: 'ALICE_OLD_PW' } });
});

test('an admin login: the admin is the user, the mailbox is authorizeAs, the admin password the credential', () => {
  const settings = normalise(
    build((m) => {
      m.defaults.target = { ...m.defaults.target, user: 'admin', password: { env: 'ADMIN_PW' } };
      m.accounts[0].target = { auth: { mechanism: 'PLAIN', authorizeAs: 'alice@new.example' } };
    }),
  );
  const target = settings.accounts[0]!.target;
  assert.equal([target.user, target.authorizeAs], ['admin', 'alice@new.example']);
  assert.equal(target.credential, { mechanism: 'PLAIN', password: { env: 'ADMIN_PW' } });
  assert.is(mailboxOf(target), 'alice@new.example');
  assert.is(loginOf(target), 'admin as alice@new.example');
});

test('without authorizeAs the login is the mailbox', () => {
  const { source } = normalise(build()).accounts[0]!;
  assert.is(mailboxOf(source), 'alice@old.example');
  assert.is(loginOf(source), 'alice@old.example');
});

test('phases: sync phases get every default, manual phases become gates', () => {
  const settings = normalise(
    build((m) => {
      m.phases.push({ name: 'switch-mx', manual: 'Switch MX', requires: ['presync'] });
      m.phases.push({
        name: 'drain',
        requires: ['switch-mx'],
        deleteSource: true,
        deleteTargetFolders: { only: '^Old/' },
      });
    }),
  );
  assert.equal(settings.phases, [
    {
      kind: 'sync',
      name: 'presync',
      description: null,
      requires: [],
      deleteTarget: true,
      deleteTargetFolders: false,
      deleteSource: false,
      expungeSource: 'end',
      justFolders: false,
    },
    { kind: 'manual', name: 'switch-mx', description: null, requires: ['presync'], instruction: 'Switch MX' },
    {
      kind: 'sync',
      name: 'drain',
      description: null,
      requires: ['switch-mx'],
      deleteTarget: false,
      deleteTargetFolders: { only: '^Old/', except: null },
      deleteSource: true,
      expungeSource: 'end',
      justFolders: false,
    },
  ]);
});

test('deleteTargetFolders: true means every folder, minus the built-in protections', () => {
  const settings = normalise(
    build((m) => {
      m.phases[0].deleteTargetFolders = true;
    }),
  );
  assert.equal((settings.phases[0] as any).deleteTargetFolders, { only: null, except: null });
});

test('a slice without overrides has the schema defaults for folders and messages', () => {
  const slice = sliceSettings(normalise(build()), 'alice', 'presync');
  assert.equal(slice.folders, schemaDefaults('folders'));
  assert.equal(slice.messages, schemaDefaults('messages'));
  assert.equal(slice.folders, {
    include: ['.*'],
    exclude: [],
    map: {},
    rename: [],
    automap: false,
    subfolder: null,
    skipEmpty: false,
    gmail: {
      labels: 'folders',
      priority: ['\\Inbox', '\\Sent', '\\Draft'],
      allMail: 'unlabelled',
      archiveFolder: 'Archive',
    },
  });
});

test('folders.gmail merges key by key over its default, per layer; priority replaces the list', () => {
  const settings = normalise(
    build((m) => {
      m.folders = { gmail: { labels: 'first', priority: ['Work'] } };
      m.accounts[0].folders = { gmail: { allMail: 'skip' } };
    }),
  );
  assert.equal(sliceSettings(settings, 'alice', 'presync').folders.gmail, {
    labels: 'first',
    priority: ['Work'],
    allMail: 'skip',
    archiveFolder: 'Archive',
  });
});

test('rule layers merge top-level, then account, then phase', () => {
  const settings = normalise(
    build((m) => {
      m.folders = { exclude: ['^Trash$'], automap: true, map: { 'Sent Messages': 'Sent' } };
      m.messages = { maxAgeDays: 30, useSize: true };
      m.accounts[0].folders = { exclude: ['^Trash$', '^Private$'], map: { Old: 'Archive/Old' } };
      m.accounts[0].messages = { maxAgeDays: 60 };
      m.phases.push({
        name: 'drain',
        folders: { include: ['^INBOX$'], skipEmpty: true },
        messages: { maxAgeDays: 1 },
        deleteSource: true,
      });
    }),
  );
  const presync = sliceSettings(settings, 'alice', 'presync');
  assert.equal(presync.folders.exclude, ['^Trash$', '^Private$']);
  assert.equal(presync.folders.map, { 'Sent Messages': 'Sent', Old: 'Archive/Old' });
  assert.is(presync.folders.automap, true);
  assert.is(presync.messages.maxAgeDays, 60);
  assert.is(presync.messages.useSize, true);
  const drain = sliceSettings(settings, 'alice', 'drain');
  assert.equal(drain.folders.include, ['^INBOX$']);
  assert.is(drain.folders.skipEmpty, true);
  assert.is(drain.messages.maxAgeDays, 1);
  assert.is(drain.phase.deleteSource, true);
});

test('an account-level subfolder is the same as folders.subfolder', () => {
  const settings = normalise(
    build((m) => {
      m.accounts.push({ ...m.accounts[0], id: 'bob', subfolder: 'Archive/bob' });
      m.accounts.push({ ...m.accounts[0], id: 'carol', folders: { subfolder: 'Archive/carol' } });
    }),
  );
  assert.is(sliceSettings(settings, 'alice', 'presync').folders.subfolder, null);
  assert.is(sliceSettings(settings, 'bob', 'presync').folders.subfolder, 'Archive/bob');
  assert.is(sliceSettings(settings, 'carol', 'presync').folders.subfolder, 'Archive/carol');
});

test('slices refuse unknown accounts and manual phases', () => {
  const settings = normalise(build((m) => m.phases.push({ name: 'gate', manual: 'x' })));
  assert.throws(() => sliceSettings(settings, 'nobody', 'presync'));
  assert.throws(() => sliceSettings(settings, 'alice', 'gate'));
});

test('schema defaults are fresh copies, so settings never share arrays', () => {
  const a = schemaDefaults('folders');
  (a.include as string[]).push('x');
  assert.equal(schemaDefaults('folders').include, ['.*']);
});

test.run();
