import { parser } from 'imapflow/lib/handler/imap-handler.js';
import { formatMessageResponse } from 'imapflow/lib/tools.js';
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFetchRow } from '../../../../src/imap/wire/fetch-response.ts';
import { MalformedAnswer } from '../../../../src/imap/malformed-answer.ts';
import { item, rowOfParsed, withDecodedLabels } from '../../../../src/imap/uid-fetch.ts';
import { queryOf, rowOfMessage } from '../../../../src/imap/public-commands.ts';

// X-GM-MSGID and X-GM-LABELS as Google's IMAP extension documentation shows the answers
// (developers.google.com/gmail/imap/imap-extensions): "* 1 FETCH (X-GM-MSGID 1278455344230334865)"
// and "* 1 FETCH (X-GM-LABELS (\Inbox \Sent Important "Muy Importante"))". Labels are astrings
// (atoms, quoted strings or literals), system labels start with a backslash, non-ASCII names are
// modified UTF-7. Both of mailshift's readers (the lean one on the bytes, imapflow's parser as its
// fallback) and imapflow's fetch() (the public-API path) must give the same rows.

const DOCUMENTED =
  '* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-LABELS (\\Inbox \\Sent Important "Muy Importante") UID 4)';

function bytes(line: string, literals: Buffer[] = []) {
  return { payload: Buffer.from(line, 'latin1'), literals };
}

async function parsed(line: string, literals: Buffer[] = []) {
  return (await parser(Buffer.from(line, 'latin1'), { literals })) as { attributes?: unknown[] };
}

/** fetch()'s message object for one answer line, formatted by imapflow's own formatMessageResponse. */
async function fetchedMessage(line: string): Promise<FetchMessageObject> {
  const answer = (await parser(Buffer.from(line, 'latin1'))) as Parameters<typeof formatMessageResponse>[0];
  return (await formatMessageResponse(
    answer,
    { path: 'INBOX', uidValidity: 1n } as Parameters<typeof formatMessageResponse>[1],
    'md5',
    flow,
  )) as FetchMessageObject;
}

/** A session as decodePath reads it: no UTF8=ACCEPT, IMAP4rev1 (names are modified UTF-7). */
const SESSION = { enabled: new Set<string>(), capabilities: new Map<string, boolean>([['IMAP4rev1', true]]) };
const flow = SESSION as unknown as ImapFlow;

test("the lean reader reads Google's documented answer", () => {
  const { payload, literals } = bytes(DOCUMENTED);
  assert.equal(readFetchRow(payload, literals), {
    uid: 4,
    gmailMessageId: '1278455344230334865',
    labels: ['\\Inbox', '\\Sent', 'Important', 'Muy Importante'],
  });
});

const SAME: Record<string, [string, Buffer[]]> = {
  documented: [DOCUMENTED, []],
  'the identity items with them, as mailshift asks': [
    '* 12 FETCH (UID 40 RFC822.SIZE 2048 INTERNALDATE "23-Nov-2026 16:00:00 +0000" FLAGS (\\Seen) X-GM-MSGID 18446744073709551615 X-GM-LABELS (\\Important "Work/Projects" &AMk-t&AOk-))',
    [],
  ],
  'no labels': ['* 2 FETCH (UID 5 X-GM-MSGID 1 X-GM-LABELS ())', []],
  'a label as a literal, one with an escaped quote': [
    '* 3 FETCH (UID 6 X-GM-LABELS ({5}\r\n "say \\"hi\\"") X-GM-MSGID 99)',
    [Buffer.from('R&-D ')],
  ],
};

for (const [name, [line, literals]] of Object.entries(SAME)) {
  test(`same row from imapflow's parser: ${name}`, async () => {
    const lean = readFetchRow(bytes(line, literals).payload, literals);
    assert.ok(lean !== null, 'the lean reader reads it');
    assert.equal(lean, rowOfParsed(await parsed(line, literals)));
  });
}

test("labels with brackets ([Imap]/Sent, an astring that is no atom) are left to imapflow's parser, which reads them", async () => {
  const line = '* 1 FETCH (UID 4 X-GM-MSGID 7 X-GM-LABELS ([Imap]/Sent "[Imap]/Trash" Foo]Bar \\Inbox))';
  assert.is(readFetchRow(bytes(line).payload, []), null);
  assert.equal(rowOfParsed(await parsed(line)), {
    uid: 4,
    gmailMessageId: '7',
    labels: ['[Imap]/Sent', '[Imap]/Trash', 'Foo]Bar', '\\Inbox'],
  });
});

