import { test } from 'uvu';
import * as assert from 'uvu/assert';
import compiler from 'imapflow/lib/handler/imap-compiler.js';
import { formatDateTime } from 'imapflow/lib/tools.js';
import { literalPlusCommand } from '../../../../src/imap/wire/command-bytes.ts';
import type { Token } from '../../../../src/imap/wire/exec.ts';

// Every case is checked against imapflow's own compiler, with the options literal-plus.ts used
// before it wrote commands itself: the same bytes on the wire, or the same refusal.

const atom = (value: string): Token => ({ type: 'ATOM', value });
const string = (value: string): Token => ({ type: 'STRING', value });
const literal = (value: Buffer | string, isLiteral8 = false): Token => ({
  type: 'LITERAL',
  value: Buffer.from(value),
  isLiteral8,
});
const flags = (...names: string[]): Token[] => names.map(atom);
const date = (iso: string): Token => string(formatDateTime(new Date(iso)) ?? '');
const message = (size: number, seed: number): Buffer =>
  Buffer.from(Array.from({ length: size }, (_, i) => ((i * 31 + seed) % 94) + 32));

function compiled(command: string, attributes: Token[]): Buffer | Error {
  try {
    return Buffer.concat(
      compiler({ tag: 'A7', command, attributes } as Parameters<typeof compiler>[0], {
        asArray: true,
        literalPlus: true,
      }),
    );
  } catch (error) {
    return error as Error;
  }
}

function ours(command: string, attributes: Token[]): Buffer | Error {
  try {
    return Buffer.concat(literalPlusCommand('A7', command, attributes));
  } catch (error) {
    return error as Error;
  }
}

function assertSame(command: string, attributes: Token[]): void {
  const [expected, actual] = [compiled(command, attributes), ours(command, attributes)];
  if (expected instanceof Error || actual instanceof Error) {
    assert.ok(expected instanceof Error, `imapflow compiled it, we threw ${String(actual)}`);
    assert.ok(actual instanceof Error, `imapflow threw ${String(expected)}, we wrote ${String(actual)}`);
    assert.is((actual as { code?: string }).code, (expected as { code?: string }).code);
    assert.is(actual.message, expected.message);
    return;
  }
  assert.is(actual.toString('latin1'), expected.toString('latin1'));
}

const folders = [
  'INBOX',
  'Sent Items',
  'say "hi"',
  'back\\slash',
  'trailing\\',
  '&AOQ-rger',
  'Entw&APw-rfe/Alte Entw&APw-rfe',
  'Projekte [alt]',
  'a]b',
  '50%',
  'star*',
  'paren(s)',
  'brace{',
  '',
  'INBOX.Tab\there',
  '\\Sent',
  '\\',
  'Grüße',
  '日本語',
  'emoji 📬',
];
for (const folder of folders) {
  test(`a folder named ${JSON.stringify(folder)} is written as imapflow writes it`, () => {
    assertSame('APPEND', [
      atom(folder),
      flags('\\Seen'),
      date('2024-03-14T09:26:53Z'),
      literal('Subject: x\r\n\r\nbody\r\n'),
    ]);
    assertSame('LIST', [string(''), string(folder)]);
  });
}

