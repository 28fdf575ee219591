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

test.run();
