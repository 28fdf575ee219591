import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import { planAccount } from '../../../src/plan/planner.ts';
import type { AccountSnapshot, FolderSnapshot, MessageSnapshot, UidMaps } from '../../../src/plan/snapshot.ts';
import { NOW, account, agedMessage, message, slice } from '../../support/snapshots.ts';

// A mailbox that exercises every rule at once: mapping, windows, duplicates, flags, keywords,
// deletions on both levels, a UID map.
function mailbox(): AccountSnapshot {
  return account(
    {
      layout: 'slash',
      folders: {
        INBOX: {
          uidValidity: 10,
          messages: [
            message(1, { flags: ['\\Seen', 'Work', '$Label1'] }),
            message(2, { identity: 'dup' }),
            message(3, { identity: 'dup' }),
            agedMessage(4, 90),
            message(5, { hasMessageId: false, flags: ['\\Deleted'] }),
          ],
        },
        'Sent Items': {
          specialUse: '\\Sent',
          messages: [message(10, { flags: ['\\Seen'] }), message(11, { flags: ['\\Answered', '\\Seen'] })],
        },
        'Lists.Dev': { messages: [message(20)] },
        'Lists/Ops': { messages: [message(21, { size: 9_000_000 })] },
        Trash: { messages: [message(30)] },
        Empty: {},
      },
    },
    {
      layout: 'dot',
      server: { appendLimit: 5_000_000 },
      folders: {
        INBOX: {
          uidValidity: 20,
          permanentFlags: ['\\Seen', '\\Answered', '\\Flagged', '$Label1'],
          messages: [
            message(101, { identity: 'id-1', flags: ['\\Flagged'] }),
            message(102, { identity: 'dup' }),
            message(103, { identity: 'stray' }),
          ],
        },
        'INBOX.Sent': { specialUse: '\\Sent', messages: [message(110, { identity: 'id-10' })] },
        'INBOX.Old': {},
        'INBOX.Old.Deeper': {},
        'INBOX.Trash': {},
      },
    },
  );
}

const rules = slice({
  folders: { automap: true, exclude: ['^Trash$'], skipEmpty: true, rename: [{ match: '^Lists/', replace: 'Lists/' }] },
  messages: { identity: 'uid', maxAgeDays: 60, addMessageId: true, skipDeleted: false },
  phase: { deleteTarget: true, deleteTargetFolders: { only: null, except: null } },
});
const uidMaps: UidMaps = {
  INBOX: {
    sourceUidValidity: 10,
    target: 'INBOX',
    targetUidValidity: 20,
    pairs: [
      [1, 101],
      [2, 102],
    ],
  },
};

function plan(snapshot: AccountSnapshot, maps: UidMaps = uidMaps) {
  const mapping = mapFolders(snapshot, rules.folders);
  return {
    mapping,
    ...planAccount({ accountId: 'alice', slice: rules, snapshot, mapping, now: NOW, uidMaps: maps, cutover: null }),
  };
}

/** The same mailbox with every list and record in another order. */
function shuffled(snapshot: AccountSnapshot): AccountSnapshot {
  const reorder = <T>(list: readonly T[]): T[] => [...list.slice(1), ...list.slice(0, 1)].reverse();
  const messages = (list: MessageSnapshot[]) => reorder(list).map((m) => ({ ...m, flags: reorder(m.flags) }));
  const folders = (record: Record<string, FolderSnapshot>) =>
    Object.fromEntries(
      reorder(Object.entries(record)).map(([name, folder]) => [
        name,
        { ...folder, messages: messages(folder.messages) },
      ]),
    );
  return {
    source: { ...snapshot.source, folders: reorder(snapshot.source.folders) },
    target: { ...snapshot.target, folders: reorder(snapshot.target.folders) },
    sourceFolders: folders(snapshot.sourceFolders),
    targetFolders: folders(snapshot.targetFolders),
  };
}

test('the scenario plans something in every category (so the checks below mean something)', () => {
  const result = plan(mailbox());
  const ops = new Set(result.folders.flatMap((f) => f.actions.map((a) => a.op)));
  assert.equal([...ops].sort(), ['copy', 'createFolder', 'deleteFolder', 'deleteTarget', 'setFlags', 'subscribe']);
  assert.equal(result.errors, []);
  assert.ok(result.warnings.length >= 3);
});

test('the same inputs twice give deep-equal results', () => {
  assert.equal(plan(mailbox()), plan(mailbox()));
});

test('inputs in another order give the same result', () => {
  assert.equal(plan(shuffled(mailbox())), plan(mailbox()));
  assert.equal(plan(shuffled(shuffled(mailbox()))), plan(mailbox()));
});

test('UID map pairs in another order give the same result', () => {
  const reversed: UidMaps = { INBOX: { ...uidMaps.INBOX!, pairs: [...uidMaps.INBOX!.pairs].reverse() } };
  assert.equal(plan(mailbox(), reversed), plan(mailbox()));
});

test('map rules in another key order give the same result', () => {
  const snapshot = account({ layout: 'slash', folders: ['A', 'B', 'C'] }, { layout: 'slash', folders: [] });
  const one = slice({ folders: { map: { A: 'x', B: 'y', C: 'x' } } });
  const two = slice({ folders: { map: { C: 'x', B: 'y', A: 'x' } } });
  assert.equal(mapFolders(snapshot, two.folders), mapFolders(snapshot, one.folders));
});

test('the result is plain JSON: nothing undefined, nothing lost in a round trip', () => {
  const result = plan(mailbox());
  assert.equal(JSON.parse(JSON.stringify(result)), result);
});

test('the inputs are not modified', () => {
  const snapshot = mailbox();
  const before = JSON.stringify(snapshot);
  plan(snapshot);
  assert.is(JSON.stringify(snapshot), before);
});

test('flag lists inside actions are sorted', () => {
  for (const folder of plan(shuffled(mailbox())).folders) {
    for (const action of folder.actions) {
      const lists = action.op === 'copy' ? [action.flags] : action.op === 'setFlags' ? [action.add, action.remove] : [];
      for (const list of lists) assert.equal(list, [...list].sort());
    }
  }
});

test.run();