test('labels: quoted strings and literals give their text, atoms their bytes', () => {
  const [line, literals] = SAME['a label as a literal, one with an escaped quote']!;
  assert.equal(readFetchRow(bytes(line, literals).payload, literals)?.labels, ['R&-D ', 'say "hi"']);
});

test('uidFetch decodes labels as imapflow decodes folder names (modified UTF-7)', () => {
  const [line] = SAME['the identity items with them, as mailshift asks']!;
  const row = readFetchRow(bytes(line).payload, [])!;
  assert.equal(withDecodedLabels(flow, row).labels, ['\\Important', 'Work/Projects', 'Ét\u00e9']);
  assert.equal(withDecodedLabels(flow, { uid: 1, labels: ['R&-D'] }).labels, ['R&D']);
  const utf8 = { ...SESSION, enabled: new Set(['UTF8=ACCEPT']) } as unknown as ImapFlow;
  assert.equal(withDecodedLabels(utf8, { uid: 1, labels: ['R&-D'] }).labels, ['R&-D'], 'UTF-8 names stay as they are');
  assert.equal(withDecodedLabels(flow, { uid: 1 }), { uid: 1 }, 'a row without labels is left alone');
});

const MALFORMED: Record<string, [string, RegExp]> = {
  'a message id that is no number': ['* 1 FETCH (UID 1 X-GM-MSGID 12ab)', /of UID 1 gives X-GM-MSGID as 12ab/],
  'a message id above 2^64-1': [
    '* 1 FETCH (UID 1 X-GM-MSGID 18446744073709551616)',
    /of UID 1 gives X-GM-MSGID as 18446744073709551616/,
  ],
  'a quoted message id': ['* 1 FETCH (UID 1 X-GM-MSGID "5")', /of UID 1 gives X-GM-MSGID as "5"/],
  'labels that are not a list': ['* 1 FETCH (UID 1 X-GM-LABELS Inbox)', /of UID 1 gives X-GM-LABELS as Inbox/],
  'a list inside the labels': ['* 1 FETCH (UID 1 X-GM-LABELS ((a)))', /of UID 1 gives X-GM-LABELS as a list/],
};

for (const [name, [line, said]] of Object.entries(MALFORMED)) {
  test(`malformed, by either parser: ${name}`, async () => {
    const isIt = (error: unknown) => error instanceof MalformedAnswer && said.test(error.message);
    assert.throws(() => readFetchRow(bytes(line).payload, []), isIt);
    const answer = await parsed(line);
    let byImapflow: unknown = null;
    try {
      rowOfParsed(answer);
    } catch (error) {
      byImapflow = error;
    }
    assert.ok(isIt(byImapflow), `imapflow's parse too: ${String(byImapflow)}`);
  });
}

// The public-API path: imapflow's fetch() asks X-GM-MSGID for `emailId` and X-GM-LABELS for
// `labels`, and formats each answer with formatMessageResponse (labels decoded as folder names).
const GMAIL_ITEMS = [item('UID'), item('FLAGS'), item('X-GM-MSGID'), item('X-GM-LABELS')];

test('queryOf asks fetch() for emailId and labels', () => {
  assert.equal(queryOf(GMAIL_ITEMS).query, { uid: true, flags: true, emailId: true, labels: true });
});

test("rowOfMessage gives the lean reader's row, decoded, from fetch()'s message object", async () => {
  const line =
    '* 7 FETCH (UID 40 FLAGS (\\Seen) X-GM-MSGID 1278455344230334865 X-GM-LABELS (\\Inbox "Muy Importante" &AMk-t&AOk-))';
  const message = await fetchedMessage(line);
  const { query, body } = queryOf(GMAIL_ITEMS);
  const fromFetch = rowOfMessage(message, query, body);
  const lean = withDecodedLabels(flow, readFetchRow(bytes(line).payload, [])!);
  assert.equal(fromFetch, lean);
  assert.equal(fromFetch, {
    uid: 40,
    flags: ['\\Seen'],
    gmailMessageId: '1278455344230334865',
    labels: ['\\Inbox', 'Muy Importante', 'Ét\u00e9'],
  });
});

test('rowOfMessage leaves out what was not asked for', async () => {
  const line = '* 7 FETCH (UID 40 FLAGS () X-GM-MSGID 5 X-GM-LABELS (a))';
  const message = await fetchedMessage(line);
  const { query, body } = queryOf([item('UID'), item('FLAGS')]);
  assert.equal(rowOfMessage(message, query, body), { uid: 40, flags: [] });
});

test.run();
