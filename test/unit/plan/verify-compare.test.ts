import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FolderRules, MessageRules, SyncPhase } from '../../../src/manifest/settings.ts';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import type { MessageSnapshot, UidMaps } from '../../../src/plan/snapshot.ts';
import {
  bodiesToHash,
  differenceCount,
  folderScope,
  verifyAccount,
  type BodyHashes,
  type Difference,
  type FolderVerification,
} from '../../../src/plan/verify-compare.ts';
import { account, agedMessage, message, NOW, slice, type FolderSpec, type SideSpec } from '../../support/snapshots.ts';

interface VerifyCase {
  source: SideSpec;
  target: SideSpec;
  folders?: Partial<FolderRules>;
  messages?: Partial<MessageRules>;
  phase?: Partial<SyncPhase>;
  bodies?: BodyHashes;
  uidMaps?: UidMaps;
}

/** Map and compare one account as the engine does. */
function verify(c: VerifyCase): FolderVerification[] {
  const snapshot = account(c.source, c.target);
  const settings = slice({ folders: c.folders, messages: c.messages, phase: c.phase });
  return verifyAccount({
    slice: settings,
    snapshot,
    mapping: mapFolders(snapshot, settings.folders),
    now: NOW,
    bodies: c.bodies ?? null,
    uidMaps: c.uidMaps ?? {},
  });
}

/** Compare one INBOX pair ('/' → '/'). */
function inbox(
  source: MessageSnapshot[],
  target: MessageSnapshot[],
  rules: Omit<VerifyCase, 'source' | 'target'> & { targetFolder?: Partial<FolderSpec> } = {},
): FolderVerification {
  const folders = verify({
    source: { layout: 'slash', folders: { INBOX: { messages: source } } },
    target: { layout: 'slash', folders: { INBOX: { messages: target, ...rules.targetFolder } } },
    ...rules,
  });
  return folders.find((folder) => folder.source === 'INBOX')!;
}

const a = (uid: number, extra: Partial<MessageSnapshot> = {}) => message(uid, { identity: 'a', ...extra });
/** A source message without Message-ID, and a copy of it that got one from addMessageId. */
const bare = (uid: number) =>
  message(uid, {
    identity: 'plain',
    hasMessageId: false,
    addedMessageId: { messageId: '<p@mailshift.invalid>', identity: 'added' },
  });
const copyOfBare = (uid: number, extra: Partial<MessageSnapshot> = {}) =>
  message(uid, { identity: 'added', size: 1040, ...extra });

