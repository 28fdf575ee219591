import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError, problem, type ErrorCode } from '../../../src/errors.ts';
import { isRetryable, withRetry } from '../../../src/apply/retry.ts';
import { StopSignal } from '../../../src/apply/stop.ts';
import { ServerThrottled } from '../../../src/imap/throttle-answer.ts';

const place = { side: 'source' as const, accountId: 'alice', host: 'imap.example', port: 993 };

// withRetry on a fake clock: `sleep` moves the clock on by what it was asked to wait, so the
// backoff sequence and the budget are exact and no test waits for real.

function fakeClock(): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  waits: number[];
  advance: (ms: number) => void;
} {
  let time = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
    },
    waits,
    advance: (ms) => (time += ms),
  };
}

const failure = (code: ErrorCode, message = `${code} happened`) => new MailshiftError(problem(code, message));
const dropped = () => failure('CONNECTION_LOST', 'the connection dropped');

/** An attempt that fails with `errors[round]` while there is one, then returns 'done'. */
function failing(errors: unknown[]): { attempt: (round: number) => Promise<string>; rounds: number[] } {
  const rounds: number[] = [];
  return {
    rounds,
    attempt: async (round) => {
      rounds.push(round);
      if (round < errors.length) throw errors[round];
      return 'done';
    },
  };
}

