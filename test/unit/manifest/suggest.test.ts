import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, editDistance } from '../../../src/manifest/suggest.ts';

const distances: Array<[string, string, number]> = [
  ['', '', 0],
  ['abc', 'abc', 0],
  ['abc', '', 3],
  ['kitten', 'sitting', 3],
  ['deleteTraget', 'deleteTarget', 2],
  ['Port', 'port', 0],
];
for (const [a, b, expected] of distances) {
  test(`editDistance(${JSON.stringify(a)}, ${JSON.stringify(b)}) is ${expected}`, () =>
    assert.is(editDistance(a, b), expected));
}

const keys = [
  'maxAgeDays',
  'host',
  'port',
  'tls',
  'tlsVerify',
  'user',
  'password',
  'auth',
  'connections',
  'deleteTarget',
  'deleteTargetFolders',
  'deleteSource',
];
const suggestions: Array<[string, string | undefined]> = [
  ['pasword', 'password'],
  ['prot', 'port'],
  ['deleteTraget', 'deleteTarget'],
  ['DeleteSource', 'deleteSource'],
  ['tlsverify', 'tlsVerify'],
  ['conections', 'connections'],
  ['mailbox', undefined],
  ['x', undefined],
  ['maxAge', 'maxAgeDays'],
  ['conn', 'connections'],
];
for (const [word, expected] of suggestions) {
  test(`closest suggests ${expected ?? 'nothing'} for ${word}`, () => assert.is(closest(word, keys), expected));
}

test('closest has nothing to suggest from no candidates', () => assert.is(closest('x', []), undefined));

test.run();
