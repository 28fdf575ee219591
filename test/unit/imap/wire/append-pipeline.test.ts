import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTagged } from '../../../../src/imap/wire/append-pipeline.ts';

// The tagged answers of pipelined APPENDs are read here, not by imapflow: each must give its
// status, its response code and the server's words exactly.
const cases: Array<[string, ReturnType<typeof parseTagged>]> = [
  [
    'OK [APPENDUID 38505 3955] Append completed (0.001 + 0.000 secs).',
    {
      status: 'OK',
      code: 'APPENDUID',
      args: ['38505', '3955'],
      text: '[APPENDUID 38505 3955] Append completed (0.001 + 0.000 secs).',
    },
  ],
  ['OK Append completed.', { status: 'OK', code: null, args: [], text: 'Append completed.' }],
  [
    "NO [TRYCREATE] Mailbox doesn't exist: X",
    { status: 'NO', code: 'TRYCREATE', args: [], text: "[TRYCREATE] Mailbox doesn't exist: X" },
  ],
  ['no [overquota] Quota exceeded', { status: 'NO', code: 'OVERQUOTA', args: [], text: '[overquota] Quota exceeded' }],
  ['BAD Unrecognized flag', { status: 'BAD', code: null, args: [], text: 'Unrecognized flag' }],
  ['OK', { status: 'OK', code: null, args: [], text: '' }],
  // Not a status at all: taken as a BAD (the connection is then closed), never as stored.
  ['FOO bar', { status: 'BAD', code: null, args: [], text: 'FOO bar' }],
  ['OKAY then', { status: 'BAD', code: null, args: [], text: 'OKAY then' }],
];

for (const [line, expected] of cases) {
  test(`tagged answer "${line}"`, () => {
    assert.equal(parseTagged(line), expected);
  });
}

test.run();
