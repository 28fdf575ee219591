import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MailshiftError } from '../../../src/errors.ts';
import { withRetry } from '../../../src/apply/retry.ts';
import { ServerGate, ServerGates, type GateClock } from '../../../src/apply/server-gate.ts';
import { StopSignal } from '../../../src/apply/stop.ts';
import { AccountThrottling, type ThrottleEpisode } from '../../../src/apply/throttle-waits.ts';
import { ServerThrottled } from '../../../src/imap/throttle-answer.ts';

// The per-server gate and an account's throttle waits on a fake clock: sleeps are queued and run
// in time order by `settle`, so concurrent waiters share one timeline and no test waits for real.

function fakeClock(): GateClock & { settle(): Promise<void>; readonly time: number } {
  let time = 0;
  const sleepers: Array<{ until: number; wake: () => void }> = [];
  return {
    now: () => time,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: time + ms, wake });
      }),
    get time() {
      return time;
    },
    async settle() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (sleepers.length === 0) return;
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers.shift()!;
        time = Math.max(time, next.until);
        next.wake();
      }
    },
  };
}

const place = (side: 'source' | 'target', accountId: string) => ({
  side,
  accountId,
  host: 'outlook.office365.com',
  port: 993,
});
const o365 = (accountId: string, ms: number) =>
  new ServerThrottled(
    place('source', accountId),
    `Request is throttled. Suggested Backoff Time: ${ms} milliseconds`,
    ms,
    'UID FETCH',
    'INBOX',
  );

function accountOn(
  gates: ServerGates,
  id: string,
  clock: GateClock,
  episodes: ThrottleEpisode[],
  budgetSeconds = 7200,
): AccountThrottling {
  const side = (host: string) => ({ gate: gates.of(host, 993), budgetSeconds });
  return new AccountThrottling(
    id,
    { source: side('outlook.office365.com'), target: side('imap.gmail.com') },
    async (episode) => {
      episodes.push(episode);
    },
    clock,
  );
}

test('a throttling answer to one account pauses every account on that server, as long as asked', async () => {
  const clock = fakeClock();
  const gates = new ServerGates(clock);
  const episodes: ThrottleEpisode[] = [];
  const alice = accountOn(gates, 'alice', clock, episodes);
  const bob = accountOn(gates, 'bob', clock, episodes);
  const done: Array<[string, number]> = [];
  const waiting = alice.wait(o365('alice', 299_961), 299_961).then(() => done.push(['alice', clock.now()]));
  // bob, not told anything, asks to send 10 messages to the same server meanwhile
  const pacing = bob.pace(10).then(() => done.push(['bob', clock.now()]));
  await clock.settle();
  await Promise.all([waiting, pacing]);
  assert.equal(done.sort(), [
    ['alice', 299_961],
    ['bob', 299_961],
  ]);
  assert.equal(episodes, [
    {
      account: 'alice',
      side: 'source',
      server: 'outlook.office365.com:993',
      folder: 'INBOX',
      said: 'Request is throttled. Suggested Backoff Time: 299961 milliseconds',
      askedMs: 299_961,
      waitedMs: 299_961,
    },
  ]);
});

test('withRetry holds every attempt of another account on that server until the pause is over', async () => {
  const clock = fakeClock();
  const gates = new ServerGates(clock);
  const bob = accountOn(gates, 'bob', clock, []);
  gates.of('outlook.office365.com', 993).throttled('alice', 5000);
  const started: number[] = [];
  const done = withRetry(async () => started.push(clock.now()), { budgetSeconds: 60, throttle: bob });
  await clock.settle();
  await done;
  assert.equal(started, [5000]);
});

test('another server is not paused by it', async () => {
  const clock = fakeClock();
  const gates = new ServerGates(clock);
  gates.of('outlook.office365.com', 993).throttled('alice', 60_000);
  let passed = false;
  const other = gates
    .of('imap.gmail.com', 993)
    .pace(5)
    .then(() => (passed = clock.now() === 0));
  await clock.settle();
  await other;
  assert.ok(passed, 'the other server went on at once');
  assert.is(gates.of('OUTLOOK.office365.com', 993), gates.of('outlook.office365.com', 993), 'one gate per host:port');
});

