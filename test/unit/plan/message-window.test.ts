import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  fetchWindow,
  inWindow,
  selectSourceMessages,
  selectTargetMessages,
  selectSource,
} from '../../../src/plan/message-window.ts';
import { NOW, agedMessage, message, messageRules } from '../../support/snapshots.ts';

const DAY = 86_400_000;

const windows: Array<{
  name: string;
  rules: Parameters<typeof messageRules>[0];
  expect: ReturnType<typeof fetchWindow>;
}> = [
  { name: 'no age window: no server-side pre-selection', rules: {}, expect: null },
  { name: 'a size window alone needs no date search', rules: { maxSize: 1000, minSize: 10 }, expect: null },
  {
    name: 'maxAgeDays: SINCE one more day back than the oldest day',
    rules: { maxAgeDays: 1 },
    expect: { since: '2026-11-20', before: null },
  },
  {
    name: 'minAgeDays: BEFORE two days after the newest day (BEFORE is exclusive, plus the zone margin)',
    rules: { minAgeDays: 30 },
    expect: { since: null, before: '2026-10-25' },
  },
  {
    name: 'both bounds',
    rules: { maxAgeDays: 10, minAgeDays: 2 },
    expect: { since: '2026-11-11', before: '2026-11-22' },
  },
  { name: 'fractional days', rules: { maxAgeDays: 0.75 }, expect: { since: '2026-11-20', before: null } },
  { name: 'zero days', rules: { maxAgeDays: 0, minAgeDays: 0 }, expect: { since: '2026-11-21', before: '2026-11-24' } },
];

for (const c of windows) {
  test(`fetchWindow: ${c.name}`, () => {
    assert.equal(fetchWindow(messageRules(c.rules), NOW), c.expect);
  });
}

test('fetchWindow is a superset of the exact window in every server time zone', () => {
  const zones = [-12, -9.5, -5, 0, 1, 5.75, 9, 12, 14];
  for (const rules of [
    messageRules({ maxAgeDays: 3 }),
    messageRules({ minAgeDays: 2 }),
    messageRules({ maxAgeDays: 7.5, minAgeDays: 1.25 }),
  ]) {
    const window = fetchWindow(rules, NOW)!;
    // Every half hour across three weeks around the window.
    for (let minutes = -2 * 24 * 60; minutes < 20 * 24 * 60; minutes += 30) {
      const probe = agedMessage(1, minutes / (24 * 60));
      if (!inWindow(probe, rules, NOW)) continue;
      for (const zone of zones) {
        const localDate = new Date(Date.parse(probe.internalDate) + zone * 3_600_000).toISOString().slice(0, 10);
        if (window.since !== null)
          assert.ok(localDate >= window.since, `${probe.internalDate} in UTC${zone} is before SINCE ${window.since}`);
        if (window.before !== null)
          assert.ok(localDate < window.before, `${probe.internalDate} in UTC${zone} is not BEFORE ${window.before}`);
      }
    }
  }
});

const exact: Array<{
  name: string;
  rules: Parameters<typeof messageRules>[0];
  message: ReturnType<typeof message>;
  in: boolean;
}> = [
  { name: 'no windows: everything', rules: {}, message: agedMessage(1, 5000, { size: 10 ** 9 }), in: true },
  { name: 'maxAgeDays: exactly that old is in', rules: { maxAgeDays: 2 }, message: agedMessage(1, 2), in: true },
  {
    name: 'maxAgeDays: a millisecond older is out',
    rules: { maxAgeDays: 2 },
    message: agedMessage(1, 2 + 1 / DAY),
    in: false,
  },
  { name: 'maxAgeDays: a future date is in', rules: { maxAgeDays: 2 }, message: agedMessage(1, -1), in: true },
  { name: 'minAgeDays: exactly that old is in', rules: { minAgeDays: 2 }, message: agedMessage(1, 2), in: true },
  {
    name: 'minAgeDays: a millisecond younger is out',
    rules: { minAgeDays: 2 },
    message: agedMessage(1, 2 - 1 / DAY),
    in: false,
  },
  { name: 'minAgeDays: a future date is out', rules: { minAgeDays: 0 }, message: agedMessage(1, -1), in: false },
  { name: 'both: inside', rules: { minAgeDays: 1, maxAgeDays: 3 }, message: agedMessage(1, 2), in: true },
  { name: 'both: too young', rules: { minAgeDays: 1, maxAgeDays: 3 }, message: agedMessage(1, 0.5), in: false },
  { name: 'both: too old', rules: { minAgeDays: 1, maxAgeDays: 3 }, message: agedMessage(1, 3.5), in: false },
  { name: 'maxSize: exactly is in', rules: { maxSize: 1000 }, message: message(1, { size: 1000 }), in: true },
  { name: 'maxSize: one byte more is out', rules: { maxSize: 1000 }, message: message(1, { size: 1001 }), in: false },
  { name: 'minSize: exactly is in', rules: { minSize: 1000 }, message: message(1, { size: 1000 }), in: true },
  { name: 'minSize: one byte less is out', rules: { minSize: 1000 }, message: message(1, { size: 999 }), in: false },
  {
    name: 'size and age together: both must hold',
    rules: { maxSize: 500, maxAgeDays: 10 },
    message: agedMessage(1, 1, { size: 600 }),
    in: false,
  },
  {
    name: 'an unreadable date is outside an age window',
    rules: { maxAgeDays: 10 },
    message: message(1, { internalDate: 'garbage' }),
    in: false,
  },
  {
    name: 'an unreadable date does not matter without an age window',
    rules: { maxSize: 10_000 },
    message: message(1, { internalDate: 'garbage' }),
    in: true,
  },
];

