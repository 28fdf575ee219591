import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  headerSection,
  identityOfRaw,
  parseIdentityHeaders,
  type IdentityHeaders,
} from '../../../src/plan/identity.ts';
import { generateMessages } from '../../support/mailbox-generator.ts';
import { Random } from '../../support/random.ts';

// The definition parseIdentityHeaders must keep (imapsync's): unfold the whole block, split it into
// lines, fold every Message-ID and Received value. The real one skips work; it must agree with this.
function byDefinition(text: string): IdentityHeaders {
  const fold = (value: string) => value.replace(/\s+/g, ' ').trim();
  let messageId: string | null = null;
  const received: string[] = [];
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'message-id' && messageId === null) {
      const value = fold(line.slice(colon + 1));
      if (value !== '') messageId = value;
    } else if (name === 'received') received.push(fold(line.slice(colon + 1)));
  }
  return { messageId, received };
}

const cases: Array<[string, string, IdentityHeaders]> = [
  ['plain', 'Message-ID: <a@b>\r\nReceived: from x by y\r\n\r\n', { messageId: '<a@b>', received: ['from x by y'] }],
  [
    'folded Received',
    'Received: from x\r\n\tby y\r\n  for z\r\nSubject: s\r\n\r\n',
    { messageId: null, received: ['from x by y for z'] },
  ],
  [
    'names in any case, space before the colon',
    'MESSAGE-ID : <a@b>\r\nreceived\t: r\r\n\r\n',
    { messageId: '<a@b>', received: ['r'] },
  ],
  [
    'first Message-ID wins, an empty one does not count',
    'Message-ID:  \r\nMessage-ID: <1@x>\r\nMessage-Id: <2@x>\r\n\r\n',
    { messageId: '<1@x>', received: [] },
  ],
  ['name folded onto the next line', 'Received\r\n : r1\r\n\r\n', { messageId: null, received: ['r1'] }],
  [
    'whitespace runs and other spaces fold to one space',
    'Received: a  b\t\tc\u00a0d\vend \r\n\r\n',
    { messageId: null, received: ['a b c d end'] },
  ],
  ['LF line ends', 'Message-ID: <a@b>\nReceived: one\n two\n\n', { messageId: '<a@b>', received: ['one two'] }],
  ['a bare CR stays inside the line', 'Received: a\rb\r\n\r\n', { messageId: null, received: ['a b'] }],
  ['leading whitespace before the first name', ' \u00a0Received: r\r\n', { messageId: null, received: ['r'] }],
  [
    'similar names do not count',
    'Message-IDs: <a@b>\r\nReceived-SPF: pass\r\nX-Received: x\r\nReferences: <c@d>\r\n\r\n',
    { messageId: null, received: [] },
  ],
  ['no colon, colon first', 'Received\r\n: r\r\nMessage-ID <a@b>\r\n\r\n', { messageId: null, received: [] }],
  ['8-bit value', 'Received: from caf\u00e9  x\r\n\r\n', { messageId: null, received: ['from caf\u00e9 x'] }],
  ['no trailing newline', 'Message-ID: <a@b>', { messageId: '<a@b>', received: [] }],
];

for (const [name, text, expected] of cases) {
  test(`parseIdentityHeaders: ${name}`, () => {
    assert.equal(parseIdentityHeaders(text), expected);
    assert.equal(byDefinition(text), expected, 'the definition agrees');
    assert.equal(parseIdentityHeaders(Buffer.from(text, 'latin1')), expected, 'as bytes');
  });
}

test('parseIdentityHeaders agrees with the definition on random header blocks', () => {
  const random = new Random(7);
  const pieces = [
    'Received',
    'received',
    'RECEIVED',
    'Message-ID',
    'message-id',
    'Message-Id ',
    'MIME-Version',
    'Subject',
    'X-Received',
    ':',
    ': ',
    '\r\n',
    '\n',
    '\r',
    '\r\n\t',
    '\r\n ',
    '\n ',
    ' ',
    '  ',
    '\t',
    '\u000b',
    '\u000c',
    '\u00a0',
    '\u0085',
    'from',
    '<a@b>',
    'x',
    'm',
    'R',
    '\u00e9',
    '',
  ];
  for (let round = 0; round < 20_000; round++) {
    let text = '';
    const length = random.int(0, 14);
    for (let i = 0; i < length; i++) text += pieces[random.int(0, pieces.length - 1)];
    assert.equal(parseIdentityHeaders(text), byDefinition(text), JSON.stringify(text));
  }
});

test('parseIdentityHeaders agrees with the definition on generated messages', () => {
  for (const message of generateMessages({ seed: 3, messages: 300, otherDelimiter: '.' })) {
    const header = headerSection(message.raw).toString('latin1');
    assert.equal(parseIdentityHeaders(header), byDefinition(header));
  }
});

const sections: Array<[string, string, string]> = [
  ['CRLF', 'A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore', 'A: 1\r\nB: 2\r\n\r\n'],
  ['LF', 'A: 1\n\nbody', 'A: 1\n\n'],
  ['CRLF blank line after an LF one', 'A: 1\n\nB: 2\r\n\r\nbody', 'A: 1\n\nB: 2\r\n\r\n'],
  ['no blank line', 'A: 1\r\nB: 2', 'A: 1\r\nB: 2'],
];

for (const [name, raw, expected] of sections) {
  test(`headerSection: ${name}`, () => {
    assert.is(headerSection(Buffer.from(raw, 'latin1')).toString('latin1'), expected);
  });
}

test('identityOfRaw: Message-ID and Received hashed, folded', () => {
  const folded = identityOfRaw(Buffer.from('Received: from a\r\n\tby b\r\nMessage-ID: <x@y>\r\n\r\nbody', 'latin1'));
  const flat = identityOfRaw(
    Buffer.from('Message-ID:   <x@y>\r\nSubject: other\r\nReceived: from a by b\r\n\r\nother body', 'latin1'),
  );
  assert.is(folded, flat);
  assert.match(folded, /^[0-9a-f]{64}$/);
  assert.is.not(identityOfRaw(Buffer.from('Message-ID: <x@y>\r\n\r\n', 'latin1')), folded);
});

test('an identity is the SHA-256 of "message-id:…\\nreceived:…", 8-bit header bytes hashed as themselves (latin1)', () => {
  const raw = Buffer.from('Received: from h\xe9 by b\r\nMessage-ID: <\xfc@y>\r\n\r\nbody', 'latin1');
  const expected = createHash('sha256')
    .update(Buffer.from('message-id:<\xfc@y>\nreceived:from h\xe9 by b', 'latin1'))
    .digest('hex');
  assert.is(identityOfRaw(raw), expected);
});

test.run();