const cases: Array<[string, string, Token[]]> = [
  ['a command without arguments', 'NOOP', []],
  ['no flags, an empty list', 'APPEND', [atom('INBOX'), [], date('2001-09-09T01:46:40Z'), literal('x')]],
  [
    'system flags and keywords',
    'APPEND',
    [
      atom('INBOX'),
      flags('\\Seen', '\\Flagged', '\\Answered', '$Forwarded', '$MDNSent', 'NonJunk', 'custom_tag-1'),
      date('1999-12-31T23:59:59Z'),
      literal('x'),
    ],
  ],
  [
    'keywords that are not atoms',
    'APPEND',
    [
      atom('INBOX'),
      flags('with space', 'quo"te', 'back\\slash', 'brack]et', ''),
      date('2024-01-02T03:04:05Z'),
      literal('x'),
    ],
  ],
  [
    'a single-digit day, padded with a space',
    'APPEND',
    [atom('INBOX'), flags(), date('2024-02-05T00:00:00Z'), literal('x')],
  ],
  ['an empty literal', 'APPEND', [atom('INBOX'), flags('\\Draft'), date('2024-02-05T00:00:00Z'), literal('')]],
  [
    'a literal8 holding NUL bytes',
    'APPEND',
    [atom('INBOX'), flags(), date('2024-02-05T00:00:00Z'), literal(Buffer.from('a\0b\r\n\0'), true)],
  ],
  ['an empty literal8', 'APPEND', [atom('INBOX'), flags(), date('2024-02-05T00:00:00Z'), literal('', true)]],
  [
    '8-bit and CRLF bytes in a literal',
    'APPEND',
    [atom('INBOX'), literal(Buffer.from([0xff, 0xfe, 13, 10, 0x80, 0x20]))],
  ],
  [
    'a MULTIAPPEND of several messages, an empty one among them',
    'APPEND',
    [
      atom('Sent Items'),
      flags('\\Seen'),
      date('2023-06-01T12:00:00Z'),
      literal(message(70_000, 1)),
      flags(),
      date('2023-06-02T12:00:00Z'),
      literal(''),
      flags('\\Seen', '$Label1'),
      date('2023-06-03T12:00:00Z'),
      literal(message(4096, 2)),
      flags('\\Flagged'),
      date('2023-06-04T12:00:00Z'),
      literal(Buffer.from('with\0nul\r\n'), true),
    ],
  ],
  ['a message without flags or date', 'APPEND', [atom('INBOX'), literal('a'), literal('b')]],
  ['a literal inside a list, followed by more', 'X', [[literal('abc'), atom('A')], atom('B')]],
  ['a list right after a literal', 'X', [literal('abc'), [atom('A'), literal('')], literal('z')]],
  [
    'lists of lists, side by side',
    'X',
    [
      [[atom('A')], [atom('B'), atom('C')]],
      [[], []],
    ],
  ],
  ['a list of lists that goes on with an atom', 'X', [[[atom('A')], atom('B'), [atom('C')]]]],
  ['a list of lists ending in a literal', 'X', [[[literal('a')], [literal('b')]], atom('Z')]],
  [
    'strings: empty, quotes, backslashes, tab, 8-bit',
    'X',
    [string(''), string('"'), string('\\'), string('a "b" \\c\\'), string('tab\there'), string('Grüße'), string('😀')],
  ],
  ['sequence sets', 'UID FETCH', [{ type: 'SEQUENCE', value: '1:*,5,7:9' }, [atom('FLAGS')]]],
  [
    'sections, empty and with lists',
    'UID FETCH',
    [
      { type: 'SEQUENCE', value: '1:4' },
      [
        atom('UID'),
        { type: 'ATOM', value: 'BODY.PEEK', section: [] },
        { type: 'ATOM', value: 'BODY.PEEK', section: [atom('HEADER.FIELDS'), [atom('Message-ID'), atom('Date')]] },
      ],
    ],
  ],
  [
    'a section after a literal',
    'X',
    [literal('a'), { type: 'ATOM', value: '', section: [atom('1'), literal('b'), atom('2')] }],
  ],
  ['the SEARCHRES set', 'UID FETCH', [{ type: 'SEQUENCE', value: '$' }, atom('UID')]],
  ['a string with CR is refused', 'X', [string('a\rb')]],
  ['a string with LF is refused', 'X', [string('a\nb')]],
  ['a string with NUL is refused', 'X', [string('a\0b')]],
  ['an atom with CRLF is refused', 'X', [atom('a\r\nb')]],
  ['a flag with NUL is refused', 'APPEND', [atom('INBOX'), flags('a\0'), literal('x')]],
  ['a bad sequence set is refused', 'UID FETCH', [{ type: 'SEQUENCE', value: '1:2 X' }]],
  ['an empty sequence set is refused', 'UID FETCH', [{ type: 'SEQUENCE', value: '' }]],
  ['a command name with CRLF is refused', 'NOOP\r\nX', []],
];
for (const [name, command, attributes] of cases) {
  test(`${name}: the same bytes as imapflow's compiler`, () => assertSame(command, attributes));
}

test('every character up to U+017F in an atom, a flag and a string is written (or refused) as imapflow does', () => {
  for (let code = 0; code <= 0x17f; code++) {
    const ch = String.fromCharCode(code);
    for (const value of [ch, `a${ch}z`, `\\${ch}`, `${ch}\\`]) {
      assertSame('X', [atom(value), [atom(value)], string(value)]);
    }
  }
});

test("a message's text goes out as the caller's Buffer, not a copy, the text between literals joined", () => {
  const bodies = [message(24_000, 1), message(24_000, 2)];
  const parts = literalPlusCommand('A1', 'APPEND', [
    atom('INBOX'),
    flags('\\Seen'),
    date('2024-02-05T00:00:00Z'),
    { type: 'LITERAL', value: bodies[0]! },
    [],
    date('2024-02-05T00:00:00Z'),
    { type: 'LITERAL', value: bodies[1]! },
  ]);
  assert.is(parts.length, 4);
  assert.ok(parts[1] === bodies[0]);
  assert.ok(parts[3] === bodies[1]);
  assert.is(parts[0]!.toString(), 'A1 APPEND INBOX (\\Seen) " 5-Feb-2024 00:00:00 +0000" {24000+}\r\n');
  assert.is(parts[2]!.toString(), ' () " 5-Feb-2024 00:00:00 +0000" {24000+}\r\n');
});

test.run();
