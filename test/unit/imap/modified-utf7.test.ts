import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePath, encodePath } from 'imapflow/lib/tools.js';
import { listedNameProblem, modifiedUtf7Problem, quoted } from '../../../src/imap/modified-utf7.ts';

// What imapflow does on a session without UTF8=ACCEPT or IMAP4rev2: decode on LIST, encode on every command.
const session = { enabled: new Set<string>(), capabilities: new Map<string, boolean>() } as unknown as Parameters<
  typeof encodePath
>[0];
const roundTrip = (name: string) => encodePath(session, decodePath(session, name));

const valid = [
  '',
  'INBOX',
  'Good',
  'Old Stuff',
  'a.b/c',
  '&-',
  'Tom &- Jerry',
  '&AOQ-',
  'Entw&APw-rfe',
  '&ZeVnLIqe-',
  '&2D3eAA- x',
  'a&AOQ-b&-c',
];
for (const name of valid) {
  test(`${quoted(name)} is valid modified UTF-7, and imapflow sends it back unchanged`, () => {
    assert.is(modifiedUtf7Problem(name), null);
    assert.is(roundTrip(name), name);
  });
}

const invalid: Array<[string, RegExp]> = [
  ['Bad&Jjo', /^"&Jjo" is not valid modified UTF-7: the shift is not closed by '-'$/],
  ['&Jjo', /^"&Jjo" .*not closed by '-'/],
  ['&AOQ', /^"&AOQ" .*not closed by '-'/],
  ['&', /^"&" .*not closed by '-'/],
  ['a&', /^"&" .*not closed by '-'/],
  ['&AGE-', /^"&AGE-" .*encodes 'a' \(U\+0061\), which must be written as itself/],
  ['&ACA-', /encodes ' ' \(U\+0020\)/],
  ['&AOR-', /the bits after its last character are not zero/],
  ['&AO-', /ends inside a character \(12 bits left over\)/],
  ['&A-', /ends inside a character \(6 bits left over\)/],
  ['&&-', /^"&&-" is not a shift: "&" is not modified BASE64 \(a literal '&' is written "&-"\)/],
  ['&AOQ/-', /"\/" is not modified BASE64/],
  ['&AOQ=-', /"=" is not modified BASE64/],
  ['&AOQ-&AOQ-', /^"&AOQ-" directly follows another shift/],
  // Round-trips through imapflow, but is no UTF-16: no text to write in a plan or a report.
  ['&2D0-', /lone UTF-16 surrogate \(U\+D83D\)/],
  ['B\u00e4d', /^it holds U\+00E4 as itself; modified UTF-7 writes only printable US-ASCII directly$/],
  ['\ufffd', /holds a byte that is not ASCII \(read as U\+FFFD\)/],
  ['a\tb', /holds U\+0009 as itself/],
  ['a\u007fb', /holds U\+007F as itself/],
];
for (const [name, why] of invalid) {
  test(`${quoted(name)} is refused: ${why.source}`, () => {
    const problem = modifiedUtf7Problem(name);
    assert.ok(problem !== null, 'no problem found');
    assert.match(problem, why);
  });
}

test('every refused name that has an & is one imapflow would send as another name', () => {
  for (const [name] of invalid.filter(([name]) => name.includes('&') && name !== '&2D0-'))
    assert.is.not(roundTrip(name), name, quoted(name));
});

test('a valid name that imapflow would send as another (a TAB it leaves unencoded) is refused too', () => {
  assert.is(modifiedUtf7Problem('&AAk-'), null);
  assert.is(
    listedNameProblem(session, '&AAk-'),
    'imapflow would name it "\\x09" in every command, which is another mailbox',
  );
});

test('listedNameProblem says what the validator says, and nothing for a safe name', () => {
  assert.match(listedNameProblem(session, 'Bad&Jjo') ?? '', /not closed by '-'/);
  assert.is(listedNameProblem(session, 'Entw&APw-rfe'), null);
});

test('on a session with UTF8=ACCEPT or IMAP4rev2 enabled names are UTF-8 and not checked', () => {
  for (const enabled of ['UTF8=ACCEPT', 'IMAP4REV2']) {
    const utf8 = { enabled: new Set([enabled]), capabilities: new Map() } as unknown as typeof session;
    assert.is(listedNameProblem(utf8, 'B\u00e4d&Jjo'), null, enabled);
  }
});

test('quoted() escapes what is not printable US-ASCII, quotes and backslashes', () => {
  assert.is(quoted('Bad&Jjo'), '"Bad&Jjo"');
  assert.is(quoted('B\u00e4d\t"x"\\'), '"B\\xe4d\\x09\\"x\\"\\\\"');
  assert.is(quoted('\ufffd'), '"\\u{fffd}"');
});

test.run();
