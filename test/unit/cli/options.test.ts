import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findCommand, globalOptions, unknownOptionHint } from '../../../src/cli/options.ts';
import { MailshiftError } from '../../../src/errors.ts';

const io = { stdout() {}, stderr() {}, isTTY: true, env: { HOME_PW: 'from-env' } as NodeJS.ProcessEnv };

test('the command is the first word that is not an option or an option value', () => {
  assert.equal(findCommand(['validate', 'a.jsonnet']), { command: 'validate', rest: ['a.jsonnet'] });
  assert.equal(findCommand(['--state-dir', 'x', 'plan', 'm']), { command: 'plan', rest: ['--state-dir', 'x', 'm'] });
  assert.equal(findCommand(['--state-dir=x', '--quiet', 'plan']), {
    command: 'plan',
    rest: ['--state-dir=x', '--quiet'],
  });
  assert.equal(findCommand(['--ext-str', 'A=1', 'validate']), { command: 'validate', rest: ['--ext-str', 'A=1'] });
  assert.equal(findCommand(['--help']), { command: undefined, rest: ['--help'] });
});

test('--ext-str NAME=VALUE and NAME (from the environment)', () => {
  const options = globalOptions({ 'ext-str': ['PORT=10143', 'HOME_PW'], 'ext-code': ['N=1+1'] }, io);
  assert.equal(options.extStrings, { PORT: '10143', HOME_PW: 'from-env' });
  assert.equal(options.extCode, { N: '1+1' });
});

test('--ext-str with a bad name or no value is a usage error', () => {
  for (const entry of ['1BAD=x', 'MISSING_FROM_ENV']) {
    try {
      globalOptions({ 'ext-str': [entry] }, io);
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.instance(error, MailshiftError);
      assert.is((error as MailshiftError).code, 'USAGE');
    }
  }
});

test('colour only on a TTY, and never with --no-color or NO_COLOR', () => {
  assert.is(globalOptions({}, io).color, true);
  assert.is(globalOptions({ 'no-color': true }, io).color, false);
  assert.is(globalOptions({}, { ...io, env: { NO_COLOR: '1' } }).color, false);
  assert.is(globalOptions({}, { ...io, isTTY: false }).color, false);
});

test("an unknown option gets the closest known one, or the command's options", () => {
  const options = {
    phase: { type: 'string' },
    account: { type: 'string', multiple: true },
    'auto-approve': { type: 'boolean' },
  } as const;
  const cases: Array<[string, string]> = [
    ['--phse', 'did you mean `--phase`? (help)'],
    ['--Phase', 'did you mean `--phase`? (help)'],
    ['--acount=alice', 'did you mean `--account`? (help)'],
    ['--auto-aprove', 'did you mean `--auto-approve`? (help)'],
    ['--verbos', 'did you mean `--verbose`? (help)'],
    ['--state-dri', 'did you mean `--state-dir`? (help)'],
    ['--frobnicate', 'its options: --phase, --account, --auto-approve; help'],
    ['-x', 'its options: --phase, --account, --auto-approve; help'],
  ];
  for (const [given, hint] of cases) assert.is(unknownOptionHint(given, options, 'help'), hint, given);
  assert.is(unknownOptionHint('--frobnicate', {}, 'help'), 'help');
});

test.run();