for (const c of exact) {
  test(`inWindow: ${c.name}`, () => {
    assert.is(inWindow(c.message, messageRules(c.rules), NOW), c.in);
  });
}

test('inWindow takes "now" from its argument only', () => {
  const probe = message(1, { internalDate: '2020-01-01T00:00:00.000Z' });
  const rules = messageRules({ maxAgeDays: 1 });
  assert.is(inWindow(probe, rules, new Date('2020-01-01T12:00:00.000Z')), true);
  assert.is(inWindow(probe, rules, NOW), false);
});

test('skipDeleted leaves out source messages flagged \\Deleted (any case)', () => {
  const messages = [message(1), message(2, { flags: ['\\Deleted'] }), message(3, { flags: ['\\DELETED', '\\Seen'] })];
  assert.equal(
    selectSourceMessages(messages, messageRules({ skipDeleted: true }), NOW).map((m) => m.uid),
    [1],
  );
  assert.equal(
    selectSourceMessages(messages, messageRules({ skipDeleted: false }), NOW).map((m) => m.uid),
    [1, 2, 3],
  );
});

test('source selection applies the windows', () => {
  const messages = [agedMessage(1, 1), agedMessage(2, 40), agedMessage(3, 1, { size: 10 ** 7 })];
  assert.equal(
    selectSourceMessages(messages, messageRules({ maxAgeDays: 30, maxSize: 10 ** 6 }), NOW).map((m) => m.uid),
    [1],
  );
});

test('target selection applies the windows and leaves out messages on their way out (\\Deleted)', () => {
  const messages = [agedMessage(1, 1), agedMessage(2, 40), agedMessage(3, 1, { flags: ['\\Deleted'] })];
  assert.equal(
    selectTargetMessages(messages, messageRules({ maxAgeDays: 30, skipDeleted: false }), NOW).map((m) => m.uid),
    [1],
  );
});

test('selectSource: what the rules leave out, by the first rule that does (size before age), with the unread counted as outside the age window', () => {
  const rules = messageRules({ maxAgeDays: 10, maxSize: 5000, skipDeleted: true });
  const read = [
    agedMessage(1, 1),
    agedMessage(2, 20),
    agedMessage(3, 1, { size: 9000 }),
    agedMessage(4, 20, { size: 9000 }),
    agedMessage(5, 1, { flags: ['\\Deleted'] }),
  ];
  assert.equal(selectSource(read, 8, rules, NOW).leftOut, { age: 4, size: 2, deleted: 1 });
  assert.equal(
    selectSource(read, 8, rules, NOW).selected.map((m) => m.uid),
    [1],
    'the one the rules keep',
  );
  assert.equal(selectSource([agedMessage(1, 1)], 1, rules, NOW).leftOut, null);
  // Without an age window every message was read: a shortfall is mail expunged while reading, not left out.
  assert.equal(selectSource([message(1)], 3, messageRules(), NOW).leftOut, null);
  assert.equal(
    selectSource([message(1, { flags: ['\\Deleted'] })], 1, messageRules({ skipDeleted: false }), NOW).leftOut,
    null,
  );
});

test.run();
