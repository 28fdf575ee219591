import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import { planAccount } from '../../../src/plan/planner.ts';
import {
  NOW,
  account,
  actionLines,
  agedMessage,
  folderPlan,
  message,
  planCase,
  slice,
  type SideSpec,
} from '../../support/snapshots.ts';

const slash = (folders: SideSpec['folders']): SideSpec => ({ layout: 'slash', folders });
const dot = (folders: SideSpec['folders']): SideSpec => ({ layout: 'dot', folders });

test('a first run: the whole folder plan, states included', () => {
  const result = planCase({
    source: slash({
      INBOX: { messages: [message(1, { flags: ['\\Seen'] }), message(2)], uidValidity: 7 },
      'Lists.Dev': { messages: [message(5)] },
    }),
    target: dot({ INBOX: { uidValidity: 9 } }),
  });
  assert.equal(result.errors, []);
  assert.equal(result.folders, [
    {
      source: 'INBOX',
      target: 'INBOX',
      mappedBy: 'inbox',
      sourceState: { uidValidity: 7, uidNext: 3, highestModseq: null, messages: 2 },
      targetState: { uidValidity: 9, uidNext: 1, highestModseq: null, messages: 0 },
      notes: [],
      actions: [
        {
          op: 'copy',
          uid: 1,
          size: 1000,
          internalDate: '2026-11-21T12:00:00.000Z',
          flags: ['\\Seen'],
          identity: 'id-1',
        },
        { op: 'copy', uid: 2, size: 1000, internalDate: '2026-11-21T12:00:00.000Z', flags: [], identity: 'id-2' },
      ],
    },
    {
      source: 'Lists.Dev',
      target: 'INBOX.Lists_Dev',
      mappedBy: 'structure',
      sourceState: { uidValidity: 1, uidNext: 6, highestModseq: null, messages: 1 },
      targetState: null,
      notes: ['"." in "Lists.Dev" became "_" (the target\'s hierarchy delimiter)'],
      actions: [
        { op: 'createFolder' },
        { op: 'subscribe' },
        { op: 'copy', uid: 5, size: 1000, internalDate: '2026-11-21T12:00:00.000Z', flags: [], identity: 'id-5' },
      ],
    },
  ]);
});

test('a re-plan of a migrated mailbox has no actions, but still shows every mapping', () => {
  const messages = [message(1, { flags: ['\\Seen'] }), message(2)];
  const result = planCase({
    source: slash({ INBOX: { messages }, Work: { messages } }),
    target: dot({ INBOX: { messages }, 'INBOX.Work': { messages } }),
  });
  assert.equal(
    result.folders.map((f) => [f.source, f.target, f.actions]),
    [
      ['INBOX', 'INBOX', []],
      ['Work', 'INBOX.Work', []],
    ],
  );
  assert.equal(result.warnings, []);
});

const subscriptions: Array<{ name: string; source: boolean; target: boolean | null; expect: string[] }> = [
  {
    name: 'subscribed on the source, created on the target: create and subscribe',
    source: true,
    target: null,
    expect: ['createFolder', 'subscribe'],
  },
  { name: 'not subscribed on the source, created: only create', source: false, target: null, expect: ['createFolder'] },
  { name: 'subscribed on both sides: nothing', source: true, target: true, expect: [] },
  { name: 'subscribed on the source only: subscribe', source: true, target: false, expect: ['subscribe'] },
  { name: 'subscribed on the target only: left alone', source: false, target: true, expect: [] },
];
for (const c of subscriptions) {
  test(`subscribe: ${c.name}`, () => {
    const target = c.target === null ? slash([]) : slash({ Work: { subscribed: c.target } });
    const result = planCase({ source: slash({ Work: { subscribed: c.source } }), target });
    assert.equal(actionLines(folderPlan(result.folders, 'Work')), c.expect);
  });
}

test('a \\Noselect placeholder on the target is created', () => {
  const result = planCase({
    source: slash({ Lists: { messages: [message(1)] } }),
    target: slash({ Lists: { selectable: false } }),
  });
  assert.equal(actionLines(folderPlan(result.folders, 'Lists')), ['createFolder', 'subscribe', 'copy 1']);
});

test('justFolders: only folder actions, with or without messages read', () => {
  for (const read of [true, false]) {
    const result = planCase({
      source: slash({ INBOX: { messages: [message(1)], read }, Work: { messages: [message(2)], read } }),
      target: slash({ INBOX: { messages: [message(9)], read } }),
      phase: { justFolders: true, deleteTarget: true, deleteSource: true },
    });
    assert.equal(
      result.folders.map((f) => actionLines(f)),
      [[], ['createFolder', 'subscribe']],
    );
    assert.equal(result.warnings, []);
  }
});

test('justFolders keeps the STATUS counts as the folder states', () => {
  const result = planCase({
    source: slash({ Work: { messages: [message(1), message(2)], read: false } }),
    target: slash([]),
    phase: { justFolders: true },
  });
  assert.equal(folderPlan(result.folders, 'Work').sourceState, {
    uidValidity: 1,
    uidNext: 3,
    highestModseq: null,
    messages: 2,
  });
});

