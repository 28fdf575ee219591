import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DAY_MS, DailyBudgets, fittingCount, freeAt, usedIn } from '../../../src/apply/daily-budget.ts';
import { MailshiftError } from '../../../src/errors.ts';
import { localStateStore } from '../../../src/state/store.ts';
import type { TransferLog } from '../../../src/state/transfer-log-file.ts';

// The daily byte budgets on an injected clock: the rolling 24 h window, what is admitted of a
// batch, when a pause ends, a message larger than the whole budget, and the count kept in the
// state dir from one apply to the next.

const T0 = Date.parse('2026-12-07T09:00:00.000Z');
const MINUTE = 60 * 1000;
const at = (ms: number) => new Date(ms).toISOString();

function budgets(
  limits: { source?: number | null; target?: number | null },
  clock: { now: number },
  log: TransferLog = { source: [], target: [] },
) {
  const saved: TransferLog[] = [];
  const budget = new DailyBudgets({
    account: 'alice',
    limits: { source: limits.source ?? null, target: limits.target ?? null },
    log,
    now: () => clock.now,
    save: async (copy) => {
      saved.push(copy);
    },
  });
  return { budget, saved };
}

test('only what is still inside the last 24 h counts', () => {
  const entries = [
    { at: at(T0), bytes: 100 },
    { at: at(T0 + 60 * MINUTE), bytes: 50 },
  ];
  assert.is(usedIn(entries, T0 + MINUTE), 150);
  assert.is(usedIn(entries, T0 + DAY_MS - 1), 150);
  assert.is(usedIn(entries, T0 + DAY_MS), 50, 'the first entry left the window 24 h after it');
  assert.is(usedIn(entries, T0 + DAY_MS + 60 * MINUTE), 0);
});

test('a batch is admitted as far as it fits, in order', () => {
  const entries = [{ at: at(T0), bytes: 600 }];
  assert.is(fittingCount(entries, 1000, T0, [100, 200, 100, 50]), 3);
  assert.is(fittingCount(entries, 1000, T0, [500]), 0);
  assert.is(fittingCount(entries, 1000, T0, [400]), 1, 'exactly the budget fits');
});

test('a message larger than the whole budget goes alone, once the window is empty', () => {
  assert.is(fittingCount([], 1000, T0, [5000, 10]), 1);
  assert.is(fittingCount([{ at: at(T0), bytes: 1 }], 1000, T0, [5000]), 0);
  assert.is(freeAt([{ at: at(T0), bytes: 1 }], 1000, T0 + MINUTE, 5000), T0 + DAY_MS);
});

test('a pause ends when enough of the window has passed for the next message', () => {
  const entries = [
    { at: at(T0), bytes: 400 },
    { at: at(T0 + 10 * MINUTE), bytes: 400 },
    { at: at(T0 + 20 * MINUTE), bytes: 200 },
  ];
  const now = T0 + 30 * MINUTE;
  assert.is(freeAt(entries, 1000, now, 300), T0 + DAY_MS, 'the first entry frees 400');
  assert.is(freeAt(entries, 1000, now, 700), T0 + 10 * MINUTE + DAY_MS, 'the second too');
  assert.is(freeAt(entries, 1000, now, 0), now, 'what fits now fits now');
});

test('the account pauses on the side that ran out, and admits nothing more', async () => {
  const clock = { now: T0 };
  const { budget, saved } = budgets({ source: 2500, target: 1000 }, clock);
  assert.is(await budget.admit([300, 300]), 2);
  assert.is(budget.pause, null);
  clock.now += 5 * MINUTE;
  assert.is(await budget.admit([300, 300, 300]), 1, 'the target has 400 left: one more message');
  assert.equal(budget.pause, {
    account: 'alice',
    side: 'target',
    usedBytes: 900,
    budgetBytes: 1000,
    until: '2026-12-08T09:00:00Z',
  });
  assert.is(await budget.admit([1]), 0, 'paused for the rest of the apply, even for what would fit');
  assert.equal(
    saved.at(-1),
    {
      source: [
        { at: '2026-12-07T09:00:00.000Z', bytes: 600 },
        { at: '2026-12-07T09:05:00.000Z', bytes: 300 },
      ],
      target: [
        { at: '2026-12-07T09:00:00.000Z', bytes: 600 },
        { at: '2026-12-07T09:05:00.000Z', bytes: 300 },
      ],
    },
    'both sides are charged, to the minute (rounded up)',
  );
  assert.is(saved.length, 2, 'a batch admitted nothing writes nothing');
});

test('when both sides run out, the later one names the pause', async () => {
  const clock = { now: T0 + 30 * MINUTE };
  const log: TransferLog = {
    source: [{ at: at(T0), bytes: 900 }],
    target: [{ at: at(T0 + 20 * MINUTE), bytes: 900 }],
  };
  const { budget } = budgets({ source: 1000, target: 1000 }, clock, log);
  assert.is(await budget.admit([200]), 0);
  assert.is(budget.pause?.side, 'target');
  assert.is(budget.pause?.until, '2026-12-08T09:20:00Z');
});

test('the next window admits again, and drops what expired', async () => {
  const clock = { now: T0 };
  const first = budgets({ source: 1000 }, clock);
  assert.is(await first.budget.admit([800, 800]), 1);
  assert.is(first.budget.pause?.until, '2026-12-08T09:00:00Z');
  clock.now = T0 + DAY_MS;
  const second = budgets({ source: 1000 }, clock, first.saved.at(-1));
  assert.is(await second.budget.admit([800]), 1);
  assert.equal(second.saved.at(-1)?.source, [{ at: at(T0 + DAY_MS), bytes: 800 }]);
});

test('without a budget everything is admitted and nothing is written', async () => {
  const clock = { now: T0 };
  const { budget, saved } = budgets({}, clock);
  assert.is(await budget.admit([1e12, 1e12]), 2);
  assert.is(saved.length, 0);
});

test('the state dir keeps the transfer log between applies, and refuses a damaged one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailshift-transfers-'));
  try {
    const store = localStateStore(dir);
    assert.equal(await store.transfers('alice'), { source: [], target: [] });
    const clock = { now: T0 };
    const budget = new DailyBudgets({
      account: 'alice',
      limits: { source: 1000, target: null },
      log: await store.transfers('alice'),
      now: () => clock.now,
      save: (log) => store.saveTransfers('alice', log),
    });
    assert.is(await budget.admit([700]), 1);
    // The next apply, a minute later: the count is still there.
    clock.now += MINUTE;
    const next = new DailyBudgets({
      account: 'alice',
      limits: { source: 1000, target: null },
      log: await store.transfers('alice'),
      now: () => clock.now,
      save: (log) => store.saveTransfers('alice', log),
    });
    assert.is(await next.admit([700]), 0);
    assert.is(next.pause?.usedBytes, 700);
    const file = join(dir, 'transfers', 'alice.json');
    assert.match(await readFile(file, 'utf8'), '"format":"mailshift-transfers/v1"');
    await writeFile(file, '{"format":"mailshift-transfers/v1","source":[{"at":"x","bytes":1}],"target":[]}\n');
    try {
      await store.transfers('alice');
      assert.unreachable('a damaged log must not read as empty');
    } catch (error) {
      assert.instance(error, MailshiftError);
      assert.is((error as MailshiftError).diagnostics[0]?.code, 'STATE_CORRUPT');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
