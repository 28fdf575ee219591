import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cacheUse,
  endpointKey,
  refreshFlags,
  withGmailIds,
  withCopies,
  type CachedFolder,
  type SnapshotCache,
} from '../../../src/plan/snapshot-cache.ts';
import type { FolderState } from '../../../src/plan/snapshot.ts';
import { message } from '../../support/snapshots.ts';

const STATE: FolderState = { uidValidity: 7, uidNext: 4, highestModseq: 120, messages: 3 };
const CACHED: CachedFolder = { state: STATE, messages: [message(1), message(2), message(3, { flags: ['\\Seen'] })] };

test('an unchanged folder (UIDVALIDITY, UIDNEXT, count and HIGHESTMODSEQ) is the cache as it is', () => {
  assert.equal(cacheUse(CACHED, { ...STATE }), { kind: 'all', messages: CACHED.messages });
});

test('a changed count, UIDNEXT or HIGHESTMODSEQ keeps the cached messages for a flags refresh', () => {
  for (const change of [{ messages: 2 }, { uidNext: 5 }, { highestModseq: 121 }]) {
    const use = cacheUse(CACHED, { ...STATE, ...change });
    assert.is(use.kind, 'refresh', JSON.stringify(change));
    assert.equal(use.kind === 'refresh' ? [...use.byUid.keys()] : [], [1, 2, 3]);
  }
});

test('without HIGHESTMODSEQ (no CONDSTORE) flags are always read again', () => {
  const plain = { ...STATE, highestModseq: null };
  assert.is(cacheUse({ state: plain, messages: CACHED.messages }, plain).kind, 'refresh');
});

test('another UIDVALIDITY, or no cache, means a full read', () => {
  assert.equal(cacheUse(CACHED, { ...STATE, uidValidity: 8 }), { kind: 'none' });
  assert.equal(cacheUse(undefined, STATE), { kind: 'none' });
});

test("refreshFlags: cached messages get today's flags, vanished UIDs go, unknown UIDs are listed for a full read", () => {
  const use = cacheUse(CACHED, { ...STATE, uidNext: 6, highestModseq: 130 });
  assert.ok(use.kind === 'refresh');
  const refreshed = refreshFlags(use.byUid, [
    { uid: 1, flags: ['\\Flagged'] },
    { uid: 3, flags: [] },
    { uid: 5, flags: ['\\Seen'] },
  ]);
  assert.equal(refreshed.messages, [
    { ...message(1), flags: ['\\Flagged'] },
    { ...message(3), flags: [] },
  ]);
  assert.equal(refreshed.unknown, [5]);
});

test('refreshFlags: on Gmail the labels are refreshed with the flags; X-GM-MSGID stays', () => {
  const gmail = message(1, { gmailMessageId: '77', labels: ['Work'] });
  const refreshed = refreshFlags(new Map([[1, gmail]]), [{ uid: 1, flags: [], labels: ['Clients', 'Work'] }]);
  assert.equal(refreshed.messages, [{ ...gmail, labels: ['Clients', 'Work'] }]);
  assert.equal(
    refreshFlags(new Map([[1, gmail]]), [{ uid: 1, flags: [] }]).messages,
    [gmail],
    'no labels in the answer: kept',
  );
});

test('withGmailIds: on a Gmail source, a cached folder from before X-GM-MSGID was read is read again', () => {
  const folders = {
    Old: { state: STATE, messages: [message(1)] },
    New: { state: STATE, messages: [message(1, { gmailMessageId: '5', labels: [] })] },
    Empty: { state: STATE, messages: [] },
  };
  assert.equal(Object.keys(withGmailIds(folders, true)), ['New', 'Empty']);
  assert.is(withGmailIds(folders, false), folders, 'other servers keep every cached folder');
});

test("withCopies: a copy from a Gmail source is known without the source's X-GM-MSGID and labels", () => {
  const source = { state: STATE, messages: [message(1, { gmailMessageId: '5', labels: ['Work'] })] };
  const cache: SnapshotCache = {
    source: { endpoint: 's', folders: { INBOX: source } },
    target: { endpoint: 't', folders: {} },
  };
  const after = withCopies(cache, [
    {
      sourceFolder: 'INBOX',
      sourceUidValidity: STATE.uidValidity,
      targetFolder: 'INBOX',
      targetUidValidity: 9,
      pairs: [[1, 70]],
      altered: new Set(),
    },
  ]);
  assert.equal(after.target?.folders.INBOX?.messages, [message(70, { identity: message(1).identity })]);
});

test('endpointKey names the login and the server', () => {
  assert.is(endpointKey({ host: 'imap.old.example', port: 993, user: 'alice' }), 'alice@imap.old.example:993');
});

test('withCopies: copies are known on the target as their source messages; that folder keeps its other messages and must re-read flags', () => {
  const cache: SnapshotCache = {
    source: { endpoint: 's', folders: { INBOX: CACHED } },
    target: {
      endpoint: 't',
      folders: {
        INBOX: {
          state: { uidValidity: 50, uidNext: 3, highestModseq: 9, messages: 1 },
          messages: [message(2, { identity: 'already-there' })],
        },
      },
    },
  };
  const after = withCopies(cache, [
    {
      sourceFolder: 'INBOX',
      sourceUidValidity: 7,
      targetFolder: 'INBOX',
      targetUidValidity: 50,
      pairs: [
        [1, 3],
        [3, 4],
        [9, 5],
      ],
      altered: new Set([3]),
    },
    {
      sourceFolder: 'Gone',
      sourceUidValidity: 7,
      targetFolder: 'INBOX.Gone',
      targetUidValidity: 51,
      pairs: [[1, 1]],
      altered: new Set(),
    },
  ]);
  const inbox = after.target!.folders.INBOX!;
  assert.equal(
    inbox.messages.map((m) => [m.uid, m.identity]),
    [
      [2, 'already-there'],
      [3, 'id-1'],
    ],
    'UID 3 got a header added and UID 9 is not cached: both read in full next time',
  );
  assert.is(inbox.state.highestModseq, null);
  assert.is(cacheUse(inbox, { uidValidity: 50, uidNext: 6, highestModseq: 12, messages: 4 }).kind, 'refresh');
  assert.not.ok('INBOX.Gone' in after.target!.folders, 'no source snapshot, nothing to add');
  assert.is(after.source, cache.source);
});

test('withCopies: a target folder under another UIDVALIDITY starts afresh; no cache side, no change', () => {
  const cache: SnapshotCache = {
    source: { endpoint: 's', folders: { INBOX: CACHED } },
    target: {
      endpoint: 't',
      folders: {
        INBOX: { state: { uidValidity: 49, uidNext: 3, highestModseq: 9, messages: 1 }, messages: [message(2)] },
      },
    },
  };
  const after = withCopies(cache, [
    {
      sourceFolder: 'INBOX',
      sourceUidValidity: 7,
      targetFolder: 'INBOX',
      targetUidValidity: 50,
      pairs: [[2, 1]],
      altered: new Set(),
    },
  ]);
  assert.equal(
    after.target!.folders.INBOX!.messages.map((m) => m.uid),
    [1],
  );
  const noTarget = { source: cache.source, target: null };
  assert.is(withCopies(noTarget, []), noTarget);
});

test.run();