const cases: Array<{
  name: string;
  source: MessageSnapshot[];
  target: MessageSnapshot[];
  rules?: Parameters<typeof inbox>[2];
  differences: Difference[];
  kept?: Difference[];
}> = [
  // Identity multisets.
  {
    name: 'the same messages, in any UID order, are equal',
    source: [message(1), message(2)],
    target: [message(8, { identity: 'id-2' }), message(9, { identity: 'id-1' })],
    differences: [],
  },
  {
    name: 'a source message not on the target is missing',
    source: [message(1), message(2)],
    target: [message(7, { identity: 'id-1' })],
    differences: [{ kind: 'missing', uids: [2] }],
  },
  {
    name: 'an extra target message without deleteTarget is kept, not a difference',
    source: [message(1)],
    target: [message(7, { identity: 'id-1' }), message(8)],
    differences: [],
    kept: [{ kind: 'extra', uids: [8] }],
  },
  {
    name: 'an extra target message with deleteTarget is a difference',
    source: [message(1)],
    target: [message(7, { identity: 'id-1' }), message(8)],
    rules: { phase: { deleteTarget: true } },
    differences: [{ kind: 'extra', uids: [8] }],
  },
  {
    name: 'duplicates 2 vs 1: the second source copy is missing',
    source: [a(1), a(2)],
    target: [a(5)],
    differences: [{ kind: 'missing', uids: [2] }],
  },
  {
    name: 'duplicates 1 vs 2 without deleteTarget: the higher target UID is a kept duplicate',
    source: [a(1)],
    target: [a(6), a(5)],
    differences: [],
    kept: [{ kind: 'duplicate', uids: [6] }],
  },
  {
    name: 'duplicates 1 vs 2 with deleteTarget: a duplicate difference',
    source: [a(1)],
    target: [a(6), a(5)],
    rules: { phase: { deleteTarget: true } },
    differences: [{ kind: 'duplicate', uids: [6] }],
  },
  {
    name: 'duplicates and extras are told apart',
    source: [a(1)],
    target: [a(5), a(6), message(7, { identity: 'b' })],
    rules: { phase: { deleteTarget: true } },
    differences: [
      { kind: 'extra', uids: [7] },
      { kind: 'duplicate', uids: [6] },
    ],
  },
  { name: 'duplicates 3 vs 3 are equal', source: [a(1), a(2), a(3)], target: [a(4), a(5), a(6)], differences: [] },
  {
    name: 'useSize: same headers, another size is missing and extra',
    source: [a(1, { size: 10 })],
    target: [a(5, { size: 11 })],
    rules: { messages: { useSize: true }, phase: { deleteTarget: true } },
    differences: [
      { kind: 'missing', uids: [1] },
      { kind: 'extra', uids: [5] },
    ],
  },
  {
    name: 'without useSize the size does not matter',
    source: [a(1, { size: 10 })],
    target: [a(5, { size: 11 })],
    differences: [],
  },
  // addMessageId.
  {
    name: 'a copy that got its Message-ID from addMessageId matches its source',
    source: [bare(1)],
    target: [copyOfBare(4)],
    differences: [],
  },
  {
    name: 'a copy without the added Message-ID matches on the plain identity',
    source: [bare(1)],
    target: [message(4, { identity: 'plain' })],
    differences: [],
  },
  {
    name: 'two added-Message-ID copies of one source message: a duplicate',
    source: [bare(1)],
    target: [copyOfBare(4), copyOfBare(5)],
    rules: { phase: { deleteTarget: true } },
    differences: [{ kind: 'duplicate', uids: [5] }],
  },
  // Selection: skipDeleted, target \Deleted, windows.
  {
    name: 'skipDeleted: a \\Deleted source message is not expected on the target',
    source: [message(1), message(2, { flags: ['\\Deleted'] })],
    target: [message(7, { identity: 'id-1' })],
    differences: [],
  },
  {
    name: 'skipDeleted off: a \\Deleted source message must be there',
    source: [message(1, { flags: ['\\Deleted'] })],
    target: [],
    rules: { messages: { skipDeleted: false } },
    differences: [{ kind: 'missing', uids: [1] }],
  },
  {
    name: 'a target message flagged \\Deleted is out of scope: its source is missing',
    source: [message(1)],
    target: [message(7, { identity: 'id-1', flags: ['\\Deleted'] })],
    rules: { phase: { deleteTarget: true } },
    differences: [{ kind: 'missing', uids: [1] }],
  },
  {
    name: 'maxAgeDays: old messages on either side are out of scope',
    source: [agedMessage(1, 1), agedMessage(2, 40)],
    target: [agedMessage(5, 1, { identity: 'id-1' }), agedMessage(6, 50)],
    rules: { messages: { maxAgeDays: 30 }, phase: { deleteTarget: true } },
    differences: [],
  },
  {
    name: 'minAgeDays: a recent target extra is out of scope, an old one is not',
    source: [agedMessage(1, 40)],
    target: [agedMessage(5, 40, { identity: 'id-1' }), agedMessage(6, 1), agedMessage(7, 60)],
    rules: { messages: { minAgeDays: 30 }, phase: { deleteTarget: true } },
    differences: [{ kind: 'extra', uids: [7] }],
  },
  {
    name: 'size windows apply to both sides',
    source: [message(1, { size: 100 }), message(2, { size: 5000 })],
    target: [message(5, { identity: 'id-1', size: 100 }), message(6, { size: 9000 })],
    rules: { messages: { maxSize: 1000 }, phase: { deleteTarget: true } },
    differences: [],
  },
  {
    name: 'a message too large for the target (targetMaxSize) is not missing there',
    source: [message(1, { size: 100 }), message(2, { size: 5000 })],
    target: [message(5, { identity: 'id-1', size: 100 })],
    rules: { messages: { targetMaxSize: 1000 } },
    differences: [],
  },
  // Flags.
  {
    name: 'flags of matched messages that differ, both ways',
    source: [message(1, { flags: ['\\Seen', '$Done'] })],
    target: [message(5, { identity: 'id-1', flags: ['\\Flagged'] })],
    differences: [
      {
        kind: 'flags',
        messages: [{ sourceUid: 1, targetUid: 5, sourceOnly: ['$Done', '\\Seen'], targetOnly: ['\\Flagged'] }],
      },
    ],
  },
  {
    name: 'flags compare case-insensitively and in any order',
    source: [message(1, { flags: ['\\SEEN', 'work'] })],
    target: [message(5, { identity: 'id-1', flags: ['Work', '\\Seen'] })],
    differences: [],
  },
  {
    name: '\\Recent never counts',
    source: [message(1)],
    target: [message(5, { identity: 'id-1', flags: ['\\Recent'] })],
    differences: [],
  },
  {
    name: '\\Deleted never counts (skipDeleted off)',
    source: [message(1, { flags: ['\\Deleted', '\\Seen'] })],
    target: [message(5, { identity: 'id-1', flags: ['\\Seen'] })],
    rules: { messages: { skipDeleted: false } },
    differences: [],
  },
  {
    name: 'a keyword the target folder cannot store does not count',
    source: [message(1, { flags: ['\\Seen', '$Label'] })],
    target: [message(5, { identity: 'id-1', flags: ['\\Seen'] })],
    rules: { targetFolder: { permanentFlags: ['\\Seen', '\\Flagged'] } },
    differences: [],
  },
  {
    name: 'a keyword the target lists in PERMANENTFLAGS counts',
    source: [message(1, { flags: ['$Label'] })],
    target: [message(5, { identity: 'id-1' })],
    rules: { targetFolder: { permanentFlags: ['\\Seen', '$Label'] } },
    differences: [
      { kind: 'flags', messages: [{ sourceUid: 1, targetUid: 5, sourceOnly: ['$Label'], targetOnly: [] }] },
    ],
  },
  {
    name: 'an invalid keyword no server can store does not count',
    source: [message(1, { flags: ['bad(word'] })],
    target: [message(5, { identity: 'id-1' })],
    differences: [],
  },
  {
    name: 'syncFlags off: flags are not compared',
    source: [message(1, { flags: ['\\Seen'] })],
    target: [message(5, { identity: 'id-1' })],
    rules: { messages: { syncFlags: false } },
    differences: [],
  },
  // Content.
  {
    name: 'equal bodies are no difference',
    source: [message(1)],
    target: [message(5, { identity: 'id-1' })],
    rules: { bodies: { source: { INBOX: new Map([[1, 'h1']]) }, target: { INBOX: new Map([[5, 'h1']]) } } },
    differences: [],
  },
  {
    name: 'another body under the same headers is a content difference',
    source: [message(1), message(2)],
    target: [message(5, { identity: 'id-1' }), message(6, { identity: 'id-2' })],
    rules: {
      bodies: {
        source: {
          INBOX: new Map([
            [1, 'h1'],
            [2, 'h2'],
          ]),
        },
        target: {
          INBOX: new Map([
            [5, 'h1'],
            [6, 'other'],
          ]),
        },
      },
    },
    differences: [{ kind: 'content', messages: [{ sourceUid: 2, targetUid: 6, source: 'h2', target: 'other' }] }],
  },
  {
    name: 'a body that could not be read is a content difference',
    source: [message(1)],
    target: [message(5, { identity: 'id-1' })],
    rules: { bodies: { source: { INBOX: new Map([[1, 'h1']]) }, target: { INBOX: new Map() } } },
    differences: [{ kind: 'content', messages: [{ sourceUid: 1, targetUid: 5, source: 'h1', target: null }] }],
  },
  // deleteSource: what is left is verified.
  {
    name: 'deleteSource: messages already moved off the source are kept extras, not differences',
    source: [message(3)],
    target: [message(5, { identity: 'id-1' }), message(6, { identity: 'id-2' }), message(7, { identity: 'id-3' })],
    rules: { phase: { deleteSource: true } },
    differences: [],
    kept: [{ kind: 'extra', uids: [5, 6] }],
  },
  {
    name: 'deleteSource: a message left on the source must be on the target',
    source: [message(3)],
    target: [],
    rules: { phase: { deleteSource: true } },
    differences: [{ kind: 'missing', uids: [3] }],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const folder = inbox(c.source, c.target, c.rules);
    assert.equal(folder.differences, c.differences);
    assert.equal(folder.kept, c.kept ?? []);
  });
}

