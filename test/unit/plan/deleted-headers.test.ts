// What a deleted message is shown by: its Date, From and Subject, decoded and made safe to print.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  HEADER_LIMITS,
  isPrintableValue,
  parseShownHeaders,
  printableValue,
  withDeletedHeaders,
} from '../../../src/plan/deleted-headers.ts';
import type { FolderPlan } from '../../../src/plan/types.ts';

const parsed = (raw: string) => parseShownHeaders(Buffer.from(raw, 'utf8'));

const CASES: Array<[string, string, { date?: string | null; from?: string | null; subject?: string | null }]> = [
  [
    'plain headers',
    'Date: Sat, 1 Nov 2026 10:00:00 +0000\r\nFrom: Bob <bob@test>\r\nSubject: Hello\r\n\r\n',
    { date: 'Sat, 1 Nov 2026 10:00:00 +0000', from: 'Bob <bob@test>', subject: 'Hello' },
  ],
  ['absent headers are null', 'Subject: only\r\n\r\n', { date: null, from: null, subject: 'only' }],
  ['field names in any case, the first of each', 'SUBJECT: first\r\nsubject: second\r\n\r\n', { subject: 'first' }],
  [
    'folded lines unfold',
    'Subject: a long\r\n  subject\r\n\tcontinued\r\n\r\n',
    { subject: 'a long subject continued' },
  ],
  ['RFC 2047 B in UTF-8', 'Subject: =?UTF-8?B?UmVjaG51bmcgTcOkcno=?=\r\n\r\n', { subject: 'Rechnung März' }],
  [
    'RFC 2047 Q in ISO-8859-1, in a display name',
    'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@test>\r\n\r\n',
    { from: 'Jörg Müller <joerg@test>' },
  ],
  [
    'adjacent encoded words join without the space between them',
    'Subject: =?UTF-8?Q?one?= =?UTF-8?Q?two?=\r\n\r\n',
    { subject: 'onetwo' },
  ],
  ['raw UTF-8 (RFC 6532)', 'Subject: Grüße\r\n\r\n', { subject: 'Grüße' }],
  [
    'terminal escapes are stripped',
    'Subject: \u001b[2J\u001b]8;;http://evil\u0007click\u001b]8;;\u0007 me\r\n\r\n',
    { subject: '[2J]8;;http://evilclick]8;; me' },
  ],
  [
    'encoded control characters are stripped too',
    'Subject: =?UTF-8?Q?a=1B[31mred=0Aline?=\r\n\r\n',
    { subject: 'a[31mred line' },
  ],
  ['bidi overrides are stripped', 'Subject: invoice\u202eexe.pdf\r\n\r\n', { subject: 'invoiceexe.pdf' }],
];

for (const [name, raw, expected] of CASES) {
  test(`shown headers: ${name}`, () => {
    const headers = parsed(raw);
    for (const [key, value] of Object.entries(expected)) assert.is(headers[key as keyof typeof headers], value, key);
  });
}

test('values are capped, ending in …, and never split a character', () => {
  const subject = parsed(`Subject: ${'ä'.repeat(150)}${'😀'.repeat(150)}\r\n\r\n`).subject!;
  assert.is(Array.from(subject).length, HEADER_LIMITS.subject);
  assert.ok(subject.endsWith('…'));
  assert.not.match(subject, /[\ud800-\udfff](?![\udc00-\udfff])/u);
});

test('isPrintableValue accepts what printableValue writes and nothing else', () => {
  assert.ok(isPrintableValue(printableValue('a\u001b[1mb', 200), 200));
  assert.not.ok(isPrintableValue('a\u001b[1mb', 200));
  assert.not.ok(isPrintableValue('two\nlines', 200));
  assert.not.ok(isPrintableValue('x'.repeat(201), 200));
});

test("withDeletedHeaders gives each deletion its side's headers, and leaves other actions and unread UIDs alone", () => {
  const folder: FolderPlan = {
    source: 'INBOX',
    target: 'INBOX',
    mappedBy: 'inbox',
    sourceState: null,
    targetState: null,
    notes: [],
    actions: [
      { op: 'copy', uid: 1, size: 1, internalDate: '', flags: [], identity: 'c' },
      { op: 'deleteTarget', uid: 1, identity: 't' },
      { op: 'deleteTarget', uid: 2, identity: 't2' },
      { op: 'deleteSource', uid: 1, identity: 's', targetUid: null },
    ],
  };
  const h = (subject: string) => ({ date: null, from: null, subject });
  const out = withDeletedHeaders(folder, {
    source: new Map([[1, h('source 1')]]),
    target: new Map([[1, h('target 1')]]),
  });
  assert.equal(
    out.actions.map((a) => ('headers' in a ? a.headers?.subject : undefined)),
    [undefined, 'target 1', undefined, 'source 1'],
  );
});

test.run();
