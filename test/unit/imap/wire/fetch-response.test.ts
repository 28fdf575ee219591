import { parser } from 'imapflow/lib/handler/imap-handler.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isFetchLine, readFetchRow } from '../../../../src/imap/wire/fetch-response.ts';
import { MalformedAnswer } from '../../../../src/imap/malformed-answer.ts';
import { rowOfParsed } from '../../../../src/imap/uid-fetch.ts';

// The lean reader must give exactly the row imapflow's parser gives (uid-fetch.ts falls back to
// that one for any line the lean reader leaves alone), and leave alone what it cannot read.

/** A response as imapflow's stream frames it: the lines with their literal markers, the literals apart. */
function framed(parts: Array<string | Buffer>): { payload: Buffer; literals: Buffer[] } {
  let text = '';
  const literals: Buffer[] = [];
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      text += `{${part.length}}\r\n`;
      literals.push(part);
    }
  }
  return { payload: Buffer.from(text, 'utf8'), literals };
}

async function imapflowRow(response: { payload: Buffer; literals: Buffer[] }) {
  return rowOfParsed((await parser(response.payload, { literals: response.literals })) as { attributes?: unknown[] });
}

const header = Buffer.from('Message-ID: <a@b>\r\nReceived: from x\r\n by y\r\n\r\n', 'latin1');
const body = Buffer.from('Subject: hi\r\n\r\nbytes \u00ff\u0000 and ) ( " \\ { } [ ]\r\n', 'latin1');

const SAME: Record<string, Array<string | Buffer>> = {
  'identity items as Dovecot answers them': [
    '* 12 FETCH (UID 40 RFC822.SIZE 2048 INTERNALDATE "23-Nov-2026 16:00:00 +0000" FLAGS (\\Seen $Label1) BODY[HEADER.FIELDS (MESSAGE-ID RECEIVED)] ',
    header,
    ')',
  ],
  'the body before the flags, literal mid-line': ['* 1 FETCH (UID 7 BODY[] ', body, ' FLAGS (\\Answered \\Flagged))'],
  'an empty literal': ['* 3 FETCH (UID 9 BODY[HEADER.FIELDS (MESSAGE-ID RECEIVED)] ', Buffer.alloc(0), ')'],
  'no flags, lower-case names': ['* 4 fetch (uid 10 flags () rfc822.size 0)'],
  'a quoted body with escapes': ['* 5 FETCH (UID 11 BODY[] "a \\"quoted\\" \\\\ body")'],
  'NIL body': ['* 6 FETCH (UID 12 BODY[] NIL)'],
  'a partial origin and MODSEQ': ['* 7 FETCH (UID 13 BODY[]<0> ', body, ' MODSEQ (12345678901))'],
  'UID last, trailing space': ['* 8 FETCH (FLAGS (\\Seen) UID 14) '],
  'keywords with odd but legal characters': ['* 9 FETCH (UID 15 FLAGS ($Forwarded Junk NonJunk $MDNSent \\Recent))'],
};

for (const [name, parts] of Object.entries(SAME)) {
  test(`same row as imapflow: ${name}`, async () => {
    const response = framed(parts);
    const lean = readFetchRow(response.payload, response.literals);
    assert.ok(lean !== null, 'the lean reader reads it');
    assert.equal(lean, await imapflowRow(response));
  });
}

test('the rows hold what the server said', () => {
  const response = framed(SAME['identity items as Dovecot answers them']!);
  assert.equal(readFetchRow(response.payload, response.literals), {
    uid: 40,
    size: 2048,
    internalDate: '23-Nov-2026 16:00:00 +0000',
    flags: ['\\Seen', '$Label1'],
    body: header,
  });
  const quoted = framed(SAME['a quoted body with escapes']!);
  assert.equal(readFetchRow(quoted.payload, quoted.literals)?.body?.toString(), 'a "quoted" \\ body');
  const literal = framed(SAME['the body before the flags, literal mid-line']!);
  assert.ok(
    readFetchRow(literal.payload, literal.literals)?.body === literal.literals[0],
    'the framed literal itself, not a copy',
  );
});