test('each folder reports the messages in scope on both sides', () => {
  const folder = inbox(
    [message(1), message(2, { flags: ['\\Deleted'] })],
    [message(5, { identity: 'id-1' }), message(6, { flags: ['\\Deleted'] }), message(7)],
  );
  assert.equal(folder.messages, { source: 1, target: 2 });
});

test('folders are mapped as the planner maps them: dot target, translated names, automap', () => {
  const folders = verify({
    source: {
      layout: 'slash',
      folders: {
        INBOX: { messages: [message(1)] },
        'Lists.Dev': { messages: [message(2)] },
        Sent: { specialUse: '\\Sent', messages: [message(3)] },
      },
    },
    target: {
      layout: 'dot',
      folders: {
        INBOX: { messages: [message(11, { identity: 'id-1' })] },
        'INBOX.Lists_Dev': { messages: [message(12, { identity: 'id-2' })] },
        'INBOX.Sent Items': { specialUse: '\\Sent', messages: [message(13, { identity: 'id-3' })] },
      },
    },
    folders: { automap: true },
  });
  assert.equal(
    folders.map((f) => [f.source, f.target, f.mappedBy, f.differences]),
    [
      ['INBOX', 'INBOX', 'inbox', []],
      ['Lists.Dev', 'INBOX.Lists_Dev', 'structure', []],
      ['Sent', 'INBOX.Sent Items', 'automap', []],
    ],
  );
});

