import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answers, fieldsAsked, item } from '../../../src/imap/uid-fetch.ts';

// A server may send, amid a FETCH's answer, news about a message the FETCH did not ask for: a
// flag another session set. Some servers put the UID in it; such a row must not pass for an answer.

const IDENTITY = [item('UID'), item('RFC822.SIZE'), item('INTERNALDATE'), item('FLAGS'), item('BODY.PEEK', [item('HEADER.FIELDS'), [item('MESSAGE-ID')]])];

test('fieldsAsked: the row fields the data items fill in', () => {
  assert.equal(fieldsAsked(IDENTITY), ['uid', 'size', 'internalDate', 'flags', 'body']);
  assert.equal(fieldsAsked([item('UID'), item('BODY.PEEK', [])]), ['uid', 'body']);
  assert.equal(fieldsAsked([item('uid'), item('flags')]), ['uid', 'flags']);
});

test('answers: only a row with every field asked for', () => {
  const fields = fieldsAsked(IDENTITY);
  const whole = { uid: 4, size: 10, internalDate: '23-Nov-2026 16:00:00 +0000', flags: [], body: Buffer.from('Message-ID: <a@b>\r\n\r\n') };
  assert.ok(answers(whole, fields));
  assert.ok(answers({ ...whole, body: null }, fields), 'NIL is an answer');
  assert.not.ok(answers({ uid: 4, flags: ['\\Flagged'] }, fields), 'news of a flag change');
  assert.ok(answers({ uid: 4, flags: ['\\Flagged'] }, fieldsAsked([item('UID'), item('FLAGS')])), 'which is the answer to a flags FETCH');
  assert.not.ok(answers({ uid: 4, flags: [] }, fieldsAsked([item('UID'), item('BODY.PEEK', [])])));
});

test.run();
