import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  attachThrottleNotes,
  ServerThrottled,
  saysOverQuota,
  saysThrottled,
  suggestedBackoffMs,
  throttledFailure,
  throttleLogger,
  type ThrottleNotes,
} from '../../../src/imap/throttle-answer.ts';

// How the providers' throttling answers are told from refusals and lost connections, on errors
// shaped as imapflow rejects commands with them.

const place = { side: 'source' as const, accountId: 'alice', host: 'outlook.office365.com', port: 993 };

test("the providers' throttling words are throttling; a size limit, a full mailbox and a plain NO are not", () => {
  const cases: Array<[string, boolean]> = [
    ['Request is throttled. Suggested Backoff Time: 299961 milliseconds', true],
    ['[THROTTLED] Too many simultaneous commands', true],
    ['[UNAVAILABLE] Temporary System Problem. Account exceeded command or bandwidth limits', true],
    ['Account exceeded command or bandwidth limits', true],
    ['[LIMIT] Mail size is too large', false],
    ['[OVERQUOTA] Quota exceeded (mailbox for user is full)', false],
    ['[TRYCREATE] Mailbox does not exist', false],
    ['Server closed connection', false],
  ];
  for (const [text, throttled] of cases) assert.is(saysThrottled(text), throttled, text);
  assert.ok(saysOverQuota('[OVERQUOTA] Quota exceeded'));
  assert.not.ok(saysOverQuota('[LIMIT] too big'));
});

test('"Suggested Backoff Time: N milliseconds" gives N; no number, no wait', () => {
  assert.is(suggestedBackoffMs('Request is throttled. Suggested Backoff Time: 299961 milliseconds'), 299_961);
  assert.is(suggestedBackoffMs('[THROTTLED] slow down'), null);
});

test('an Office 365 NO that imapflow already waited part of: the rest of the wait is left', () => {
  const error = {
    code: 'ETHROTTLE',
    responseStatus: 'NO',
    responseText: 'Request is throttled. Suggested Backoff Time: 5000 milliseconds',
    throttleReset: 5000,
    throttleWaited: 2000,
  };
  const throttled = throttledFailure(error, place, undefined, 'UID FETCH', 'INBOX');
  assert.instance(throttled, ServerThrottled);
  assert.is(throttled!.waitMs, 3000);
  assert.is(throttled!.code, 'THROTTLED');
  assert.is(throttled!.said, 'Request is throttled. Suggested Backoff Time: 5000 milliseconds');
  assert.equal(throttled!.diagnostics[0]!.location, { account: 'alice', side: 'source', folder: 'INBOX' });
});

test("Gmail's NO [THROTTLED] (the code apart from the text, as imapflow gives it) names no wait", () => {
  const error = { responseStatus: 'NO', serverResponseCode: 'THROTTLED', responseText: 'Too many commands' };
  const throttled = throttledFailure(error, place, undefined, 'APPEND');
  assert.is(throttled!.said, '[THROTTLED] Too many commands');
  assert.is(throttled!.waitMs, null);
});

test('a bandwidth BYE that closed the connection is throttling; any other closed connection is not', () => {
  const bye = {
    code: 'NoConnection',
    reason: 'Temporary System Problem. Account exceeded command or bandwidth limits',
  };
  assert.instance(throttledFailure(bye, place, undefined, 'EXAMINE'), ServerThrottled);
  assert.is(
    throttledFailure({ code: 'NoConnection', reason: 'Server closed connection' }, place, undefined, 'EXAMINE'),
    null,
  );
  assert.is(throttledFailure({ code: 'ECONNRESET' }, place, { last: null }, 'EXAMINE'), null);
});

test("a connection dropped right after a throttling answer keeps its words and wait, from imapflow's log", () => {
  const notes: ThrottleNotes = { last: null };
  throttleLogger(notes).warn({
    msg: 'Throttling detected',
    throttleDelay: 299_961,
    err: { responseText: 'Request is throttled. Suggested Backoff Time: 299961 milliseconds' },
  });
  throttleLogger(notes).warn({ msg: 'something else' });
  const throttled = throttledFailure({ code: 'NoConnection' }, place, notes, 'UID FETCH', 'INBOX');
  assert.is(throttled!.said, 'Request is throttled. Suggested Backoff Time: 299961 milliseconds');
  assert.ok(
    throttled!.waitMs! > 299_000 && throttled!.waitMs! <= 299_961,
    `the rest of the wait: ${throttled!.waitMs}`,
  );
  // During the login, imapflow names the same drop otherwise.
  assert.instance(throttledFailure({ code: 'ClosedAfterConnectText' }, place, notes, 'login'), ServerThrottled);
  // Long after that wait, a drop is just a drop.
  notes.last!.at -= 400_000;
  assert.is(throttledFailure({ code: 'NoConnection' }, place, notes, 'UID FETCH', 'INBOX'), null);
});

/** A client as attachThrottleNotes sees it: its `response` listeners, and whether close() was called. */
function fakeFlow() {
  const listeners: Array<(response: { response: string; code?: string }) => void> = [];
  return {
    closed: 0,
    on(_event: 'response', listener: (response: { response: string; code?: string }) => void) {
      listeners.push(listener);
    },
    close() {
      this.closed++;
    },
    answer(response: string, code?: string) {
      for (const listener of listeners) listener(code === undefined ? { response } : { response, code });
    },
  };
}

test("imapflow about to wait out a Suggested Backoff Time itself: the session ends once its wait has begun, so the wait is the caller's", async () => {
  const flow = fakeFlow();
  const notes: ThrottleNotes = { last: null };
  attachThrottleNotes(flow, notes);
  const logger = throttleLogger(notes);
  logger.warn({ msg: 'Retrying throttled request with exponential backoff', delayMs: 1000 });
  logger.warn({ msg: 'Partial FETCH response' });
  await Promise.resolve();
  assert.is(flow.closed, 0, 'other warnings end nothing');
  logger.warn({
    msg: 'Throttling detected',
    throttleDelay: 1500,
    err: { responseText: 'Request is throttled. Suggested Backoff Time: 1500 milliseconds' },
  });
  assert.is(flow.closed, 0, 'not before imapflow has registered its wait (close() aborts only those)');
  await Promise.resolve();
  assert.is(flow.closed, 1);
  assert.is(notes.last!.waitMs, 1500);
});

test("an OK [THROTTLED], seen on imapflow's documented response event, is a slow-down to take once; other answers are not", () => {
  const flow = fakeFlow();
  const notes: ThrottleNotes = { last: null };
  attachThrottleNotes(flow, notes);
  flow.answer('OK', 'APPENDUID');
  flow.answer('NO', 'THROTTLED');
  flow.answer('OK');
  assert.is(notes.slowDown, undefined);
  flow.answer('OK', 'throttled');
  assert.match(notes.slowDown!, '[THROTTLED]');
});

test.run();