test('the backoff doubles from 1 s (1, 2, 4, 8, 16 s) and is capped at 30 s', async () => {
  const clock = fakeClock();
  const { attempt, rounds } = failing(Array.from({ length: 8 }, dropped));
  const result = await withRetry(attempt, { budgetSeconds: 3600, sleep: clock.sleep, now: clock.now });
  assert.is(result, 'done');
  assert.equal(clock.waits, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  assert.equal(rounds, [0, 1, 2, 3, 4, 5, 6, 7, 8], 'each attempt is told its round');
});

test('every retry is announced to onRetry with its error and wait, before the wait', async () => {
  const clock = fakeClock();
  const errors = [dropped(), failure('TIMEOUT')];
  const seen: Array<[unknown, number, number]> = [];
  await withRetry(failing(errors).attempt, {
    budgetSeconds: 3600,
    sleep: clock.sleep,
    now: clock.now,
    onRetry: (error, waitMs) => seen.push([error, waitMs, clock.waits.length]),
  });
  assert.equal(seen, [
    [errors[0], 1000, 0],
    [errors[1], 2000, 1],
  ]);
});

const o365 = (ms: number) =>
  new ServerThrottled(place, `Request is throttled. Suggested Backoff Time: ${ms} milliseconds`, ms, 'UID FETCH');

test('a server\'s "Suggested Backoff Time" is waited in full, however long (Office 365 asks about 300 s)', async () => {
  const clock = fakeClock();
  await withRetry(failing([o365(12_345), dropped(), o365(250), o365(299_961)]).attempt, {
    budgetSeconds: 3600,
    sleep: clock.sleep,
    now: clock.now,
  });
  assert.equal(
    clock.waits,
    [12_345, 1000, 250, 299_961],
    'the suggestions as asked; the drop its own doubling from 1 s',
  );
});

test('a throttle wait does not count against the dropped-connection budget', async () => {
  const clock = fakeClock();
  const { attempt, rounds } = failing([dropped(), o365(299_961), dropped(), dropped()]);
  const result = await withRetry(attempt, { budgetSeconds: 10, sleep: clock.sleep, now: clock.now });
  assert.is(result, 'done', 'three drops (1 + 2 + 4 s) fit a 10 s budget although 300 s of throttling came between');
  assert.equal(clock.waits, [1000, 299_961, 2000, 4000]);
  assert.equal(rounds, [0, 1, 2, 3, 4]);
});

test('an IMAP_ERROR that only reads like throttling ([LIMIT], [INUSE]) is retried within the connection budget, a suggestion capped at 30 s', async () => {
  const clock = fakeClock();
  const said = (text: string) => failure('IMAP_ERROR', text);
  await withRetry(
    failing([said('NO [INUSE] Suggested Backoff Time: 12345 milliseconds'), said('NO [LIMIT] later'), dropped()])
      .attempt,
    { budgetSeconds: 3600, sleep: clock.sleep, now: clock.now },
  );
  assert.equal(clock.waits, [12_345, 2000, 4000]);
  const capped = fakeClock();
  await withRetry(failing([said('NO [INUSE] Suggested Backoff Time: 90000 milliseconds')]).attempt, {
    budgetSeconds: 3600,
    sleep: capped.sleep,
    now: capped.now,
  });
  assert.equal(capped.waits, [30_000]);
});

test('a throttling answer that names no wait doubles from 1 s, counted apart from the drops', async () => {
  const clock = fakeClock();
  const gmail = () => new ServerThrottled(place, '[THROTTLED] slow down', null, 'UID FETCH');
  await withRetry(failing([gmail(), gmail(), dropped(), gmail()]).attempt, {
    budgetSeconds: 3600,
    sleep: clock.sleep,
    now: clock.now,
  });
  assert.equal(clock.waits, [1000, 2000, 1000, 4000]);
});

test('a throttle wait goes to the throttle waiter given, with what the server asked', async () => {
  const clock = fakeClock();
  const asked: Array<[unknown, number]> = [];
  const throttled = new ServerThrottled(
    place,
    'Request is throttled. Suggested Backoff Time: 1500 milliseconds',
    1500,
    'EXAMINE',
  );
  await withRetry(failing([throttled]).attempt, {
    budgetSeconds: 3600,
    sleep: clock.sleep,
    now: clock.now,
    throttle: {
      wait: async (error, ms) => {
        asked.push([error, ms]);
        clock.advance(ms);
      },
    },
  });
  assert.equal(asked, [[throttled, 1500]]);
  assert.equal(clock.waits, [], 'the waiter waited, not withRetry');
});

test('without a waiter, throttle waits are bounded by a budget of 2 h: past it the account stops with THROTTLED', async () => {
  const clock = fakeClock();
  const error = await withRetry(failing(Array.from({ length: 5 }, () => o365(3_000_000))).attempt, {
    budgetSeconds: 60,
    sleep: clock.sleep,
    now: clock.now,
  }).then(
    () => assert.unreachable('should throw'),
    (thrown) => thrown,
  );
  assert.equal(clock.waits, [3_000_000, 3_000_000], 'a third 50 min wait would pass 2 h');
  assert.is((error as MailshiftError).code, 'THROTTLED');
  assert.match((error as Error).message, /budget of 7200 s/);
});

test('the budget ends retrying: a wait that would pass it is not begun, and the last error is thrown', async () => {
  const clock = fakeClock();
  const errors = Array.from({ length: 10 }, dropped);
  const { attempt, rounds } = failing(errors);
  const retried: number[] = [];
  const run = withRetry(attempt, {
    budgetSeconds: 10,
    sleep: clock.sleep,
    now: clock.now,
    onRetry: (_, waitMs) => retried.push(waitMs),
  });
  await run.then(
    () => assert.unreachable('should throw'),
    (error) => assert.is(error, errors[3]),
  );
  assert.equal(clock.waits, [1000, 2000, 4000], '7 s spent; 8 s more would pass 10 s');
  assert.equal(retried, [1000, 2000, 4000], 'no retry announced that does not happen');
  assert.equal(rounds, [0, 1, 2, 3]);
});

test('the budget counts the time the attempts took, not only the waits', async () => {
  const clock = fakeClock();
  const errors = Array.from({ length: 10 }, dropped);
  const rounds: number[] = [];
  const attempt = async (round: number) => {
    rounds.push(round);
    clock.advance(4000); // a slow command before the drop
    throw errors[round];
  };
  await withRetry(attempt, { budgetSeconds: 10, sleep: clock.sleep, now: clock.now }).then(
    () => assert.unreachable('should throw'),
    (error) => assert.is(error, errors[1]),
  );
  assert.equal(clock.waits, [1000], '4 s + 1 s + 4 s spent; a wait of 2 s would pass 10 s');
  assert.equal(rounds, [0, 1]);
});

test('a budget of 0 s means one attempt and no retry', async () => {
  const clock = fakeClock();
  const { attempt, rounds } = failing([dropped()]);
  await withRetry(attempt, { budgetSeconds: 0, sleep: clock.sleep, now: clock.now }).then(
    () => assert.unreachable('should throw'),
    () => undefined,
  );
  assert.equal(rounds, [0]);
  assert.equal(clock.waits, []);
});

test('errors that are not retryable are thrown at once, without a wait', async () => {
  const cases: Array<[string, unknown]> = [
    ['a plain Error (a bug, not the network)', new Error('undefined is not a function')],
    ['a thrown string', 'boom'],
    ['LOGIN_FAILED', failure('LOGIN_FAILED')],
    ['TLS_FAILED', failure('TLS_FAILED')],
    ['IMAP_ERROR that is not throttling', failure('IMAP_ERROR', 'NO [TRYCREATE] no such mailbox')],
    ['STATE_WRITE', failure('STATE_WRITE')],
  ];
  for (const [name, error] of cases) {
    const clock = fakeClock();
    const { attempt, rounds } = failing([error]);
    await withRetry(attempt, { budgetSeconds: 3600, sleep: clock.sleep, now: clock.now }).then(
      () => assert.unreachable(name),
      (thrown) => assert.is(thrown, error, name),
    );
    assert.equal(rounds, [0], name);
    assert.equal(clock.waits, [], name);
  }
});

test('retryable are exactly a lost or failed connection, a timeout, and a server asking to slow down', () => {
  const cases: Array<[unknown, boolean]> = [
    [failure('CONNECTION_LOST'), true],
    [failure('TIMEOUT'), true],
    [failure('CONNECT_FAILED'), true],
    [failure('IMAP_ERROR', 'NO [UNAVAILABLE] try later'), true],
    [failure('IMAP_ERROR', 'NO [LIMIT] too many commands'), true],
    [failure('IMAP_ERROR', 'NO [INUSE] mailbox in use'), true],
    [failure('IMAP_ERROR', 'NO Request is throttled. Suggested Backoff Time: 1000 milliseconds'), true],
    [failure('IMAP_ERROR', 'NO [THROTTLED] slow down'), true],
    [new ServerThrottled(place, 'Request is throttled.', 1000, 'APPEND'), true],
    [failure('IMAP_ERROR', 'NO [OVERQUOTA] quota exceeded'), false],
    [failure('OVERQUOTA', 'NO [OVERQUOTA] quota exceeded'), false],
    [failure('DNS_FAILED'), false],
    [failure('LOGIN_FAILED', 'too many login failures'), false],
    [new Error('CONNECTION_LOST'), false],
  ];
  for (const [error, retryable] of cases) assert.is(isRetryable(error), retryable, (error as Error).message);
});

test('after stop, a failed attempt is not retried', async () => {
  const clock = fakeClock();
  const stop = new StopSignal();
  const errors = [dropped(), dropped()];
  const rounds: number[] = [];
  const attempt = async (round: number) => {
    rounds.push(round);
    stop.stop(); // Ctrl-C while the command ran
    throw errors[round];
  };
  await withRetry(attempt, { budgetSeconds: 3600, sleep: clock.sleep, now: clock.now, stop }).then(
    () => assert.unreachable('should throw'),
    (error) => assert.is(error, errors[0]),
  );
  assert.equal(rounds, [0]);
  assert.equal(clock.waits, []);
});

test('a stop during a backoff ends the wait early and starts no further attempt', async () => {
  const stop = new StopSignal();
  const waits: number[] = [];
  const never = (ms: number) => {
    waits.push(ms);
    setImmediate(() => stop.stop());
    return new Promise<void>(() => undefined); // a wait that would outlast the test
  };
  const { attempt, rounds } = failing([dropped(), dropped()]);
  const error = await withRetry(attempt, { budgetSeconds: 3600, sleep: never, stop }).then(
    () => assert.unreachable('should throw'),
    (thrown) => thrown,
  );
  assert.instance(error, MailshiftError);
  assert.equal(rounds, [0], 'the retry after the wait did not run');
  assert.equal(waits, [1000]);
});

test('a stop already given before the first attempt does not prevent that attempt', async () => {
  const stop = new StopSignal();
  stop.stop();
  const { attempt, rounds } = failing([]);
  assert.is(await withRetry(attempt, { budgetSeconds: 3600, stop }), 'done');
  assert.equal(rounds, [0]);
});

test('with the real timer, a stop ends a 30 s backoff at once and leaves no timer behind to hold the process', async () => {
  const stop = new StopSignal();
  const throttled = failure('IMAP_ERROR', 'NO [UNAVAILABLE] Suggested Backoff Time: 30000 milliseconds');
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const started = Date.now();
  setImmediate(() => stop.stop());
  await withRetry(failing([throttled, throttled]).attempt, { budgetSeconds: 3600, stop }).then(
    () => assert.unreachable('should throw'),
    (error) => assert.is(error, throttled),
  );
  assert.ok(Date.now() - started < 5000, 'did not wait out the backoff');
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(timers(), before, 'the backoff timer was cleared');
});

test.run();
