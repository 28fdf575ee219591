import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheUse, endpointKey, refreshFlags, type CachedFolder } from '../../../src/plan/snapshot-cache.ts';
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
  const refreshed = refreshFlags(use.byUid, [{ uid: 1, flags: ['\\Flagged'] }, { uid: 3, flags: [] }, { uid: 5, flags: ['\\Seen'] }]);
  assert.equal(refreshed.messages, [{ ...message(1), flags: ['\\Flagged'] }, { ...message(3), flags: [] }]);
  assert.equal(refreshed.unknown, [5]);
});

test('endpointKey names the login and the server', () => {
  assert.is(endpointKey({ host: 'imap.old.example', port: 993, user: 'alice' }), 'alice@imap.old.example:993');
});

test.run();
