import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchSlots } from '../../../src/apply/batch-slots.ts';
import { runInLanes } from '../../../src/apply/lanes.ts';

// The two bounds of apply's copy loop: batches of one folder in lanes (a failure lets the ones in
// flight finish before it is thrown, so a retry never races them), and the account-wide slots
// that cap how many batches hold message bodies.

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test('runInLanes never runs more jobs at once than there are lanes, and runs every item', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await runInLanes([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
    running++;
    most = Math.max(most, running);
    await tick();
    seen.push(item);
    running--;
  });
  assert.is(most, 3);
  assert.equal(seen.sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('runInLanes after a failure starts nothing new, lets the jobs in flight finish, then throws the first error', async () => {
  const started: number[] = [];
  const finished: number[] = [];
  const run = runInLanes([1, 2, 3, 4, 5, 6], 2, async (item) => {
    started.push(item);
    if (item === 1) throw new Error('connection lost');
    await tick();
    await tick();
    finished.push(item);
  });
  await run.then(() => assert.unreachable('should throw'), (error: Error) => assert.is(error.message, 'connection lost'));
  assert.equal(started, [1, 2]);
  assert.equal(finished, [2]);
});

test('runInLanes with no items does nothing', async () => {
  let calls = 0;
  await runInLanes([], 4, async () => { calls++; });
  assert.is(calls, 0);
});

test('BatchSlots holds at most its size at once and serves waiters first come, first served', async () => {
  const slots = new BatchSlots(2);
  let held = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all([1, 2, 3, 4, 5].map((n) => slots.hold(async () => {
    held++;
    most = Math.max(most, held);
    order.push(n);
    await tick();
    held--;
  })));
  assert.is(most, 2);
  assert.equal(order, [1, 2, 3, 4, 5]);
});

test('BatchSlots frees the slot when the job throws', async () => {
  const slots = new BatchSlots(1);
  await slots.hold(async () => { throw new Error('refused'); }).catch(() => undefined);
  assert.is(await slots.hold(async () => 'next'), 'next');
});

test.run();
