import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRules } from '../../../src/manifest/rules.ts';
import type { ManifestInput } from '../../../src/manifest/types.ts';
import { validManifest } from '../../support/manifests.ts';

// Each case changes the valid manifest and lists the diagnostics it must produce, as "severity pointer".
const cases: Array<{ name: string; change: (m: any) => void; expect: string[] }> = [
  { name: 'the valid manifest has no problems', change: () => {}, expect: [] },
  {
    name: 'a second account into another mailbox is fine',
    change: (m) => m.accounts.push({ ...m.accounts[0], id: 'bob', target: { user: 'bob', password: { env: 'B' } } }),
    expect: [],
  },
  {
    name: 'same mailbox, explicit default port vs implied',
    change: (m) => {
      m.accounts.push({ ...m.accounts[0], id: 'bob', target: { ...m.accounts[0].target, port: 993 } });
    },
    expect: ['error /phases/0'],
  },
  {
    name: 'same mailbox, host differing only in case',
    change: (m) => {
      m.accounts.push({ ...m.accounts[0], id: 'bob', target: { ...m.accounts[0].target, host: 'IMAP.New.Example' } });
    },
    expect: ['error /phases/0'],
  },
  {
    name: 'same mailbox, separate subfolders, deleting messages and folders',
    change: (m) => {
      m.phases[0].deleteTargetFolders = true;
      m.accounts[0].subfolder = 'Shared/alice';
      m.accounts.push({ ...m.accounts[0], id: 'bob', subfolder: 'Shared/bob' });
    },
    expect: [],
  },
  {
    name: 'same mailbox, root and subfolder, deleting folders',
    change: (m) => {
      m.phases[0].deleteTargetFolders = true;
      m.accounts.push({ ...m.accounts[0], id: 'bob', subfolder: 'Archive/bob' });
    },
    expect: ['error /phases/0'],
  },
  {
    name: 'same mailbox, root and subfolder, deleting only messages',
    change: (m) => {
      m.accounts.push({ ...m.accounts[0], id: 'bob', subfolder: 'Archive/bob' });
    },
    expect: [],
  },
  {
    name: 'same mailbox, one subfolder inside the other, deleting folders',
    change: (m) => {
      m.phases[0].deleteTargetFolders = true;
      m.accounts[0].subfolder = 'Archive';
      m.accounts.push({ ...m.accounts[0], id: 'bob', subfolder: 'Archive.bob' });
    },
    expect: ['error /phases/0'],
  },
  {
    name: 'same mailbox without deletions is a merge, which is allowed',
    change: (m) => {
      m.phases[0].deleteTarget = false;
      m.accounts.push({ ...m.accounts[0], id: 'bob' });
    },
    expect: [],
  },
  {
    name: 'tls none on loopback needs no allowPlaintext',
    change: (m) => {
      m.defaults.source = { host: '127.0.0.1', tls: 'none' };
    },
    expect: [],
  },
  {
    name: 'tls none to a remote host with allowPlaintext',
    change: (m) => {
      m.defaults.source = { host: 'old.example', tls: 'none', allowPlaintext: true };
    },
    expect: [],
  },
  {
    name: 'tls none to localhost by name',
    change: (m) => {
      m.defaults.source = { host: 'localhost', tls: 'none' };
    },
    expect: [],
  },
  {
    name: 'XOAUTH2 with a password too',
    change: (m) => {
      m.accounts[0].source.auth = { mechanism: 'XOAUTH2', accessToken: { env: 'T' } };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'XOAUTH2 with a microsoft token provider is complete',
    change: (m) => {
      m.accounts[0].source = {
        user: 'alice@contoso.example',
        auth: {
          mechanism: 'XOAUTH2',
          oauth2: { provider: 'microsoft', tenant: 't', clientId: 'c', clientSecret: { env: 'S' } },
        },
      };
    },
    expect: [],
  },
  {
    name: 'an oauth2 provider in defaults serves every account',
    change: (m) => {
      m.defaults.target.auth = {
        mechanism: 'XOAUTH2',
        oauth2: { provider: 'google', serviceAccountKey: { file: 'sa.json' } },
      };
      delete m.accounts[0].target.password;
    },
    expect: [],
  },
  {
    name: 'XOAUTH2 with both accessToken and oauth2',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: {
          mechanism: 'XOAUTH2',
          accessToken: { env: 'T' },
          oauth2: { provider: 'google', serviceAccountKey: { env: 'K' } },
        },
      };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'microsoft needs exactly one of clientSecret and clientCertificate',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'microsoft', tenant: 't', clientId: 'c' } },
      };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'refresh without tokenUrl and refreshToken, with a key google takes',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'refresh', clientId: 'c', serviceAccountKey: { env: 'K' } } },
      };
    },
    expect: ['error /accounts/0/source', 'error /accounts/0/source', 'error /accounts/0/source'],
  },
  {
    name: 'an access token in clear text to a remote host',
    change: (m) => {
      m.defaults.source.tls = 'none';
      m.accounts[0].source = {
        user: 'a',
        auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'google', serviceAccountKey: { env: 'K' } } },
      };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'oauth2 with a password mechanism',
    change: (m) => {
      m.accounts[0].source.auth = {
        mechanism: 'PLAIN',
        oauth2: { provider: 'google', serviceAccountKey: { env: 'K' } },
      };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'an admin logging in for the user with PLAIN is fine',
    change: (m) => {
      m.accounts[0].target = {
        user: 'admin',
        password: { env: 'ADMIN_PW' },
        auth: { mechanism: 'PLAIN', authorizeAs: 'alice' },
      };
    },
    expect: [],
  },
  {
    name: 'authorizeAs with LOGIN',
    change: (m) => {
      m.accounts[0].target.auth = { mechanism: 'LOGIN', authorizeAs: 'alice' };
    },
    expect: ['error /accounts/0/target'],
  },
  {
    name: 'authorizeAs with XOAUTH2 (token and no password) is still refused',
    change: (m) => {
      m.accounts[0].source = {
        user: 'admin',
        auth: { mechanism: 'XOAUTH2', accessToken: { env: 'T' }, authorizeAs: 'alice' },
      };
    },
    expect: ['error /accounts/0/source'],
  },
  {
    name: 'one admin for two mailboxes of one target, deleting on it: separate mailboxes',
    change: (m) => {
      m.defaults.target = { ...m.defaults.target, user: 'admin', password: { env: 'ADMIN_PW' } };
      m.accounts[0].target = { auth: { mechanism: 'PLAIN', authorizeAs: 'alice' } };
      m.accounts.push({ ...m.accounts[0], id: 'bob', target: { auth: { mechanism: 'PLAIN', authorizeAs: 'bob' } } });
    },
    expect: [],
  },
  {
    name: 'one admin, the same mailbox twice, deleting on it',
    change: (m) => {
      m.defaults.target = { ...m.defaults.target, user: 'admin', password: { env: 'ADMIN_PW' } };
      m.accounts[0].target = { auth: { mechanism: 'PLAIN', authorizeAs: 'alice' } };
      m.accounts.push({ ...m.accounts[0], id: 'bob' });
    },
    expect: ['error /phases/0'],
  },
  {
    name: 'a password login to Microsoft 365 warns: basic auth is off there',
    change: (m) => {
      m.defaults.target = { ...m.defaults.target, host: 'outlook.office365.com' };
    },
    expect: ['warning /accounts/0/target'],
  },
  {
    name: 'a password login to Gmail warns',
    change: (m) => {
      m.defaults.source = { ...m.defaults.source, host: 'imap.gmail.com', maxBytesPerDay: 2_500_000_000 };
    },
    expect: ['warning /accounts/0/source'],
  },
  {
    name: 'OAuth2 to Gmail within its daily download does not warn',
    change: (m) => {
      m.defaults.source = { ...m.defaults.source, host: 'imap.gmail.com', maxBytesPerDay: 2_500_000_000 };
      m.accounts[0].source = {
        user: 'alice',
        auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'google', serviceAccountKey: { env: 'K' } } },
      };
    },
    expect: [],
  },
  {
    name: 'Gmail as a source without a daily byte budget warns',
    change: (m) => {
      m.defaults.source = { ...m.defaults.source, host: 'imap.gmail.com' };
      m.accounts[0].source = { user: 'alice', auth: { mechanism: 'XOAUTH2', accessToken: { env: 'T' } } };
    },
    expect: ['warning /accounts/0/source'],
  },
  {
    name: "Gmail as a target with the source's budget warns: it takes a fifth of that",
    change: (m) => {
      m.defaults.target = { ...m.defaults.target, host: 'imap.gmail.com', maxBytesPerDay: 2_500_000_000 };
      m.accounts[0].target = { user: 'alice', auth: { mechanism: 'XOAUTH2', accessToken: { env: 'T' } } };
    },
    expect: ['warning /accounts/0/target'],
  },
  {
    name: 'Gmail as a target within its daily upload does not warn',
    change: (m) => {
      m.defaults.target = { ...m.defaults.target, host: 'imap.gmail.com', maxBytesPerDay: 500_000_000 };
      m.accounts[0].target = { user: 'alice', auth: { mechanism: 'XOAUTH2', accessToken: { env: 'T' } } };
    },
    expect: [],
  },
  {
    name: 'expungeSource without deleteSource warns',
    change: (m) => {
      m.phases[0].expungeSource = 'each';
    },
    expect: ['warning /phases/0/expungeSource'],
  },
  {
    name: 'deleteTarget after a manual gate warns',
    change: (m) => {
      m.phases.push({ name: 'switch-mx', manual: 'Switch' }, { name: 'late', deleteTarget: true });
    },
    expect: ['warning /phases/2/deleteTarget'],
  },
  {
    name: 'requires itself',
    change: (m) => {
      m.phases[0].requires = ['presync'];
    },
    expect: ['error /phases/0/requires/0'],
  },
  {
    name: 'an age window in a phase that overrides the top level',
    change: (m) => {
      m.messages = { minAgeDays: 10 };
      m.phases.push({ name: 'recent', messages: { maxAgeDays: 1 } });
    },
    expect: ['error /phases/1/messages'],
  },
  {
    name: 'a phase can clear a window with null',
    change: (m) => {
      m.messages = { minAgeDays: 10 };
      m.phases.push({ name: 'recent', messages: { minAgeDays: null, maxAgeDays: 1 } });
    },
    expect: [],
  },
  {
    name: 'folders.gmail.priority: system labels in any case and their aliases, user labels as they are',
    change: (m) => {
      m.folders = {
        gmail: { labels: 'first', priority: ['INBOX', '\\sent', '\\Drafts', '\\Starred', 'Work', 'Muy Importante'] },
      };
    },
    expect: [],
  },
  {
    name: 'folders.gmail.priority: a backslash name that is no Gmail system label, at each layer',
    change: (m) => {
      m.folders = { gmail: { priority: ['\\Inbx'] } };
      m.accounts[0].folders = { gmail: { priority: ['Work', '\\Archive'] } };
      m.phases[0].folders = { gmail: { priority: ['\\Important'] } };
    },
    expect: ['error /folders/gmail/priority/0', 'error /accounts/0/folders/gmail/priority/1'],
  },
];

