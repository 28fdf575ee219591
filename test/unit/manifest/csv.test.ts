import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvError, parseCsv } from '../../../src/manifest/csv.ts';

const parses: Array<[string, string, Array<Record<string, string>>]> = [
  [
    'LF, trailing newline',
    'id,user\nalice,a@x\nbob,b@x\n',
    [
      { id: 'alice', user: 'a@x' },
      { id: 'bob', user: 'b@x' },
    ],
  ],
  [
    'CRLF, trailing newline',
    'id,user\r\nalice,a@x\r\nbob,b@x\r\n',
    [
      { id: 'alice', user: 'a@x' },
      { id: 'bob', user: 'b@x' },
    ],
  ],
  ['no trailing newline', 'id,user\r\nalice,a@x', [{ id: 'alice', user: 'a@x' }]],
  [
    'mixed line endings',
    'id,user\nalice,a@x\r\nbob,b@x',
    [
      { id: 'alice', user: 'a@x' },
      { id: 'bob', user: 'b@x' },
    ],
  ],
  ['header only', 'id,user\n', []],
  ['quoted comma', 'id,name\nalice,"Doe, Alice"\n', [{ id: 'alice', name: 'Doe, Alice' }]],
  ['doubled quote', 'id,name\nalice,"say ""hi"""\n', [{ id: 'alice', name: 'say "hi"' }]],
  [
    'quoted line breaks are data',
    'id,note\nalice,"two\r\nlines"\nbob,"lf\nonly"\n',
    [
      { id: 'alice', note: 'two\r\nlines' },
      { id: 'bob', note: 'lf\nonly' },
    ],
  ],
  ['empty fields, quoted and not', 'a,b,c\n,"",\n', [{ a: '', b: '', c: '' }]],
  ['quoted last field at end of text', 'id,name\nalice,"A"', [{ id: 'alice', name: 'A' }]],
  ['spaces are kept', 'id,name\n alice , A \n', [{ id: ' alice ', name: ' A ' }]],
  ['blank lines are skipped', 'id\n\nalice\r\n\r\n\nbob\n\n', [{ id: 'alice' }, { id: 'bob' }]],
  ['byte order mark', '\uFEFFid,user\nalice,a@x\n', [{ id: 'alice', user: 'a@x' }]],
  ['quoted header', '"id","user name"\nalice,a\n', [{ id: 'alice', 'user name': 'a' }]],
  ['a lone CR outside quotes is data (validation rejects it in hosts, users and ids)', 'id\na\rb\n', [{ id: 'a\rb' }]],
];

for (const [name, text, rows] of parses) {
  test(`parses: ${name}`, () => assert.equal(parseCsv(text), rows));
}

const rejects: Array<[string, string, string]> = [
  ['empty text', '', 'the CSV is empty'],
  ['only blank lines', '\r\n\n', 'the CSV is empty'],
  [
    'unterminated quote',
    'id,user\nalice,"a@x\nbob,b@x\n',
    'CSV row 2: the quote opened in field 2 (user) is never closed',
  ],
  ['unterminated quote in the header', '"id,user\n', 'CSV row 1: the quote opened in field 1 is never closed'],
  [
    'too few fields',
    'id,user,name\nalice,a@x,A\nbob,b@x\n',
    'CSV row 3 has 2 fields, but the header row has 3 (id, user, name)',
  ],
  ['too many fields', 'id,user\nalice,a@x,extra\n', 'CSV row 2 has 3 fields, but the header row has 2 (id, user)'],
  ['one field', 'id,user\nalice\n', 'CSV row 2 has 1 field, but'],
  ['a row after a quoted line break names its line', 'id,note\nalice,"a\nb"\nbob\n', 'CSV row 3 (line 4) has 1 field'],
  ['a row after blank lines names its line', 'id,user\n\n\nbob\n', 'CSV row 2 (line 4) has 1 field'],
  ['text after a closing quote', 'id,name\nalice,"A"x\n', 'CSV row 2: field 2 (name) has text after its closing quote'],
  [
    'a quote inside an unquoted field',
    'id,name\nalice,say "hi"\n',
    'CSV row 2: field 2 (name) holds a quote but is not quoted; write it as "say ""hi"""',
  ],
  ['an unnamed column', 'id,,user\n', 'CSV row 1 (the header): column 2 has no name'],
  ['a column named twice', 'id,user,id\n', 'CSV row 1 (the header): column 3 is named "id" like column 1'],
];

for (const [name, text, message] of rejects) {
  test(`rejects: ${name}`, () => {
    try {
      parseCsv(text);
      assert.unreachable('parsed');
    } catch (error) {
      assert.instance(error, CsvError);
      assert.ok((error as Error).message.startsWith(message), (error as Error).message);
    }
  });
}

test('10,000 rows parse in well under a second', () => {
  const text = `id,user,name\r\n${Array.from({ length: 10_000 }, (_, i) => `u${i},u${i}@x,"Doe, ""J"" ${i}"`).join('\r\n')}\r\n`;
  const started = performance.now();
  const rows = parseCsv(text);
  assert.ok(performance.now() - started < 500);
  assert.is(rows.length, 10_000);
  assert.equal(rows[9_999], { id: 'u9999', user: 'u9999@x', name: 'Doe, "J" 9999' });
});

test.run();
