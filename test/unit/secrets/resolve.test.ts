import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import type { SecretRef } from '../../../src/manifest/types.ts';
import { describeSecret } from '../../../src/secrets/describe.ts';
import { resolveSecret } from '../../../src/secrets/resolve.ts';

const SECRET = 'hunter2-Sécret';
const dir = mkdtempSync(join(tmpdir(), 'mailshift-secrets-'));
mkdirSync(join(dir, 'secrets'));
writeFileSync(join(dir, 'secrets', 'alice.pw'), `${SECRET}\r\n\n`);
writeFileSync(join(dir, 'secrets', 'empty.pw'), '\n');
writeFileSync(join(dir, 'secrets', 'spaces.pw'), ` ${SECRET} \n`);
writeFileSync(join(dir, 'print.sh'), `#!/bin/sh\nprintf '%s\\n' '${SECRET}'\n`);
writeFileSync(
  join(dir, 'fail.sh'),
  `#!/bin/sh\necho '${SECRET}'\necho 'gpg: decryption failed: No secret key' >&2\necho 'second line' >&2\nexit 2\n`,
);
writeFileSync(join(dir, 'leak.sh'), `#!/bin/sh\necho '${SECRET}'\necho 'oops ${SECRET}' >&2\nexit 1\n`);
writeFileSync(
  join(dir, 'stderr-secret.sh'),
  `#!/bin/sh\necho '${SECRET}' >&2\necho 'gpg: decryption failed: No secret key' >&2\necho >&2\nexit 1\n`,
);
writeFileSync(join(dir, 'silent.sh'), '#!/bin/sh\nexit 0\n');
writeFileSync(join(dir, 'pwd.sh'), '#!/bin/sh\npwd\n');
for (const script of ['print.sh', 'fail.sh', 'leak.sh', 'stderr-secret.sh', 'silent.sh', 'pwd.sh'])
  chmodSync(join(dir, script), 0o755);
writeFileSync(join(dir, 'not-executable.sh'), '#!/bin/sh\necho x\n');

const context = (env: NodeJS.ProcessEnv = {}, verbose = false) => ({
  manifestDir: dir,
  env: { PATH: process.env.PATH, ...env },
  what: 'source password for account alice',
  verbose,
});

async function failure(ref: SecretRef, env: NodeJS.ProcessEnv = {}, verbose = false): Promise<MailshiftError> {
  try {
    await resolveSecret(ref, context(env, verbose));
  } catch (error) {
    assert.instance(error, MailshiftError);
    const failed = error as MailshiftError;
    assert.is(failed.code, 'SECRET_UNAVAILABLE');
    const text = JSON.stringify(failed.diagnostics);
    assert.not.ok(text.includes(SECRET), `the secret leaked: ${text}`);
    assert.ok(failed.message.startsWith('source password for account alice: '), failed.message);
    assert.ok(failed.diagnostics[0]?.hint, 'every failure has a hint');
    return failed;
  }
  throw new Error(`${JSON.stringify(ref)} resolved`);
}

test("env: the variable's value", async () => {
  assert.is(await resolveSecret({ env: 'ALICE_OLD_PW' }, context({ ALICE_OLD_PW: SECRET })), SECRET);
});

test('env: a missing variable names it', async () => {
  const error = await failure({ env: 'ALICE_OLD_PW' });
  assert.is(error.message, 'source password for account alice: environment variable ALICE_OLD_PW is not set');
  assert.match(error.diagnostics[0]!.hint!, 'export ALICE_OLD_PW');
});

test('env: an empty variable is refused', async () => {
  const error = await failure({ env: 'ALICE_OLD_PW' }, { ALICE_OLD_PW: '' });
  assert.match(error.message, 'ALICE_OLD_PW is empty');
});

test('file: relative to the manifest folder, trailing CR/LF stripped, inner spaces kept', async () => {
  assert.is(await resolveSecret({ file: 'secrets/alice.pw' }, context()), SECRET);
  assert.is(await resolveSecret({ file: join(dir, 'secrets/alice.pw') }, context()), SECRET);
  assert.is(await resolveSecret({ file: 'secrets/spaces.pw' }, context()), ` ${SECRET} `);
});

test('file: a missing file names the full path', async () => {
  const error = await failure({ file: 'secrets/bob.pw' });
  assert.match(error.message, `cannot read secret file ${join(dir, 'secrets/bob.pw')} (ENOENT)`);
});

test('file: a folder instead of a file', async () => {
  const error = await failure({ file: 'secrets' });
  assert.match(error.message, '(EISDIR)');
});

test('file: an empty file is refused', async () => {
  const error = await failure({ file: 'secrets/empty.pw' });
  assert.match(error.message, 'is empty');
});

test('command: stdout without the trailing newline, run in the manifest folder without a shell', async () => {
  assert.is(await resolveSecret({ command: ['./print.sh'] }, context()), SECRET);
  assert.is(await resolveSecret({ command: ['cat', 'secrets/alice.pw'] }, context()), SECRET);
  assert.is(await resolveSecret({ command: ['./pwd.sh'] }, context()), dir);
  // No shell: `$HOME` and `;` reach the program as plain text.
  assert.is(await resolveSecret({ command: ['echo', '$HOME;', 'x'] }, context()), '$HOME; x');
});

test('command: a non-zero exit gives its code and how to run it by hand, no output at all', async () => {
  const error = await failure({ command: ['./stderr-secret.sh', 'arg'] });
  assert.is(error.message, 'source password for account alice: command ./stderr-secret.sh exited with code 1');
  assert.is(
    error.diagnostics[0]!.hint,
    `run \`./stderr-secret.sh arg\` by hand in ${dir} to see why (or run mailshift with --verbose for the last line it printed on stderr)`,
  );
  assert.not.match(JSON.stringify(error.diagnostics), 'gpg');
});

test('command: with --verbose, the last non-empty stderr line only, never stdout', async () => {
  const error = await failure({ command: ['./stderr-secret.sh'] }, {}, true);
  assert.is(
    error.message,
    'source password for account alice: command ./stderr-secret.sh exited with code 1: gpg: decryption failed: No secret key',
  );
  assert.is(error.diagnostics[0]!.hint, `run \`./stderr-secret.sh\` by hand in ${dir} to see why`);
  const twoLines = await failure({ command: ['./fail.sh'] }, {}, true);
  assert.is(twoLines.message, 'source password for account alice: command ./fail.sh exited with code 2: second line');
});

test('command: with --verbose, a secret the command printed on stdout is masked in its stderr line', async () => {
  const error = await failure({ command: ['./leak.sh'] }, {}, true);
  assert.match(error.message, 'oops ***');
});

test('command: not found, not executable, silent', async () => {
  assert.match(
    (await failure({ command: ['no-such-program-mailshift'] })).message,
    'command no-such-program-mailshift not found',
  );
  assert.match((await failure({ command: ['./not-executable.sh'] })).message, 'is not executable');
  assert.match((await failure({ command: ['./silent.sh'] })).message, 'printed nothing');
});

test('describeSecret names the reference, never a value', () => {
  assert.is(describeSecret({ env: 'ALICE_OLD_PW' }), 'env ALICE_OLD_PW');
  assert.is(describeSecret({ file: 'secrets/alice.pw' }), 'file secrets/alice.pw');
  assert.is(describeSecret({ command: ['pass', 'show', 'mail/alice'] }), 'command pass show mail/alice');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
