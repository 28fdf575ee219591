import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { missingFlags } from '../../../src/apply/settle-copies.ts';
import type { MessageSnapshot } from '../../../src/plan/snapshot.ts';

const onTarget = (uid: number, identity: string, flags: string[]): MessageSnapshot => ({
  uid,
  size: 10,
  internalDate: '2026-11-01T10:00:00.000Z',
  flags,
  identity,
  hasMessageId: true,
});

test('flags an APPEND dropped are added, by identity', () => {
  assert.equal(missingFlags([{ identity: 'a', flags: ['\\Seen', '\\Flagged'] }], [onTarget(7, 'a', [])]), [
    { uid: 7, add: ['\\Seen', '\\Flagged'], remove: [] },
  ]);
});

test('a copy whose flags are there needs nothing; case does not matter', () => {
  assert.equal(missingFlags([{ identity: 'a', flags: ['\\Seen'] }], [onTarget(7, 'a', ['\\seen'])]), []);
});

test('a copy not found on the target is left alone', () => {
  assert.equal(missingFlags([{ identity: 'a', flags: ['\\Seen'] }], [onTarget(7, 'b', [])]), []);
});

test('two copies with one identity take one target message each, the ones already flagged first', () => {
  const changes = missingFlags(
    [
      { identity: 'a', flags: ['\\Seen'] },
      { identity: 'a', flags: ['\\Seen'] },
    ],
    [onTarget(3, 'a', []), onTarget(9, 'a', ['\\Seen'])],
  );
  assert.equal(changes, [{ uid: 3, add: ['\\Seen'], remove: [] }]);
});

test('flags are only added, never taken away', () => {
  assert.equal(missingFlags([{ identity: 'a', flags: [] }], [onTarget(7, 'a', ['\\Flagged'])]), []);
});

test.run();
