import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packUids, uidSets } from '../../../src/imap/uid-set.ts';

const cases: Array<[number[], string]> = [
  [[], ''],
  [[7], '7'],
  [[1, 2, 3], '1:3'],
  [[1, 2, 3, 5, 7, 8, 9, 12], '1:3,5,7:9,12'],
  [[9, 3, 1, 2, 3, 8], '1:3,8:9'],
  [[4294967294, 4294967295], '4294967294:4294967295'],
];

for (const [uids, expected] of cases) {
  test(`packUids(${JSON.stringify(uids)}) is "${expected}"`, () => {
    assert.is(packUids(uids), expected);
  });
}

test('uidSets splits by message count, not by UID value', () => {
  assert.equal(uidSets([1, 2, 3, 4, 5], 2), ['1:2', '3:4', '5']);
  assert.equal(uidSets([1, 1000, 1001, 1_000_000], 3), ['1,1000:1001', '1000000']);
  assert.equal(uidSets([], 5000), []);
  const dense = Array.from({ length: 12_001 }, (_, i) => i + 1);
  assert.equal(uidSets(dense, 5000), ['1:5000', '5001:10000', '10001:12001']);
});

test.run();
