import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageRules, SyncPhase } from '../../../src/manifest/settings.ts';
import type { MessageSnapshot } from '../../../src/plan/snapshot.ts';
import { actionLines, agedMessage, folderPlan, message, planCase, type FolderSpec } from '../../support/snapshots.ts';

/** Plan one INBOX pair ('/' → '/') and give its actions as short lines. */
function inbox(
  source: MessageSnapshot[],
  target: MessageSnapshot[],
  rules: {
    messages?: Partial<MessageRules>;
    phase?: Partial<SyncPhase>;
    targetFolder?: Partial<FolderSpec>;
    appendLimit?: number;
  } = {},
) {
  const result = planCase({
    source: { layout: 'slash', folders: { INBOX: { messages: source } } },
    target: {
      layout: 'slash',
      folders: { INBOX: { messages: target, ...rules.targetFolder } },
      server: { appendLimit: rules.appendLimit ?? null },
    },
    messages: rules.messages,
    phase: rules.phase,
  });
  return {
    lines: actionLines(folderPlan(result.folders, 'INBOX')),
    plan: folderPlan(result.folders, 'INBOX'),
    warnings: result.warnings,
  };
}

const a = (uid: number, extra: Partial<MessageSnapshot> = {}) => message(uid, { identity: 'a', ...extra });

