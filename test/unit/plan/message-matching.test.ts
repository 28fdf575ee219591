import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchMessages, type MatchOptions } from '../../../src/plan/message-matching.ts';
import type { MessageSnapshot } from '../../../src/plan/snapshot.ts';
import { message } from '../../support/snapshots.ts';

/** A message with this identity (and size when given). */
const m = (uid: number, identity: string, extra: Partial<MessageSnapshot> = {}) => message(uid, { identity, ...extra });

const [DAY_1, DAY_2, DAY_3, DAY_4] = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'].map(
  (day) => `${day}T08:00:00.000Z`,
);

function match(source: MessageSnapshot[], target: MessageSnapshot[], options: Partial<MatchOptions> = {}) {
  const result = matchMessages(source, target, { useSize: false, uidPairs: [], ...options });
  return {
    matched: result.matched.map((pair) => `${pair.source.uid}=${pair.target.uid}`),
    copy: result.sourceOnly.map((message) => message.uid),
    extra: result.targetOnly.map((message) => message.uid),
  };
}

const cases: Array<{
  name: string;
  source: MessageSnapshot[];
  target: MessageSnapshot[];
  options?: Partial<MatchOptions>;
  matched: string[];
  copy: number[];
  extra: number[];
}> = [
  {
    name: 'the same messages on both sides all match',
    source: [m(1, 'a'), m(2, 'b')],
    target: [m(7, 'b'), m(8, 'a')],
    matched: ['1=8', '2=7'],
    copy: [],
    extra: [],
  },
  {
    name: 'nothing on the target: everything is copied',
    source: [m(1, 'a'), m(2, 'b')],
    target: [],
    matched: [],
    copy: [1, 2],
    extra: [],
  },
  {
    name: 'nothing on the source: everything on the target is extra',
    source: [],
    target: [m(5, 'a')],
    matched: [],
    copy: [],
    extra: [5],
  },
  {
    name: 'duplicates 2 vs 1: one copy to make, the lowest UIDs pair',
    source: [m(1, 'a'), m(2, 'a')],
    target: [m(9, 'a')],
    matched: ['1=9'],
    copy: [2],
    extra: [],
  },
  {
    name: 'duplicates 1 vs 2: the highest target UID is the extra',
    source: [m(1, 'a')],
    target: [m(9, 'a'), m(4, 'a')],
    matched: ['1=4'],
    copy: [],
    extra: [9],
  },
  {
    name: 'duplicates 3 vs 0: three copies',
    source: [m(3, 'a'), m(1, 'a'), m(2, 'a')],
    target: [m(1, 'b')],
    matched: [],
    copy: [1, 2, 3],
    extra: [1],
  },
  {
    name: 'duplicates 3 vs 2 among others',
    source: [m(1, 'a'), m(2, 'b'), m(3, 'a'), m(4, 'a')],
    target: [m(10, 'a'), m(11, 'a'), m(12, 'b'), m(13, 'c')],
    matched: ['1=10', '2=12', '3=11'],
    copy: [4],
    extra: [13],
  },
  {
    name: 'duplicates pair by INTERNALDATE first: the copy deleted on the source is the one extra on the target',
    source: [m(2, 'a', { internalDate: DAY_2 })],
    target: [m(9, 'a', { internalDate: DAY_1 }), m(10, 'a', { internalDate: DAY_2 })],
    matched: ['2=10'],
    copy: [],
    extra: [9],
  },
  {
    name: 'duplicates 2 vs 1: the copy to make is the one whose date the target lacks',
    source: [m(1, 'a', { internalDate: DAY_1 }), m(2, 'a', { internalDate: DAY_2 })],
    target: [m(9, 'a', { internalDate: DAY_2 })],
    matched: ['2=9'],
    copy: [1],
    extra: [],
  },
  {
    name: 'duplicates without a date in common still pair, lowest UIDs first, after the dated pairs',
    source: [
      m(1, 'a', { internalDate: DAY_1 }),
      m(2, 'a', { internalDate: DAY_2 }),
      m(3, 'a', { internalDate: DAY_3 }),
    ],
    target: [
      m(7, 'a', { internalDate: DAY_3 }),
      m(8, 'a', { internalDate: DAY_4 }),
      m(9, 'a', { internalDate: DAY_4 }),
    ],
    matched: ['1=8', '2=9', '3=7'],
    copy: [],
    extra: [],
  },
  {
    name: 'a date in common does not pair different identities',
    source: [m(1, 'a', { internalDate: DAY_1 })],
    target: [m(5, 'b', { internalDate: DAY_1 })],
    matched: [],
    copy: [1],
    extra: [5],
  },
  {
    name: 'without useSize the size does not matter',
    source: [m(1, 'a', { size: 100 })],
    target: [m(2, 'a', { size: 105 })],
    matched: ['1=2'],
    copy: [],
    extra: [],
  },
  {
    name: 'with useSize a different size is a different message',
    source: [m(1, 'a', { size: 100 })],
    target: [m(2, 'a', { size: 105 })],
    options: { useSize: true },
    matched: [],
    copy: [1],
    extra: [2],
  },
  {
    name: 'with useSize, duplicates of one identity pair by size',
    source: [m(1, 'a', { size: 100 }), m(2, 'a', { size: 200 })],
    target: [m(5, 'a', { size: 200 }), m(6, 'a', { size: 300 })],
    options: { useSize: true },
    matched: ['2=5'],
    copy: [1],
    extra: [6],
  },
  {
    name: 'a copy made with an added Message-ID matches on it, whatever its size',
    source: [
      m(1, 'plain', { hasMessageId: false, addedMessageId: { messageId: '<x@mailshift.invalid>', identity: 'added' } }),
    ],
    target: [m(4, 'added', { size: 1057 })],
    options: { useSize: true },
    matched: ['1=4'],
    copy: [],
    extra: [],
  },
  {
    name: 'a copy made without the header still matches on the plain identity',
    source: [
      m(1, 'plain', { hasMessageId: false, addedMessageId: { messageId: '<x@mailshift.invalid>', identity: 'added' } }),
    ],
    target: [m(4, 'plain')],
    matched: ['1=4'],
    copy: [],
    extra: [],
  },
  {
    name: 'the added identity is tried before the plain one, so both copies count',
    source: [
      m(1, 'plain', { hasMessageId: false, addedMessageId: { messageId: '<x@mailshift.invalid>', identity: 'added' } }),
      m(2, 'plain', {
        hasMessageId: false,
        addedMessageId: { messageId: '<y@mailshift.invalid>', identity: 'added-2' },
      }),
    ],
    target: [m(4, 'plain'), m(5, 'added-2')],
    matched: ['1=4', '2=5'],
    copy: [],
    extra: [],
  },
  {
    name: 'the UID map pairs messages whatever their identity',
    source: [m(1, 'a'), m(2, 'b')],
    target: [m(10, 'changed'), m(11, 'b')],
    options: { uidPairs: [[1, 10]] },
    matched: ['1=10', '2=11'],
    copy: [],
    extra: [],
  },
  {
    name: 'UID map pairs whose messages are gone are skipped; the rest match by headers',
    source: [m(1, 'a'), m(2, 'b')],
    target: [m(11, 'b'), m(12, 'a')],
    options: {
      uidPairs: [
        [1, 10],
        [3, 11],
        [2, 11],
      ],
    },
    matched: ['1=12', '2=11'],
    copy: [],
    extra: [],
  },
  {
    name: 'a UID map pair takes its messages out of header matching',
    source: [m(1, 'a'), m(2, 'a')],
    target: [m(10, 'a'), m(11, 'a')],
    options: { uidPairs: [[2, 10]] },
    matched: ['1=11', '2=10'],
    copy: [],
    extra: [],
  },
  {
    name: 'one target UID is never paired twice by the UID map',
    source: [m(1, 'a'), m(2, 'x')],
    target: [m(10, 'a')],
    options: {
      uidPairs: [
        [1, 10],
        [2, 10],
      ],
    },
    matched: ['1=10'],
    copy: [2],
    extra: [],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.equal(match(c.source, c.target, c.options), { matched: c.matched, copy: c.copy, extra: c.extra });
  });
}

test.run();