test('a missing target folder is one difference that counts as its source messages', () => {
  const folders = verify({
    source: { layout: 'slash', folders: { INBOX: {}, Notes: { messages: [message(1), message(2)] } } },
    target: { layout: 'dot', folders: ['INBOX'] },
  });
  const notes = folders.find((f) => f.source === 'Notes')!;
  assert.equal(notes.differences, [{ kind: 'missingFolder', messages: 2 }]);
  assert.equal(notes.messages, { source: 2, target: null });
  assert.is(differenceCount(notes.differences[0]!), 2);
});

test('a missing empty folder is a difference, unless skipEmpty leaves it out', () => {
  const c = {
    source: { layout: 'slash' as const, folders: ['INBOX', 'Empty'] },
    target: { layout: 'slash' as const, folders: ['INBOX'] },
  };
  assert.equal(verify(c).find((f) => f.source === 'Empty')!.differences, [{ kind: 'missingFolder', messages: 0 }]);
  assert.equal(verify({ ...c, folders: { skipEmpty: true } }).find((f) => f.source === 'Empty')!.differences, []);
});

test('a \\Noselect target folder of that name cannot hold the messages: missing', () => {
  const folders = verify({
    source: { layout: 'slash', folders: { Notes: { messages: [message(1)] } } },
    target: { layout: 'slash', folders: { INBOX: {}, Notes: { selectable: false } } },
  });
  assert.equal(folders.find((f) => f.source === 'Notes')!.differences, [{ kind: 'missingFolder', messages: 1 }]);
});

test('excluded folders are not compared', () => {
  const folders = verify({
    source: { layout: 'slash', folders: { INBOX: {}, Spam: { messages: [message(1)] } } },
    target: { layout: 'slash', folders: ['INBOX'] },
    folders: { exclude: ['^Spam$'] },
  });
  assert.equal(
    folders.map((f) => f.source),
    ['INBOX'],
  );
});