test('skipEmpty: an empty source folder is not created, and says why', () => {
  const result = planCase({
    source: slash({ INBOX: { messages: [message(1)] }, Empty: {} }),
    target: slash(['INBOX']),
    folders: { skipEmpty: true },
  });
  const empty = folderPlan(result.folders, 'Empty');
  assert.equal(empty.actions, []);
  assert.equal(empty.notes, ['skipped: empty (skipEmpty)']);
  assert.is(empty.targetState, null);
});

test('skipEmpty: a folder whose messages are all outside the windows is empty', () => {
  const result = planCase({
    source: slash({ Old: { messages: [agedMessage(1, 400)] } }),
    target: slash([]),
    folders: { skipEmpty: true },
    messages: { maxAgeDays: 30 },
  });
  assert.equal(folderPlan(result.folders, 'Old').notes, ['skipped: empty (skipEmpty)']);
});

test('skipEmpty: a folder of only \\Deleted messages is empty when they are skipped', () => {
  const result = planCase({
    source: slash({ Bin: { messages: [message(1, { flags: ['\\Deleted'] })] } }),
    target: slash([]),
    folders: { skipEmpty: true },
  });
  assert.equal(actionLines(folderPlan(result.folders, 'Bin')), []);
});

test('skipEmpty: an empty folder whose target exists is planned as usual (extras deleted with deleteTarget)', () => {
  const result = planCase({
    source: slash({ Empty: {} }),
    target: slash({ Empty: { messages: [message(3)] } }),
    folders: { skipEmpty: true },
    phase: { deleteTarget: true },
  });
  const empty = folderPlan(result.folders, 'Empty');
  assert.equal(empty.notes, []);
  assert.equal(actionLines(empty), ['deleteTarget 3']);
});

test('skipEmpty: a folder with messages is created as usual', () => {
  const result = planCase({
    source: slash({ Full: { messages: [message(1)] } }),
    target: slash([]),
    folders: { skipEmpty: true },
  });
  assert.equal(actionLines(folderPlan(result.folders, 'Full')), ['createFolder', 'subscribe', 'copy 1']);
});

test('skipEmpty with justFolders goes by the STATUS count', () => {
  const result = planCase({
    source: slash({ Empty: { read: false }, Full: { messages: [message(1)], read: false } }),
    target: slash([]),
    folders: { skipEmpty: true },
    phase: { justFolders: true },
  });
  assert.equal(
    result.folders.map((f) => [f.source, actionLines(f)]),
    [
      ['Empty', []],
      ['Full', ['createFolder', 'subscribe']],
    ],
  );
});

test('a source folder that was not read gets no message actions and a warning', () => {
  const result = planCase({ source: slash({ Work: { messages: [message(1)], read: false } }), target: slash([]) });
  assert.equal(actionLines(folderPlan(result.folders, 'Work')), ['createFolder', 'subscribe']);
  assert.equal(
    result.warnings.map((w) => [w.code, w.account, w.folder]),
    [['FOLDER_NOT_READ', 'alice', 'Work']],
  );
});

test('an existing target folder that was not read gets no copies (they could be duplicates)', () => {
  const result = planCase({
    source: slash({ Work: { messages: [message(1)] } }),
    target: slash({ Work: { messages: [message(1)], read: false } }),
  });
  assert.equal(actionLines(folderPlan(result.folders, 'Work')), []);
  assert.equal(
    result.warnings.map((w) => w.code),
    ['FOLDER_NOT_READ'],
  );
  assert.match(result.warnings[0]!.message, 'target folder');
});

test('folders come by source name (code-unit order), then the target folders to delete', () => {
  const result = planCase({
    source: slash(['b', 'INBOX', 'a', 'Ä', 'B']),
    target: slash(['INBOX', 'zzz', 'old']),
    phase: { deleteTargetFolders: { only: null, except: null } },
  });
  assert.equal(
    result.folders.map((f) => f.source ?? `(delete ${f.target})`),
    ['B', 'INBOX', 'a', 'b', 'Ä', '(delete old)', '(delete zzz)'],
  );
});

test('mapping warnings and errors stay in the mapping; the planner reports its own', () => {
  const result = planCase({
    source: slash({ 'Lists.Dev': { messages: [message(1, { hasMessageId: false })] } }),
    target: dot([]),
  });
  assert.equal(
    result.mapping.warnings.map((w) => w.code),
    ['NAME_TRANSLATED'],
  );
  assert.equal(
    result.warnings.map((w) => w.code),
    ['HEADER_DIGEST_IDENTITY'],
  );
});

test('a mapping made from another listing is an internal error, not a crash', () => {
  const settings = slice();
  const mapping = mapFolders(account(slash(['INBOX', 'Gone']), slash([])), settings.folders);
  const snapshot = account(slash(['INBOX']), slash([]));
  const result = planAccount({
    accountId: 'alice',
    slice: settings,
    snapshot,
    mapping,
    now: NOW,
    uidMaps: {},
    cutover: null,
  });
  assert.equal(
    result.errors.map((e) => [e.code, e.location?.folder]),
    [['INTERNAL', 'Gone']],
  );
  assert.equal(
    result.folders.map((f) => f.source),
    ['INBOX'],
  );
});

test.run();