const cases: Array<{
  name: string;
  source: MessageSnapshot[];
  target: MessageSnapshot[];
  messages?: Partial<MessageRules>;
  phase?: Partial<SyncPhase>;
  expect: string[];
}> = [
  // Multiset matching.
  { name: 'duplicates 2 vs 1: one copy', source: [a(1), a(2)], target: [a(5)], expect: ['copy 2'] },
  { name: 'duplicates 1 vs 2: nothing without deleteTarget', source: [a(1)], target: [a(5), a(6)], expect: [] },
  {
    name: 'duplicates 1 vs 2 with deleteTarget: the higher target UID goes',
    source: [a(1)],
    target: [a(6), a(5)],
    phase: { deleteTarget: true },
    expect: ['deleteTarget 6'],
  },
  {
    name: 'duplicates 3 vs 0: three copies',
    source: [a(3), a(1), a(2)],
    target: [],
    expect: ['copy 1', 'copy 2', 'copy 3'],
  },
  {
    name: 'useSize: same headers, other size, is another message',
    source: [a(1, { size: 10 })],
    target: [a(5, { size: 11 })],
    messages: { useSize: true },
    phase: { deleteTarget: true },
    expect: ['copy 1', 'deleteTarget 5'],
  },
  {
    name: 'without useSize the size is ignored',
    source: [a(1, { size: 10 })],
    target: [a(5, { size: 11 })],
    phase: { deleteTarget: true },
    expect: [],
  },
  // Copies carry flags, never \Recent or \Deleted.
  {
    name: 'a copy carries its flags, sorted',
    source: [message(1, { flags: ['\\Seen', '$Label1', '\\Answered'] })],
    target: [],
    expect: ['copy 1 $Label1 \\Answered \\Seen'],
  },
  {
    name: 'a copy never carries \\Recent',
    source: [message(1, { flags: ['\\Recent', '\\Seen'] })],
    target: [],
    expect: ['copy 1 \\Seen'],
  },
  {
    name: 'a \\Deleted message copied (skipDeleted off) loses the flag',
    source: [message(1, { flags: ['\\Deleted', '\\Seen'] })],
    target: [],
    messages: { skipDeleted: false },
    expect: ['copy 1 \\Seen'],
  },
  {
    name: 'skipDeleted: \\Deleted source messages are not copied',
    source: [message(1, { flags: ['\\Deleted'] }), message(2)],
    target: [],
    expect: ['copy 2'],
  },
  // Flag sync.
  {
    name: 'setFlags adds and removes, by target UID',
    source: [message(1, { flags: ['\\Seen', '$Done'] }), message(2, { flags: [] })],
    target: [
      message(20, { identity: 'id-1', flags: ['\\Flagged'] }),
      message(10, { identity: 'id-2', flags: ['\\Seen'] }),
    ],
    expect: ['setFlags 10<2 -\\Seen', 'setFlags 20<1 +$Done +\\Seen -\\Flagged'],
  },
  {
    name: 'no setFlags when flags agree (case and order aside)',
    source: [message(1, { flags: ['\\SEEN', 'work'] })],
    target: [message(5, { identity: 'id-1', flags: ['Work', '\\Seen'] })],
    expect: [],
  },
  {
    name: 'no setFlags for \\Recent',
    source: [message(1, { flags: [] })],
    target: [message(5, { identity: 'id-1', flags: ['\\Recent'] })],
    expect: [],
  },
  {
    name: '\\Deleted is never synced',
    source: [message(1, { flags: ['\\Deleted', '\\Seen'] })],
    target: [message(5, { identity: 'id-1', flags: ['\\Seen'] })],
    messages: { skipDeleted: false },
    expect: [],
  },
  {
    name: 'syncFlags off: copies keep their flags, matched messages are left alone',
    source: [message(1, { flags: ['\\Seen'] }), message(2, { flags: ['\\Flagged'] })],
    target: [message(5, { identity: 'id-1' })],
    messages: { syncFlags: false },
    expect: ['copy 2 \\Flagged'],
  },
  // deleteTarget.
  {
    name: 'deleteTarget: messages only on the target go',
    source: [message(1)],
    target: [message(5, { identity: 'id-1' }), message(6, { identity: 'other' })],
    phase: { deleteTarget: true },
    expect: ['deleteTarget 6'],
  },
  { name: 'without deleteTarget, target-only messages stay', source: [], target: [message(6)], expect: [] },
  {
    name: 'a target message flagged \\Deleted is neither a copy nor deleted again',
    source: [message(1)],
    target: [message(5, { identity: 'id-1', flags: ['\\Deleted'] })],
    phase: { deleteTarget: true },
    expect: ['copy 1'],
  },
  // deleteSource (imapsync --delete1).
  {
    name: 'deleteSource: copies and messages already on the target, with the matched target UID',
    source: [message(1), message(2), message(3)],
    target: [message(7, { identity: 'id-2' })],
    phase: { deleteSource: true },
    expect: ['copy 1', 'copy 3', 'deleteSource 1>new', 'deleteSource 2>7', 'deleteSource 3>new'],
  },
  {
    name: 'deleteSource leaves skipped \\Deleted messages alone',
    source: [message(1, { flags: ['\\Deleted'] }), message(2)],
    target: [],
    phase: { deleteSource: true },
    expect: ['copy 2', 'deleteSource 2>new'],
  },
  // Windows on both sides.
  {
    name: 'maxAgeDays: older source messages are not copied',
    source: [agedMessage(1, 1), agedMessage(2, 40)],
    target: [],
    messages: { maxAgeDays: 30 },
    expect: ['copy 1'],
  },
  {
    name: 'maxAgeDays: older target messages are out of scope, never deleted',
    source: [agedMessage(1, 1)],
    target: [agedMessage(5, 40), agedMessage(6, 2)],
    messages: { maxAgeDays: 30 },
    phase: { deleteTarget: true },
    expect: ['copy 1', 'deleteTarget 6'],
  },
  {
    name: 'minAgeDays on both sides',
    source: [agedMessage(1, 1), agedMessage(2, 40)],
    target: [agedMessage(5, 2), agedMessage(6, 50)],
    messages: { minAgeDays: 30 },
    phase: { deleteTarget: true },
    expect: ['copy 2', 'deleteTarget 6'],
  },
  {
    name: 'age bounds are inclusive',
    source: [agedMessage(1, 30), agedMessage(2, 10)],
    target: [],
    messages: { maxAgeDays: 30, minAgeDays: 10 },
    expect: ['copy 1', 'copy 2'],
  },
  {
    name: 'size windows on both sides, bounds inclusive',
    source: [message(1, { size: 100 }), message(2, { size: 101 }), message(3, { size: 9 }), message(4, { size: 10 })],
    target: [message(5, { size: 500, identity: 'x' }), message(6, { size: 50, identity: 'y' })],
    messages: { maxSize: 100, minSize: 10 },
    phase: { deleteTarget: true },
    expect: ['copy 1', 'copy 4', 'deleteTarget 6'],
  },
  {
    name: 'deleteSource only within the windows',
    source: [agedMessage(1, 1), agedMessage(2, 40)],
    target: [],
    messages: { maxAgeDays: 30 },
    phase: { deleteSource: true },
    expect: ['copy 1', 'deleteSource 1>new'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.equal(inbox(c.source, c.target, { messages: c.messages, phase: c.phase }).lines, c.expect);
  });
}

test('targetMaxSize: larger messages are left out as too large for the target, never copied or deleted for it', () => {
  const { lines, plan } = inbox(
    [message(1, { size: 100 }), message(2, { size: 101 }), message(3, { size: 5000 })],
    [message(6, { size: 900, identity: 'y' })],
    { messages: { targetMaxSize: 100 }, phase: { deleteTarget: true } },
  );
  assert.equal(lines, ['copy 1']);
  assert.equal(plan.messagesLeftOut, { tooLarge: 2 });
});

test('targetMaxSize and maxSize: a message over both counts once, as too large for the target', () => {
  const { plan } = inbox([message(1, { size: 50 }), message(2, { size: 500 })], [], {
    messages: { targetMaxSize: 100, maxSize: 200 },
  });
  assert.equal(plan.messagesLeftOut, { tooLarge: 1 });
});