test('deleteTargetFolders: a target folder the phase would delete is a difference; special-use ones are not', () => {
  const c = {
    source: { layout: 'slash' as const, folders: ['INBOX'] },
    target: {
      layout: 'dot' as const,
      folders: {
        INBOX: {},
        'INBOX.Stale': { messages: [message(1), message(2)] },
        'INBOX.Trash': { specialUse: '\\Trash' as const },
      },
    },
  };
  const extra = verify({ ...c, phase: { deleteTargetFolders: { only: null, except: null } } }).filter(
    (f) => f.source === null,
  );
  assert.equal(
    extra.map((f) => [f.target, f.differences]),
    [['INBOX.Stale', [{ kind: 'extraFolder', messages: 2 }]]],
  );
  assert.equal(
    verify(c).filter((f) => f.source === null),
    [],
    'without deleteTargetFolders target-only folders are not differences',
  );
});

test('justFolders: only folder existence is verified', () => {
  const folders = verify({
    source: { layout: 'slash', folders: { INBOX: { messages: [message(1)] }, Notes: { read: false } } },
    target: { layout: 'slash', folders: { INBOX: { messages: [] } } },
    phase: { justFolders: true },
  });
  assert.equal(
    folders.map((f) => [f.source, f.differences]),
    [
      ['INBOX', []],
      ['Notes', [{ kind: 'missingFolder', messages: 0 }]],
    ],
  );
  assert.match(folders[0]!.notes.join(), 'justFolders');
});

test('bodiesToHash asks for the matched messages only, added-Message-ID copies without it', () => {
  const snapshot = account(
    { layout: 'slash', folders: { INBOX: { messages: [message(1), bare(2), message(3)] } } },
    {
      layout: 'slash',
      folders: { INBOX: { messages: [message(7, { identity: 'id-1' }), copyOfBare(8), message(9)] } },
    },
  );
  const rules = slice();
  const [pair] = mapFolders(snapshot, rules.folders).pairs;
  const scope = folderScope(
    pair!,
    snapshot.sourceFolders.INBOX!,
    snapshot.targetFolders.INBOX!,
    rules.messages,
    NOW,
    {},
  );
  assert.equal(bodiesToHash(scope), {
    source: { uids: [1, 2], withoutMessageId: [2] },
    target: { uids: [7, 8], withoutMessageId: [8] },
  });
});

test("identity 'uid': verify pairs messages through the UID map as the planner does, and by headers once the map no longer fits", () => {
  const compare = (targetUidValidity: number) =>
    verify({
      source: { layout: 'slash', folders: { INBOX: { messages: [message(1), message(2)], uidValidity: 100 } } },
      target: {
        layout: 'slash',
        folders: {
          INBOX: {
            messages: [message(50, { identity: 'rewritten' }), message(51, { identity: 'id-2' })],
            uidValidity: targetUidValidity,
          },
        },
      },
      messages: { identity: 'uid' },
      phase: { deleteTarget: true },
      uidMaps: { INBOX: { sourceUidValidity: 100, target: 'INBOX', targetUidValidity: 200, pairs: [[1, 50]] } },
    })[0]!.differences;
  assert.equal(compare(200), []);
  assert.equal(compare(201), [
    { kind: 'missing', uids: [1] },
    { kind: 'extra', uids: [50] },
  ]);
});

test('differenceCount counts messages, and folders once', () => {
  assert.is(differenceCount({ kind: 'extraFolder', messages: 9 }), 1);
  assert.is(differenceCount({ kind: 'missingFolder', messages: 0 }), 1);
  assert.is(differenceCount({ kind: 'missing', uids: [1, 2, 3] }), 3);
  assert.is(
    differenceCount({ kind: 'flags', messages: [{ sourceUid: 1, targetUid: 2, sourceOnly: [], targetOnly: ['x'] }] }),
    1,
  );
});

test.run();
