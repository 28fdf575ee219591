import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_LINE_BYTES, TraceLines } from '../../../src/imap/trace-lines.ts';
import { REDACTED, TraceRedaction } from '../../../src/imap/trace-redaction.ts';

// The trace's two pure parts on the byte shapes a session has: client bytes (as chunks, as they
// are written) and server bytes become `C:`/`S:` lines with credentials and literals left out.

const PASSWORD = 's3cr3t-pass';
const TOKEN = 'ya29.tokenvalue';

/** A session fed as `[direction, bytes]` chunks in wire order; its trace lines. */
function trace(chunks: Array<['C' | 'S', string]>, secrets: string[] = []): string[] {
  const lines: string[] = [];
  const redaction = new TraceRedaction(secrets);
  const client = new TraceLines((text, continued) => lines.push(`C: ${redaction.client(text, continued)}`), true);
  const server = new TraceLines((text) => lines.push(`S: ${redaction.server(text)}`), false);
  for (const [side, bytes] of chunks) (side === 'C' ? client : server).push(Buffer.from(bytes, 'latin1'));
  return lines;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

function assertNoSecret(lines: string[], ...secrets: string[]): void {
  const text = lines.join('\n');
  for (const secret of secrets) assert.not.ok(text.includes(secret), `"${secret}" is in the trace:\n${text}`);
}

test('LOGIN with a quoted password: the user stays, the password is redacted', () => {
  const lines = trace([
    ['C', `a1 LOGIN "alice@example.org" "${PASSWORD}"\r\n`],
    ['S', 'a1 OK Logged in\r\n'],
  ]);
  assert.equal(lines, [`C: a1 LOGIN "alice@example.org" ${REDACTED}`, 'S: a1 OK Logged in']);
});

test('LOGIN with an atom password, and a quoted one holding escaped quotes and spaces', () => {
  assert.equal(trace([['C', `a1 login alice ${PASSWORD}\r\n`]]), [`C: a1 login alice ${REDACTED}`]);
  assert.equal(trace([['C', 'a1 LOGIN "al\\"ice" "p w \\" x"\r\n']]), [`C: a1 LOGIN "al\\"ice" ${REDACTED}`]);
});

test('LOGIN with a synchronizing literal password: neither the password nor its length is shown', () => {
  const lines = trace([
    ['C', `a1 LOGIN alice {${PASSWORD.length}}\r\n`],
    ['S', '+ OK\r\n'],
    ['C', `${PASSWORD}\r\n`],
    ['S', 'a1 OK done\r\n'],
  ]);
  assert.equal(lines, [`C: a1 LOGIN alice ${REDACTED}`, 'S: + OK', `C: ${REDACTED}`, 'S: a1 OK done']);
});

test('LOGIN with a non-synchronizing literal user: the text after the literal (the password) is redacted', () => {
  const lines = trace([['C', `a1 LOGIN {5+}\r\nalice "${PASSWORD}"\r\n`]]);
  assert.equal(lines, [`C: a1 LOGIN ${REDACTED}`]);
});

test('AUTHENTICATE PLAIN with SASL-IR: the initial response is redacted', () => {
  const response = b64(`\0alice\0${PASSWORD}`);
  const lines = trace([
    ['C', `a2 AUTHENTICATE PLAIN ${response}\r\n`],
    ['S', 'a2 OK Logged in\r\n'],
    ['C', 'a3 LIST "" "*"\r\n'],
  ]);
  assert.equal(lines, [`C: a2 AUTHENTICATE PLAIN ${REDACTED}`, 'S: a2 OK Logged in', 'C: a3 LIST "" "*"']);
  assertNoSecret(lines, response, PASSWORD);
});

test('AUTHENTICATE PLAIN with a continuation: the line after "+" is redacted, until the tagged answer', () => {
  const response = b64(`admin\0alice\0${PASSWORD}`);
  const lines = trace([
    ['C', 'a2 AUTHENTICATE PLAIN\r\n'],
    ['S', '+ \r\n'],
    ['C', `${response}\r\n`],
    ['S', '* CAPABILITY IMAP4rev1\r\na2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n'],
    ['C', 'a3 LOGOUT\r\n'],
  ]);
  assert.equal(lines, [
    'C: a2 AUTHENTICATE PLAIN',
    'S: + ',
    `C: ${REDACTED}`,
    'S: * CAPABILITY IMAP4rev1',
    'S: a2 NO [AUTHENTICATIONFAILED] Authentication failed.',
    'C: a3 LOGOUT',
  ]);
  assertNoSecret(lines, response, PASSWORD);
});

test('AUTHENTICATE XOAUTH2, with SASL-IR and after an empty "+"; the empty abort line stays empty', () => {
  const payload = b64(`user=alice\x01auth=Bearer ${TOKEN}\x01\x01`);
  const withIr = trace([
    ['C', `a2 AUTHENTICATE XOAUTH2 ${payload}\r\n`],
    ['S', `+ ${b64('{"status":"401"}')}\r\n`],
    ['C', '\r\n'],
    ['S', 'a2 NO failed\r\n'],
  ]);
  assert.equal(withIr, [
    `C: a2 AUTHENTICATE XOAUTH2 ${REDACTED}`,
    `S: + ${b64('{"status":"401"}')}`,
    'C: ',
    'S: a2 NO failed',
  ]);
  const without = trace([
    ['C', 'a2 AUTHENTICATE XOAUTH2\r\n'],
    ['S', '+ \r\n'],
    ['C', `${payload}\r\n`],
    ['S', 'a2 OK\r\n'],
  ]);
  assert.equal(without[2], `C: ${REDACTED}`);
  assertNoSecret([...withIr, ...without], payload, TOKEN);
});

test("AUTHENTICATE LOGIN: both of the mechanism's continuations (user and password) are redacted", () => {
  const lines = trace([
    ['C', 'a2 AUTHENTICATE LOGIN\r\n'],
    ['S', `+ ${b64('Username:')}\r\n`],
    ['C', `${b64('alice')}\r\n`],
    ['S', `+ ${b64('Password:')}\r\n`],
    ['C', `${b64(PASSWORD)}\r\n`],
    ['S', 'a2 OK\r\n'],
  ]);
  assert.equal(lines, [
    'C: a2 AUTHENTICATE LOGIN',
    `S: + ${b64('Username:')}`,
    `C: ${REDACTED}`,
    `S: + ${b64('Password:')}`,
    `C: ${REDACTED}`,
    'S: a2 OK',
  ]);
  assertNoSecret(lines, b64(PASSWORD));
});

test('a credential split over many chunks, byte by byte, is redacted all the same', () => {
  const bytes = `a1 LOGIN alice "${PASSWORD}"\r\n`;
  const lines = trace([...bytes].map((c): ['C', string] => ['C', c]));
  assert.equal(lines, [`C: a1 LOGIN alice ${REDACTED}`]);
});

test('a line split across chunks, CR and LF in different chunks, is one trace line', () => {
  assert.equal(
    trace([
      ['S', '* OK [CAPA'],
      ['S', 'BILITY IMAP4rev1] ready\r'],
      ['S', '\n* BYE'],
    ]),
    ['S: * OK [CAPABILITY IMAP4rev1] ready'],
  );
});

test('a FETCH literal (a body or a header section) is its size, never its content, even split across chunks', () => {
  const body = 'Subject: private\r\n\r\nHello\r\n';
  const lines = trace([
    ['S', `* 1 FETCH (UID 7 BODY[] {${body.length}}\r\n${body.slice(0, 9)}`],
    ['S', body.slice(9)],
    ['S', ' FLAGS (\\Seen))\r\na5 OK done\r\n'],
  ]);
  assert.equal(lines, [
    `S: * 1 FETCH (UID 7 BODY[] {${body.length}} {${body.length} bytes} FLAGS (\\Seen))`,
    'S: a5 OK done',
  ]);
  const section = 'Message-ID: <x@y>\r\n\r\n';
  const headers = trace([
    ['S', `* 2 FETCH (UID 8 BODY[HEADER.FIELDS (MESSAGE-ID)] {${section.length}}\r\n${section})\r\n`],
  ]);
  assert.equal(headers, [
    `S: * 2 FETCH (UID 8 BODY[HEADER.FIELDS (MESSAGE-ID)] {${section.length}} {${section.length} bytes})`,
  ]);
});

test('a MULTIAPPEND with LITERAL+ is one line with each message as its size; an empty literal too', () => {
  const lines = trace([
    ['C', 'a6 APPEND "INBOX" (\\Seen) {5+}\r\nhello'],
    ['C', ' () {0+}\r\n'],
    ['C', ' {3+}\r\nabc'],
    ['C', '\r\n'],
  ]);
  assert.equal(lines, ['C: a6 APPEND "INBOX" (\\Seen) {5+} {5 bytes} () {0+} {0 bytes} {3+} {3 bytes}']);
});

test('a synchronizing APPEND literal: the line ends where the client waits for "+", the message is its size', () => {
  const lines = trace([
    ['C', 'a6 APPEND INBOX {5}\r\n'],
    ['S', '+ OK\r\n'],
    ['C', 'hello'],
    ['C', '\r\n'],
    ['S', 'a6 OK [APPENDUID 1 2] done\r\n'],
  ]);
  assert.equal(lines, ['C: a6 APPEND INBOX {5}', 'S: + OK', 'C: {5 bytes}', 'S: a6 OK [APPENDUID 1 2] done']);
});

test('a line longer than the limit is cut, noting how much was left out; a literal announced past the cut is still framed', () => {
  const long = `* SEARCH ${'1 '.repeat(MAX_LINE_BYTES)}`;
  const [line] = trace([['S', `${long}\r\n`]]);
  assert.ok(line!.length < MAX_LINE_BYTES + 100);
  assert.match(line!, new RegExp(`… \\(${long.length - MAX_LINE_BYTES} more bytes\\)$`));
  const lines = trace([['S', `* 1 FETCH (X ${'a'.repeat(MAX_LINE_BYTES)} BODY[] {3}\r\nabc)\r\n`]]);
  assert.match(lines[0]!, /more bytes\) \{3\} \{3 bytes\}\)$/);
  assert.equal(lines.length, 1);
});

test('a session secret echoed by the server (or anywhere else) is replaced; control bytes are escaped', () => {
  const lines = trace(
    [
      ['S', `a1 BAD Error in IMAP command LOGIN alice ${PASSWORD}\r\n`],
      ['S', '* OK a\x00b\r\n'],
    ],
    [PASSWORD],
  );
  assert.equal(lines, [`S: a1 BAD Error in IMAP command LOGIN alice ${REDACTED}`, 'S: * OK a\\x00b']);
});

test.run();