test('folders.gmail.priority: the error says which labels there are, and the closest', () => {
  const manifest = validManifest();
  (manifest as any).folders = { gmail: { priority: ['\\Inbx'] } };
  const [found] = checkRules('m.json', manifest as ManifestInput);
  assert.is(found?.message, 'folders.gmail.priority names "\\Inbx", which is not a Gmail system label');
  assert.match(found?.hint ?? '', /^did you mean "\\inbox"\? system labels are \\inbox \\sent/);
});

for (const c of cases) {
  test(c.name, () => {
    const manifest = validManifest();
    c.change(manifest);
    const found = checkRules('m.json', manifest as ManifestInput).map((d) => `${d.severity} ${d.location?.pointer}`);
    assert.equal(found, c.expect);
  });
}

test('authorizeAs with another mechanism than PLAIN says where and how to fix it', () => {
  const manifest = validManifest();
  manifest.accounts[0].target.auth = { mechanism: 'LOGIN', authorizeAs: 'alice' };
  const [found] = checkRules('m.json', manifest as ManifestInput);
  assert.is(found?.code, 'MANIFEST_RULE');
  assert.is(found?.location?.account, 'alice');
  assert.match(found!.message, 'the target logs in for "alice" (auth.authorizeAs), but auth.mechanism is LOGIN');
  assert.match(found!.hint!, "set accounts[0].target.auth.mechanism: 'PLAIN'");
  assert.match(found!.hint!, 'or remove accounts[0].target.auth.authorizeAs');
});

test.run();
