import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkControlCharacters, describeControlCharacter } from '../../../src/manifest/control-characters.ts';

test('each control character is named, with where it is', () => {
  const cases: Array<[string, string]> = [
    ['alice\r', 'ends with a carriage return (CR, "\\r")'],
    ['\nalice', 'starts with a line feed (LF, "\\n")'],
    ['imap.new\t.example', 'contains a tab ("\\t") at character 9'],
    ['a\u0000b', 'contains a NUL character ("\\u0000") at character 2'],
    ['ab\u007f', 'ends with a DEL character ("\\u007f")'],
    ['a\u001bb', 'contains control character U+001B at character 2'],
    ['a\u0001\rb', 'contains control character U+0001 at character 2'],
  ];
  for (const [text, description] of cases) assert.is(describeControlCharacter(text), description, JSON.stringify(text));
});

test('ids, hosts, users and authorizeAs of defaults and every account are checked; other strings and clean values are not', () => {
  const manifest = {
    defaults: { source: { host: 'old\r' }, target: { host: 'new', user: 'admin\n' } },
    description: 'free text\nmay span lines',
    accounts: [
      { id: 'alice', source: { user: 'alice' }, target: { host: 'x', user: 'a\u0000' }, description: 'tab\tok' },
      { id: 'bob\r' },
      { id: 'carol', source: { user: 'carol', password: { env: 'PW' } } },
      { id: 'dave', target: { auth: { mechanism: 'PLAIN', authorizeAs: 'dave@new.example\r' } } },
    ],
  };
  const found = checkControlCharacters('m.json', manifest);
  assert.equal(
    found.map((d) => [d.code, d.location?.pointer, d.location?.account]),
    [
      ['MANIFEST_RULE', '/defaults/source/host', undefined],
      ['MANIFEST_RULE', '/defaults/target/user', undefined],
      ['MANIFEST_RULE', '/accounts/0/target/user', 'alice'],
      ['MANIFEST_RULE', '/accounts/1/id', undefined],
      ['MANIFEST_RULE', '/accounts/3/target/auth/authorizeAs', 'dave'],
    ],
  );
  assert.match(
    found[3]!.message,
    '`id` of account "bob\\r" (accounts[1], row 2 of the accounts) ends with a carriage return',
  );
  assert.match(found[3]!.hint!, 'ms.csv(importstr');
  assert.match(found[3]!.hint!, 'this is its line 3');
  assert.not.match(found[2]!.hint!, 'CSV', 'the CSV advice is for carriage returns');
});

test('a value of any shape is looked at without throwing', () => {
  for (const value of [
    null,
    'text',
    [1, 2],
    { accounts: 'x' },
    { accounts: [null, 3, { source: 'x' }] },
    { defaults: [] },
  ]) {
    assert.equal(checkControlCharacters('m.json', value), []);
  }
});

test.run();
