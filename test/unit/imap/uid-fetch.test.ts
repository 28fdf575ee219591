import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { notHeaderFields } from '../../../src/imap/fetch-messages.ts';
import { answers, fieldsAsked, item, uidSetMembership } from '../../../src/imap/uid-fetch.ts';

// A server may send, amid a FETCH's answer, news about a message the FETCH did not ask for: a
// flag another session set. Some servers put the UID in it; such a row must not pass for an answer.

const IDENTITY = [
  item('UID'),
  item('RFC822.SIZE'),
  item('INTERNALDATE'),
  item('FLAGS'),
  item('BODY.PEEK', [item('HEADER.FIELDS'), [item('MESSAGE-ID')]]),
];

test('fieldsAsked: the row fields the data items fill in', () => {
  assert.equal(fieldsAsked(IDENTITY), ['uid', 'size', 'internalDate', 'flags', 'body']);
  assert.equal(fieldsAsked([item('UID'), item('BODY.PEEK', [])]), ['uid', 'body']);
  assert.equal(fieldsAsked([item('uid'), item('flags')]), ['uid', 'flags']);
});

test('fieldsAsked: on Gmail a row must carry X-GM-MSGID and X-GM-LABELS too', () => {
  const gmail = [...IDENTITY, item('X-GM-MSGID'), item('X-GM-LABELS')];
  assert.equal(fieldsAsked(gmail), ['uid', 'size', 'internalDate', 'flags', 'body', 'gmailMessageId', 'labels']);
  const row = { uid: 4, size: 10, internalDate: 'x', flags: [], body: null, gmailMessageId: '1' };
  assert.not.ok(answers(row, fieldsAsked(gmail)), 'without its labels the row is no answer');
  assert.ok(answers({ ...row, labels: [] }, fieldsAsked(gmail)), 'an empty label list is one');
});

test('answers: only a row with every field asked for', () => {
  const fields = fieldsAsked(IDENTITY);
  const whole = {
    uid: 4,
    size: 10,
    internalDate: '23-Nov-2026 16:00:00 +0000',
    flags: [],
    body: Buffer.from('Message-ID: <a@b>\r\n\r\n'),
  };
  assert.ok(answers(whole, fields));
  assert.ok(answers({ ...whole, body: null }, fields), 'NIL is an answer');
  assert.not.ok(answers({ uid: 4, flags: ['\\Flagged'] }, fields), 'news of a flag change');
  assert.ok(
    answers({ uid: 4, flags: ['\\Flagged'] }, fieldsAsked([item('UID'), item('FLAGS')])),
    'which is the answer to a flags FETCH',
  );
  assert.not.ok(answers({ uid: 4, flags: [] }, fieldsAsked([item('UID'), item('BODY.PEEK', [])])));
});

test('uidSetMembership: numbers bound the answer, a range with "*" holds whatever UID is highest', () => {
  const inSet = uidSetMembership('3,9:12,20:15');
  assert.equal([1, 3, 4, 9, 12, 13, 15, 17, 20, 21].filter(inSet), [3, 9, 12, 15, 17, 20]);
  assert.ok(uidSetMembership('4711:*')(12), 'the server answers "4711:*" with its last message, UID 12');
  assert.ok(uidSetMembership('1:*')(4294967295));
});

test('notHeaderFields: field lines and their continuations, then the empty line, then nothing', () => {
  const ok = (text: string) => assert.is(notHeaderFields(Buffer.from(text, 'latin1')), null, JSON.stringify(text));
  ok('Message-ID: <a@b>\r\nReceived: from x\r\n\tby y\r\n\r\n');
  ok('\r\n');
  ok('');
  ok('Message-Id : <obsolete@syntax>\r\n\r\n');
  ok('Message-ID: <no-empty-line@end>\r\n');
  assert.match(
    notHeaderFields(
      Buffer.from(
        'Message-ID: <a@b>\r\n\r\n)\r\n* 2 FETCH (UID 20 FLAGS () BODY[HEADER.FIELDS (MESSAGE-ID)] {20}\r\nMessage-ID: <c@d>\r\n\r\n',
      ),
    )!,
    /text after the empty line that ends them: "\)"/,
  );
  assert.match(
    notHeaderFields(Buffer.from('Message-ID: <a@b>\r\n* 2 FETCH (UID 20 RFC822.SIZE 3)\r\n\r\n'))!,
    /neither a field nor its continuation: "\* 2 FETCH/,
  );
});

test.run();