test('connections of one account throttled in the same pause make one episode, charged once to the budget', async () => {
  const clock = fakeClock();
  const gates = new ServerGates(clock);
  const episodes: ThrottleEpisode[] = [];
  const alice = accountOn(gates, 'alice', clock, episodes, 10);
  const all = Promise.all([alice.wait(o365('alice', 6000), 6000), alice.wait(o365('alice', 6000), 6000)]);
  await clock.settle();
  await all;
  assert.is(episodes.length, 1);
  assert.is(episodes[0]!.waitedMs, 6000);
  // 6 s of the 10 s budget spent: another 6 s wait does not fit and is not begun
  const error = (await alice.wait(o365('alice', 6000), 6000).then(
    () => assert.unreachable('the budget is spent'),
    (thrown) => thrown,
  )) as MailshiftError;
  assert.is(error.code, 'THROTTLED');
  assert.match(error.message, 'budget of 10 s');
  assert.is(clock.now(), 6000, 'no wait was begun');
});

test('a longer pause asked meanwhile stands; a shorter one does not shorten it', async () => {
  const clock = fakeClock();
  const gate = new ServerGate('s:993', clock);
  gate.throttled('alice', 5000);
  gate.throttled('bob', 1000);
  const ready = gate.ready();
  await clock.settle();
  await ready;
  assert.is(clock.now(), 5000);
});

test("the adaptive rate: none until a throttle, then half the last minute's, +10 % per clean minute, lifted once back up", async () => {
  const clock = fakeClock();
  const gate = new ServerGate('s:993', clock);
  assert.is(gate.rate, null, 'no limit before the server complains');
  // 200 messages in 10 s: 20 a second
  for (let i = 0; i < 10; i++) {
    await gate.pace(20);
    (clock as unknown as { sleep: (ms: number) => Promise<void> }).sleep(1000);
    await clock.settle();
  }
  gate.throttled('alice', 1000);
  assert.ok(Math.abs(gate.rate! - 10) < 1e-9, `halved to 10/s, not ${gate.rate}`);
  const sleep = clock.sleep(60_000);
  await clock.settle();
  await sleep;
  assert.ok(Math.abs(gate.rate! - 11) < 1e-9, `a clean minute: +10 %, ${gate.rate}`);
  gate.throttled('alice', 1000);
  assert.ok(Math.abs(gate.rate! - 5.5) < 1e-9, `halved again: ${gate.rate}`);
  const long = clock.sleep(60_000 * 8);
  await clock.settle();
  await long;
  assert.ok(Math.abs(gate.rate! - 5.5 * 1.1 ** 8) < 1e-6, `8 clean minutes: ${gate.rate}`);
  const longer = clock.sleep(60_000 * 20);
  await clock.settle();
  await longer;
  assert.is(gate.rate, null, 'back past the first rate: no limit again');
});

test('the rate paces messages: 10 a second means a batch of 20 waits 2 s for the one before', async () => {
  const clock = fakeClock();
  const gate = new ServerGate('s:993', clock);
  await gate.pace(20); // 20 messages at t=0, then a throttle: 20 in the last second → 10/s
  gate.throttled('alice', 0);
  const first = gate.pace(20);
  await clock.settle();
  await first;
  const second = gate.pace(20);
  await clock.settle();
  await second;
  assert.is(clock.now(), 2000, "the second batch waited for the first batch's 2 s");
});

test('an OK asking to slow down halves the rate with no pause, once a minute however many come', async () => {
  const clock = fakeClock();
  const gate = new ServerGate('imap.gmail.com:993', clock);
  await gate.pace(20); // 20 in the last second
  assert.ok(gate.slowDown(), 'the first halves');
  assert.is(gate.rate, 10);
  assert.not.ok(gate.slowDown(), 'a second within the minute does not');
  assert.is(gate.rate, 10);
  const ready = gate.ready();
  await clock.settle();
  await ready;
  assert.is(clock.now(), 0, 'nothing paused');
});

test('a throttle before anything went through pauses but sets no rate', () => {
  const gate = new ServerGate('s:993', fakeClock());
  gate.throttled('alice', 1000);
  assert.is(gate.rate, null);
});

test('a stop ends a pause early', async () => {
  const clock = fakeClock();
  const gate = new ServerGate('s:993', { now: clock.now, sleep: () => new Promise(() => undefined) });
  gate.throttled('alice', 300_000);
  const stop = new StopSignal();
  const ready = gate.ready(stop);
  stop.stop();
  await ready;
  assert.ok(true, 'ready() returned');
});

test.run();
