// `mailshift verify` as a user runs it: a manifest in a temp folder, the Dovecot pair, exit codes
// 0 (equal), 2 (differences) and 1 (error), text and json output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox, type MailboxContent } from '../support/mailbox-builder.ts';
import { manifestFolder } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
let manifest = '';
let env: NodeJS.ProcessEnv = {};
let secrets: string[] = [];
test.after(() => folder.remove());

const SOURCE: MailboxContent = {
  INBOX: [{ name: 'a', flags: ['\\Seen'] }, { name: 'b' }],
  Projects: [{ name: 'p1' }, { name: 'p2', flags: ['\\Flagged'] }],
};

test.before(async () => {
  const { slash, dot } = await dovecotPair();
  const users = await Promise.all([
    freshUser(slash, 've-src'),
    freshUser(dot, 've-tgt'),
    freshUser(slash, 've-src2'),
    freshUser(dot, 've-tgt2'),
  ]);
  const [equalSource, equalTarget, diffSource, diffTarget] = users;
  await Promise.all([
    fillMailbox(slash, equalSource!, SOURCE),
    fillMailbox(dot, equalTarget!, { INBOX: SOURCE.INBOX!, 'INBOX.Projects': SOURCE.Projects! }),
    fillMailbox(slash, diffSource!, SOURCE),
    // bob: b is missing, p2 lost its flag, and an extra message sits in Projects.
    fillMailbox(dot, diffTarget!, {
      INBOX: [SOURCE.INBOX![0]!],
      'INBOX.Projects': [{ name: 'p1' }, { name: 'p2' }, { name: 'stray' }],
    }),
  ]);
  secrets = users.map((user) => user!.password);
  env = {
    ALICE_SRC: equalSource!.password,
    ALICE_TGT: equalTarget!.password,
    BOB_SRC: diffSource!.password,
    BOB_TGT: diffTarget!.password,
  };
  manifest = folder.write('e2e-verify.json', {
    apiVersion: 'mailshift/v1',
    name: 'e2e-verify',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'alice',
        source: { user: equalSource!.user, password: { env: 'ALICE_SRC' } },
        target: { user: equalTarget!.user, password: { env: 'ALICE_TGT' } },
      },
      {
        id: 'bob',
        source: { user: diffSource!.user, password: { env: 'BOB_SRC' } },
        target: { user: diffTarget!.user, password: { env: 'BOB_TGT' } },
      },
    ],
    folders: { include: ['^INBOX$', '^Projects$'] },
    phases: [
      { name: 'final', deleteTarget: true },
      { name: 'switch-mx', manual: 'Switch MX', requires: ['final'] },
    ],
  });
});

test('equal sides: exit 0 and "= equal"', async () => {
  const result = await runMailshift(['verify', manifest, '--phase', 'final', '--account', 'alice', '--content'], {
    env,
  });
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, 'mailshift verify: e2e-verify, phase final');
  assert.match(result.stdout, /Account alice: .+\n {2}= equal \(2 folders, 4 source and 4 target messages\)/);
  assert.match(
    result.stdout,
    /Verify: no differences \(checked 2 folders, 4 source and 4 target messages, [\d.]+ KB hashed\)\./,
  );
  assert.is(result.stderr, '');
});

test('differences: exit 2, each listed with its folder, UIDs and the closing count', async () => {
  const result = await runMailshift(['verify', manifest, '--phase', 'final'], { env });
  assert.is(result.code, 2, result.stderr);
  assert.match(result.stdout, /Account alice: .+\n {2}= equal/);
  assert.match(
    result.stdout,
    '  ! INBOX → INBOX: 2 source, 1 target message\n      1 missing on the target: source UID 2',
  );
  assert.match(result.stdout, '  ! Projects → INBOX.Projects: 2 source, 3 target messages');
  assert.match(result.stdout, '      1 extra on the target: target UID 3');
  assert.match(
    result.stdout,
    '      1 message with other flags:\n        source UID 2 → target UID 2: \\Flagged only on the source',
  );
  assert.match(
    result.stdout,
    'Verify: 3 differences in 2 folders (checked 4 folders, 8 source and 8 target messages).',
  );
});

test('--format json: the whole report with its verdict', async () => {
  const result = await runMailshift(['verify', manifest, '--phase', 'final', '--format', 'json'], { env });
  assert.is(result.code, 2, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.is(report.format, 'mailshift-verify/v1');
  assert.is(report.result, 'differences');
  assert.equal(report.summary.differences, 3);
  const bob = report.accounts.find((a: { id: string }) => a.id === 'bob');
  assert.equal(bob.folders.find((f: { source: string }) => f.source === 'INBOX').differences, [
    { kind: 'missing', uids: [2] },
  ]);
  assert.equal(bob.source.user.startsWith('ve-src2'), true);
});

test('a wrong password: exit 1, a LOGIN_FAILED diagnostic, no stack trace, no secret', async () => {
  const result = await runMailshift(['verify', manifest, '--phase', 'final', '--account', 'alice'], {
    env: { ...env, ALICE_TGT: 'wrong-password-5678' },
  });
  assert.is(result.code, 1);
  assert.match(result.stdout, '✗ not verified: LOGIN_FAILED');
  assert.match(result.stderr, /error: .*target login failed for account alice.*env ALICE_TGT/);
  assert.not.ok(hasStackTrace(result.stderr));
  const json = await runMailshift(['verify', manifest, '--phase', 'final', '--format', 'json', '--json-logs'], {
    env: { ...env, ALICE_TGT: 'wrong-password-5678' },
  });
  assert.is(json.code, 1, 'an error outweighs the differences of the other account');
  assert.is(JSON.parse(json.stdout).result, 'error');
  assert.match(json.stderr, '"code":"LOGIN_FAILED"');
  for (const secret of [...secrets, 'wrong-password-5678'])
    assert.not.ok(
      [result.stdout, result.stderr, json.stdout, json.stderr].join('\n').includes(secret),
      'a secret leaked',
    );
});

test('usage errors: no --phase, a manual phase, an unknown phase', async () => {
  const missing = await runMailshift(['verify', manifest], { env });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'verify needs --phase NAME');
  const manual = await runMailshift(['verify', manifest, '--phase', 'switch-mx'], { env });
  assert.is(manual.code, 1);
  assert.match(manual.stderr, 'is a manual gate: there is nothing to verify');
  const unknown = await runMailshift(['verify', manifest, '--phase', 'finale'], { env });
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, 'did you mean --phase final?');
});

test.run();
