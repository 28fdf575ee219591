// `--trace FILE` as a user (or support) runs it, against the Dovecot pair: every session of both
// sides is in the file, the file is the user's alone, and it holds no password (nor its base64
// forms) and no message content, also when the login is refused.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { onPublicApi } from '../support/wire.ts';

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (source|target) alice#(\d+) (C:|S:|--) /;

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Each password of the migration in the forms a session could carry it: as is, base64, inside SASL PLAIN. */
function secretForms(m: Migration, wrongPassword?: string): string[] {
  const pairs = [
    [m.source.user, m.source.password],
    [m.target.user, m.target.password],
    ...(wrongPassword ? [[m.target.user, wrongPassword]] : []),
  ] as const;
  return pairs.flatMap(([user, password]) => [
    password,
    b64(password),
    b64(`\0${user}\0${password}`),
    b64(`${user}\0${user}\0${password}`),
  ]);
}

function assertNoSecrets(traceText: string, forms: string[]): void {
  for (const form of forms)
    assert.not.ok(traceText.includes(form), `the trace holds a credential (${form.length} characters)`);
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mailshift-trace-'));
}

test("plan, apply and verify with --trace: both sides' sessions, 0600, no password, no message content", async () => {
  const m = await newMigration('trace-full', { phases: [{ name: 'presync' }] });
  const dir = scratch();
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [{ name: 'private-subject-one', padding: 3000 }, { name: 'private-subject-two' }],
      Archive: [{ name: 'private-subject-three' }],
    });
    const file = join(dir, 'trace.log');
    const plan = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet', '--trace', file], {
      env: m.env,
    });
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the trace is readable by its owner alone');
    const afterPlan = readFileSync(file, 'utf8').split('\n').length;
    const apply = await runMailshift(['apply', m.planPath('presync'), '--quiet', '--trace', file], { env: m.env });
    assert.equal(apply.code, 0, apply.stderr);
    const afterApply = readFileSync(file, 'utf8').split('\n').length;
    const verify = await runMailshift(
      ['verify', m.manifest, '--phase', 'presync', '--content', '--quiet', '--trace', file],
      { env: m.env },
    );
    assert.equal(verify.code, 0, verify.stderr);
    assert.ok(readFileSync(file, 'utf8').split('\n').length > afterApply, 'verify appended its sessions');

    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.length > afterPlan, 'apply appended to the same file');
    for (const line of lines) assert.match(line, LINE);
    for (const side of ['source', 'target']) {
      assert.ok(
        lines.some((l) => l.includes(` ${side} alice#1 S: * OK`)),
        `${side}: the greeting`,
      );
      // imapflow's raw log (the trace on its public API) withholds the login's bytes itself.
      const login = onPublicApi ? / C: \(\* value hidden \*\)/ : / C: \S+ (AUTHENTICATE|LOGIN) /;
      assert.ok(
        lines.some((l) => l.includes(` ${side} alice#`) && login.test(l)),
        `${side}: the login command`,
      );
      assert.ok(
        lines.some((l) => new RegExp(` ${side} alice#\\d+ C: \\S+ (UID FETCH|FETCH) `).test(l)),
        `${side}: the snapshot's FETCH`,
      );
    }
    assert.ok(
      lines.some((l) => / target alice#\d+ C: \S+ APPEND .*\{\d+\+?\} \{\d+ bytes\}/.test(l)),
      "apply's APPEND, messages as their size",
    );
    assert.ok(
      lines.some((l) => / target alice#\d+ S: \S+ OK \[APPENDUID /.test(l)),
      'the APPEND answers',
    );
    assertNoSecrets(text, secretForms(m));
    assert.not.ok(text.includes('private-subject'), 'no header or body of a message');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    m.remove();
  }
});

test('a refused login still writes its trace: the exchange and why it failed, and no password', async () => {
  const m = await newMigration('trace-refused', { phases: [{ name: 'presync' }] });
  const dir = scratch();
  try {
    const wrong = 'wrong-password-42';
    const file = join(dir, 'refused.log');
    const result = await runMailshift(['check', m.manifest, '--trace', file], {
      env: { ...m.env, MIG_TARGET_PW: wrong },
    });
    assert.equal(result.code, 1, result.stdout);
    const text = readFileSync(file, 'utf8');
    assert.match(text, / target alice#1 S: \S+ NO \[AUTHENTICATIONFAILED\]/);
    assert.match(text, / target alice#1 -- failed: LOGIN_FAILED /);
    assert.match(text, / source alice#1 S: \S+ OK /, 'the other side logged in');
    assertNoSecrets(text, secretForms(m, wrong));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    m.remove();
  }
});

test('a --trace path that cannot be written: a clear error and exit 1 before any server is contacted', async () => {
  const m = await newMigration('trace-unwritable', { phases: [{ name: 'presync' }] });
  const dir = scratch();
  try {
    for (const [file, why] of [
      [join(dir, 'missing', 'trace.log'), 'its folder does not exist'],
      [dir, 'it is a folder'],
    ] as const) {
      const result = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--trace', file], { env: m.env });
      assert.equal(result.code, 1, result.output);
      assert.ok(result.stderr.includes(`cannot write the protocol trace to ${file}: ${why}`), result.stderr);
      assert.match(result.stderr, /give --trace a file in a folder you can write to/);
      assert.not.ok(hasStackTrace(result.stderr), result.stderr);
      assert.not.match(result.stderr, /LOGIN|alice|127\.0\.0\.1/, 'nothing about a server: none was contacted');
      assert.not.ok(existsSync(m.planPath('presync')), 'no plan was made');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    m.remove();
  }
});

test.run();
