import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { foldAcrossAccounts } from '../../../src/plan/fold-warnings.ts';

test('the same warning of several accounts becomes one, in the place of the first; others stay as they are', () => {
  const typo = (account: string) => ({
    code: 'RULE_UNMATCHED',
    message: 'folders.map key "Snet" matches no source folder',
    account,
  });
  const folded = foldAcrossAccounts([
    { code: 'MANIFEST_RULE', message: 'a phase warning' },
    typo('a'),
    { code: 'NAME_TRANSLATED', folder: 'X.Y', message: 'only a', account: 'a' },
    typo('b'),
    typo('c'),
  ]);
  assert.equal(folded, [
    { code: 'MANIFEST_RULE', message: 'a phase warning' },
    {
      code: 'RULE_UNMATCHED',
      message: 'folders.map key "Snet" matches no source folder (3 accounts: a, b, c)',
      accounts: ['a', 'b', 'c'],
    },
    { code: 'NAME_TRANSLATED', folder: 'X.Y', message: 'only a', account: 'a' },
  ]);
});

test('more than five accounts are counted, five named; another folder is another warning', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const folded = foldAcrossAccounts([
    ...ids.map((account) => ({ code: 'X', message: 'm', folder: 'F', account })),
    { code: 'X', message: 'm', folder: 'G', account: 'a' },
  ]);
  assert.is(folded.length, 2);
  assert.is(folded[0]!.message, 'm (7 accounts: a, b, c, d, e and 2 more)');
  assert.equal(folded[1], { code: 'X', message: 'm', folder: 'G', account: 'a' });
});

test.run();
