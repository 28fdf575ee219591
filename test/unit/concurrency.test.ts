import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchSlots } from '../../src/apply/batch-slots.ts';
import { mapInLanes, runInLanes } from '../../src/concurrency.ts';

// Work side by side in lanes (accounts, folders, batches: a failure lets the jobs in flight finish
// before it is thrown, so a retry never races them), and apply's account-wide slots that cap how
// many batches hold message bodies.

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
  await run.then(
    () => assert.unreachable('should throw'),
    (error: Error) => assert.is(error.message, 'connection lost'),
  );
  assert.equal(started, [1, 2]);
  assert.equal(finished, [2]);
});

test('runInLanes with no items does nothing', async () => {
  let calls = 0;
  await runInLanes([], 4, async () => {
    calls++;
  });
  assert.is(calls, 0);
});

test('BatchSlots holds at most its size at once and serves waiters first come, first served', async () => {
  const slots = new BatchSlots(2);
  let held = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3, 4, 5].map((n) =>
      slots.hold(async () => {
        held++;
        most = Math.max(most, held);
        order.push(n);
        await tick();
        held--;
      }),
    ),
  );
  assert.is(most, 2);
  assert.equal(order, [1, 2, 3, 4, 5]);
});

test('BatchSlots frees the slot when the job throws', async () => {
  const slots = new BatchSlots(1);
  await slots
    .hold(async () => {
      throw new Error('refused');
    })
    .catch(() => undefined);
  assert.is(await slots.hold(async () => 'next'), 'next');
});

test('mapInLanes keeps the input order whatever order the jobs finish in', async () => {
  const results = await mapInLanes([30, 10, 20, 0], 2, async (ms, index) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return `${index}:${ms}`;
  });
  assert.equal(results, ['0:30', '1:10', '2:20', '3:0']);
});

test('mapInLanes after a failure starts nothing new and throws only once the jobs in flight are done', async () => {
  const finished: number[] = [];
  const started: number[] = [];
  const error = await mapInLanes([1, 2, 3, 4], 2, async (item) => {
    started.push(item);
    if (item === 1) throw new Error('one failed');
    await tick();
    await tick();
    finished.push(item);
    return item;
  }).then(
    () => null,
    (e: Error) => e,
  );
  assert.is(error?.message, 'one failed');
  assert.equal(started, [1, 2], 'nothing started after the failure');
  assert.equal(finished, [2], 'the job in flight finished before the error was thrown');
});

test.run();
