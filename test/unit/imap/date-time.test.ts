import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDateTime } from 'imapflow/lib/tools.js';
import { imapDateTime } from '../../../src/imap/date-time.ts';
import { Random } from '../../support/random.ts';

const cases: Array<[string, string]> = [
  ['2024-03-05T09:07:03.000Z', ' 5-Mar-2024 09:07:03 +0000'],
  ['2026-11-23T23:59:59.999Z', '23-Nov-2026 23:59:59 +0000'],
  ['1970-01-01T00:00:00.000Z', ' 1-Jan-1970 00:00:00 +0000'],
  ['2000-02-29T12:00:00.000Z', '29-Feb-2000 12:00:00 +0000'],
  ['0999-12-10T01:02:03.000Z', '10-Dec-0999 01:02:03 +0000'],
];

for (const [iso, expected] of cases) {
  test(`imapDateTime(${iso}) is "${expected}"`, () => {
    assert.is(imapDateTime(new Date(iso)), expected);
    assert.is(formatDateTime(new Date(iso)), expected, 'as imapflow writes it');
  });
}

test('imapDateTime writes what imapflow writes, in every time zone', () => {
  const random = new Random(5);
  const dates = [
    new Date(Number.NaN),
    new Date(0),
    new Date(-1),
    new Date(Date.UTC(0, 0, 1)),
    new Date(Date.UTC(-1, 11, 31, 23, 59, 59)),
    new Date('9999-12-31T23:59:59.999Z'),
    new Date('+010000-01-01T00:00:00Z'),
    new Date(8.64e15),
    new Date(-8.64e15),
  ];
  for (let i = 0; i < 3000; i++)
    dates.push(new Date(random.int(-2_300_000_000, 4_200_000_000) * 1000 + random.int(0, 999)));
  const zone = process.env.TZ;
  try {
    for (const tz of [
      'UTC',
      'Europe/Berlin',
      'America/St_Johns',
      'Asia/Kathmandu',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
    ]) {
      process.env.TZ = tz;
      for (const date of dates) assert.is(imapDateTime(date), formatDateTime(date), `${tz} ${date.getTime()}`);
    }
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

test.run();
