import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError, problem } from '../../../src/errors.ts';
import { runInLanes } from '../../../src/concurrency.ts';
import { withRetry } from '../../../src/apply/retry.ts';
import { StopSignal } from '../../../src/apply/stop.ts';

// What Ctrl-C / SIGTERM rely on in the executor: after stop() no new batch and no retry starts, the
// work in flight finishes, and force() (the grace period's end) reaches the connections' owners.

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const dropped = () => new MailshiftError(problem('CONNECTION_LOST', 'target connection lost'));

test('runInLanes after stop() starts no new item and lets the ones in flight finish', async () => {
  const stop = new StopSignal();
  const started: number[] = [];
  const finished: number[] = [];
  await runInLanes(
    [1, 2, 3, 4, 5, 6],
    2,
    async (item) => {
      started.push(item);
      if (item === 2) stop.stop();
      await tick();
      finished.push(item);
    },
    stop,
  );
  assert.equal(started, [1, 2]);
  assert.equal(finished.sort(), [1, 2]);
});

test('withRetry does not retry once stopped, and a backoff under way ends early with the error', async () => {
  const stopped = new StopSignal();
  stopped.stop();
  let attempts = 0;
  await withRetry(async () => (attempts++, Promise.reject(dropped())), { budgetSeconds: 60, stop: stopped }).then(
    () => assert.unreachable('should throw'),
    (error: MailshiftError) => assert.is(error.code, 'CONNECTION_LOST'),
  );
  assert.is(attempts, 1, 'no second attempt after a stop');

  const stop = new StopSignal();
  const began = Date.now();
  attempts = 0;
  const retrying = withRetry(async () => (attempts++, Promise.reject(dropped())), { budgetSeconds: 60, stop });
  await tick();
  stop.stop();
  await retrying.then(
    () => assert.unreachable('should throw'),
    (error: MailshiftError) => assert.is(error.code, 'CONNECTION_LOST'),
  );
  assert.is(attempts, 1, 'the attempt after the backoff never starts');
  assert.ok(Date.now() - began < 500, 'the 1 s backoff ended at the stop');
});

test('force() stops too, runs each force listener once (at once when registered late), and unregistering works', () => {
  const stop = new StopSignal();
  const calls: string[] = [];
  stop.onForce(() => calls.push('a'));
  const off = stop.onForce(() => calls.push('b'));
  off();
  stop.force();
  stop.force();
  assert.ok(stop.stopped);
  stop.onForce(() => calls.push('late'));
  assert.equal(calls, ['a', 'late']);
});

test.run();