const LEFT_ALONE: Record<string, Array<string | Buffer>> = {
  'a tagged line': ['A1 OK FETCH completed'],
  EXISTS: ['* 40 EXISTS'],
  'a flag change without UID': ['* 3 FETCH (FLAGS (\\Seen))'],
  'an unclosed list': ['* 3 FETCH (UID 1 FLAGS (\\Seen)'],
  'bytes after the closing parenthesis': ['* 3 FETCH (UID 1) junk'],
  'an unterminated quoted string': ['* 3 FETCH (UID 1 INTERNALDATE "23-Nov)'],
};

// Rows that parse but that no correct server sends: whichever parser reads them, the FETCH fails.
const MALFORMED: Record<string, [string, RegExp]> = {
  'UID 0': ['* 3 FETCH (UID 0 FLAGS ())', /gives UID 0, which no message can have/],
  'a UID that is no number': ['* 3 FETCH (UID 1x FLAGS ())', /gives UID 1x/],
  'a UID above 2^32-1': [
    '* 3 FETCH (UID 4294967296 FLAGS ())',
    /gives UID 4294967296, which no message can have \(1 to 4294967295\)/,
  ],
  'flags that are not atoms': ['* 3 FETCH (UID 1 FLAGS ("\\Seen"))', /of UID 1 gives FLAGS as a list/],
  'INTERNALDATE as an atom': ['* 3 FETCH (UID 1 INTERNALDATE NIL)', /of UID 1 gives INTERNALDATE as NIL/],
  'a BODY that is a list': ['* 3 FETCH (UID 1 BODY[] (a b))', /of UID 1 gives BODY\[\] as a list/],
  'an item named twice': ['* 3 FETCH (UID 1 FLAGS () FLAGS (\\Seen))', /names FLAGS twice/],
  'UID named twice': ['* 3 FETCH (UID 1 UID 2)', /names UID twice/],
  'two body sections': [
    '* 3 FETCH (UID 1 BODY[HEADER] NIL BODY[] NIL)',
    /of UID 1 gives two body sections|names BODY\[\] twice/,
  ],
};

for (const [name, [line, said]] of Object.entries(MALFORMED)) {
  test(`malformed, by either parser: ${name}`, async () => {
    const response = framed([line]);
    const isIt = (error: unknown) => error instanceof MalformedAnswer && said.test(error.message);
    assert.throws(() => readFetchRow(response.payload, response.literals), isIt);
    const byImapflow = await imapflowRow(response).then(
      () => null,
      (error: unknown) => error,
    );
    assert.ok(isIt(byImapflow), `imapflow's parse too: ${String(byImapflow)}`);
  });
}

for (const [name, parts] of Object.entries(LEFT_ALONE)) {
  test(`left to imapflow: ${name}`, () => {
    const response = framed(parts);
    assert.is(readFetchRow(response.payload, response.literals), null);
  });
}

test("left to imapflow: a literal whose length is not the marker's, or a missing or extra literal", () => {
  const short = framed(['* 1 FETCH (UID 7 BODY[] ', body, ')']);
  assert.is(readFetchRow(short.payload, [body.subarray(1)]), null);
  assert.is(readFetchRow(short.payload, []), null);
  assert.is(readFetchRow(short.payload, [body, body]), null);
});

test('isFetchLine: only "* <number> FETCH ("', () => {
  assert.ok(isFetchLine(Buffer.from('* 1 FETCH (UID 1)')));
  assert.ok(isFetchLine(Buffer.from('* 123 fetch (')));
  assert.not.ok(isFetchLine(Buffer.from('* FETCH (UID 1)')));
  assert.not.ok(isFetchLine(Buffer.from('* 1 FETCHED (')));
  assert.not.ok(isFetchLine(Buffer.from('A1 1 FETCH (')));
  assert.not.ok(isFetchLine(Buffer.from('* 1 EXPUNGE')));
});

test.run();