test('actions come in apply order: copy, setFlags, deleteTarget, deleteSource, each by UID', () => {
  const { lines } = inbox(
    [message(3), message(1, { flags: ['\\Seen'] }), message(2)],
    [message(9, { identity: 'id-1' }), message(8, { identity: 'gone' })],
    { phase: { deleteTarget: true, deleteSource: true } },
  );
  assert.equal(lines, [
    'copy 2',
    'copy 3',
    'setFlags 9<1 +\\Seen',
    'deleteTarget 8',
    'deleteSource 1>9',
    'deleteSource 2>new',
    'deleteSource 3>new',
  ]);
});

test('the copy action holds what apply needs: UID, size, date, flags, identity', () => {
  const { plan } = inbox(
    [message(4, { size: 4211, internalDate: '2025-01-02T03:04:05.000Z', flags: ['\\Seen'], identity: 'abc' })],
    [],
  );
  assert.equal(plan.actions, [
    { op: 'copy', uid: 4, size: 4211, internalDate: '2025-01-02T03:04:05.000Z', flags: ['\\Seen'], identity: 'abc' },
  ]);
});

test('deleteTarget names the identity it expects to delete', () => {
  const { plan } = inbox([], [message(5, { identity: 'zzz' })], { phase: { deleteTarget: true } });
  assert.equal(plan.actions, [{ op: 'deleteTarget', uid: 5, identity: 'zzz' }]);
});

test('unsupported keywords: left out, one warning per folder listing them', () => {
  const { lines, warnings } = inbox(
    [
      message(1, { flags: ['\\Seen', 'Work', '$Label1'] }),
      message(2, { flags: ['Work', 'Private'] }),
      message(3, { flags: ['Private'] }),
    ],
    [message(9, { identity: 'id-3' })],
    { targetFolder: { permanentFlags: ['\\Seen', '\\Answered', '$Label1'] } },
  );
  assert.equal(lines, ['copy 1 $Label1 \\Seen', 'copy 2']);
  assert.equal(
    warnings.map((w) => [w.code, w.account, w.folder]),
    [['KEYWORD_UNSUPPORTED', 'alice', 'INBOX']],
  );
  assert.match(warnings[0]!.message, '"Private", "Work" (the target folder\'s PERMANENTFLAGS do not allow them)');
});

test('keywords that are not IMAP atoms are left out with the same warning', () => {
  const { lines, warnings } = inbox([message(1, { flags: ['two words', 'ok'] })], []);
  assert.equal(lines, ['copy 1 ok']);
  assert.equal(
    warnings.map((w) => w.code),
    ['KEYWORD_UNSUPPORTED'],
  );
  assert.match(warnings[0]!.message, '"two words" (not valid IMAP keywords)');
});

test('\\* in PERMANENTFLAGS accepts new keywords', () => {
  const { lines, warnings } = inbox([message(1, { flags: ['Work'] })], [], {
    targetFolder: { permanentFlags: ['\\Seen', '\\*'] },
  });
  assert.equal(lines, ['copy 1 Work']);
  assert.equal(warnings, []);
});

test('HEADER_DIGEST_IDENTITY counts selected source messages without a Message-ID', () => {
  const { warnings } = inbox(
    [message(1, { hasMessageId: false }), message(2, { hasMessageId: false }), message(3)],
    [],
  );
  assert.equal(
    warnings.map((w) => w.code),
    ['HEADER_DIGEST_IDENTITY'],
  );
  assert.match(warnings[0]!.message, /^2 messages \(INBOX 2\): no Message-ID/);
  assert.match(warnings[0]!.message, 'messages.addMessageId');
});

test('HEADER_DIGEST_IDENTITY is one warning per account, naming each folder and its count', () => {
  const result = planCase({
    source: {
      layout: 'slash',
      folders: {
        INBOX: { messages: [message(1, { hasMessageId: false })] },
        Sent: { messages: [message(1, { hasMessageId: false }), message(2, { hasMessageId: false })] },
      },
    },
    target: { layout: 'slash', folders: ['INBOX', 'Sent'] },
  });
  const digest = result.warnings.filter((w) => w.code === 'HEADER_DIGEST_IDENTITY');
  assert.is(digest.length, 1);
  assert.is(digest[0]!.folder, undefined);
  assert.match(digest[0]!.message, /^3 messages \(INBOX 1, Sent 2\): no Message-ID/);
});

test('APPENDLIMIT: copies larger than the target accepts are counted', () => {
  const { lines, warnings } = inbox(
    [message(1, { size: 100 }), message(2, { size: 5000 }), message(3, { size: 7000 })],
    [],
    { appendLimit: 4096 },
  );
  assert.equal(lines, ['copy 1', 'copy 2', 'copy 3']);
  assert.equal(
    warnings.map((w) => w.code),
    ['APPENDLIMIT'],
  );
  assert.match(
    warnings[0]!.message,
    "2 messages are larger than the target's APPENDLIMIT of 4096 bytes (largest: 7000 bytes)",
  );
});

test('APPENDLIMIT: nothing to say when every copy fits', () => {
  assert.equal(inbox([message(1, { size: 4096 })], [], { appendLimit: 4096 }).warnings, []);
});

test.run();
