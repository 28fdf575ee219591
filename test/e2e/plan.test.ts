// `mailshift plan`, `show` and `diff` as a user runs them, against the Dovecot pair.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { manifestFolder } from '../support/manifests.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
let manifest = '';
let env: NodeJS.ProcessEnv = {};
let secrets: string[] = [];
let seededMessages = 0;
const defaultPlan = () => join(folder.dir, 'plans', 'e2e-plan.presync.plan.json');

test.before(async () => {
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'plan-src'), freshUser(dot, 'plan-tgt')]);
  const seeded = await seedMailbox(slash, source, { seed: 21, messages: 60, otherDelimiter: '.' });
  seededMessages = seeded.messages;
  await fillMailbox(dot, target, { 'INBOX.Stale': [{ name: 'stale' }] });
  secrets = [source.password, target.password];
  env = { E2E_SOURCE_PW: source.password, E2E_TARGET_PW: target.password };
  manifest = folder.write('e2e-plan.json', {
    apiVersion: 'mailshift/v1',
    name: 'e2e-plan',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'alice',
        source: { user: source.user, password: { env: 'E2E_SOURCE_PW' } },
        target: { user: target.user, password: { env: 'E2E_TARGET_PW' } },
      },
    ],
    folders: { automap: true },
    phases: [
      { name: 'presync', deleteTarget: true, deleteTargetFolders: true },
      { name: 'switch-mx', manual: 'Switch MX', requires: ['presync'] },
    ],
  });
});
test.after(() => folder.remove());

test('plan writes the plan next to the manifest and prints the text view', async () => {
  const result = await runMailshift(['plan', manifest, '--phase', 'presync'], { env });
  assert.is(result.code, 0, result.stderr);
  assert.ok(existsSync(defaultPlan()), 'plans/<name>.<phase>.plan.json');
  assert.match(result.stdout, 'mailshift plan: e2e-plan, phase presync');
  assert.match(result.stdout, /\+ Sent → INBOX\.Sent Items \(automap\): copy \d+ messages/);
  assert.match(result.stdout, '- INBOX.Stale (target only): DELETE folder with 1 message');
  assert.match(result.stderr, `Plan written to ${defaultPlan()}. After review, run: mailshift apply ${defaultPlan()}`);
  const plan = JSON.parse(readFileSync(defaultPlan(), 'utf8'));
  assert.is(plan.format, 'mailshift-plan/v1');
  assert.is(plan.phase, 'presync');
  assert.is(plan.manifest.sha256.length, 64);
  assert.ok(plan.summary.messagesToCopy > 0 && plan.summary.messagesToCopy <= seededMessages);
  assert.is(plan.summary.foldersToDelete, 1);
  assert.equal(plan.accounts[0].source.password, { env: 'E2E_SOURCE_PW' });
});

test("MAILSHIFT_WIRE=imapflow: the same plan through imapflow's public API, said once with --verbose", async () => {
  const publicEnv = { ...env, MAILSHIFT_WIRE: 'imapflow' };
  const [quiet, verbose] = await Promise.all([
    runMailshift(['plan', manifest, '--phase', 'presync', '--out', join(dirname(defaultPlan()), 'public.plan.json')], {
      env: publicEnv,
    }),
    runMailshift(['plan', manifest, '--phase', 'presync', '--format', 'json', '--verbose'], { env: publicEnv }),
  ]);
  assert.is(quiet.code, 0, quiet.stderr);
  assert.not.match(quiet.stderr, /public API/, 'nothing said without --verbose');
  assert.is(verbose.code, 0, verbose.stderr);
  const notes = verbose.stderr.split('\n').filter((line) => line.includes("imapflow's public API"));
  assert.equal(notes.length, 1, verbose.stderr);
  assert.match(notes[0]!, /^note: IMAP went through imapflow's public API \(MAILSHIFT_WIRE=imapflow\)/);
  const actions = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8')).accounts.map((account: { folders: unknown }) => account.folders);
  const internals = await runMailshift(['plan', manifest, '--phase', 'presync', '--quiet'], { env });
  assert.is(internals.code, 0, internals.stderr);
  assert.equal(actions(join(dirname(defaultPlan()), 'public.plan.json')), actions(defaultPlan()), 'the same plan');
});

test('no secret appears in the plan file or in any output', async () => {
  const outputs = await Promise.all([
    runMailshift(['plan', manifest, '--phase', 'presync', '--format', 'json'], { env }),
    runMailshift(['plan', manifest, '--phase', 'presync', '--format', 'markdown', '--verbose'], { env }),
    runMailshift(['show', defaultPlan(), '--format', 'text', '--verbose'], { env }),
    runMailshift(['plan', manifest, '--phase', 'presync', '--json-logs'], {
      env: { ...env, E2E_TARGET_PW: 'wrong-password-1234' },
    }),
  ]);
  const everything = [readFileSync(defaultPlan(), 'utf8'), ...outputs.flatMap((o) => [o.stdout, o.stderr])].join('\n');
  for (const secret of [...secrets, 'wrong-password-1234'])
    assert.not.ok(everything.includes(secret), 'a secret leaked');
  assert.is(outputs[3]!.code, 1, 'the wrong password fails the plan');
  assert.match(outputs[3]!.stderr, '"code":"LOGIN_FAILED"');
  assert.match(outputs[3]!.stderr, 'E2E_TARGET_PW');
});

test('the same mailbox planned twice gives the same bytes but for createdAt', async () => {
  const outs = [join(folder.dir, 'one.plan.json'), join(folder.dir, 'two.plan.json')];
  for (const out of outs) {
    const result = await runMailshift(['plan', manifest, '--phase', 'presync', '--out', out, '--quiet'], { env });
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stdout, '', '--quiet prints nothing');
  }
  const [one, two] = outs.map((file) => readFileSync(file, 'utf8').replace(/"createdAt": "[^"]+"/, ''));
  assert.is(one, two);
  const diff = await runMailshift(['diff', ...outs]);
  assert.is(diff.code, 0);
  assert.match(diff.stdout, 'No differences');
});

test('--detailed-exitcode: 2 with changes; 0 when there is nothing to do', async () => {
  const changes = await runMailshift(['plan', manifest, '--phase', 'presync', '--detailed-exitcode', '--quiet'], {
    env,
  });
  assert.is(changes.code, 2, changes.stderr);
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'idle-src'), freshUser(dot, 'idle-tgt')]);
  const idle = folder.write('idle.json', {
    apiVersion: 'mailshift/v1',
    name: 'idle',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'idle',
        source: { user: source.user, password: { env: 'S' } },
        target: { user: target.user, password: { env: 'T' } },
      },
    ],
    folders: { include: ['^INBOX$'] },
    phases: [{ name: 'sync' }],
  });
  const nothing = await runMailshift(['plan', idle, '--phase', 'sync', '--detailed-exitcode'], {
    env: { S: source.password, T: target.password },
  });
  assert.is(nothing.code, 0, nothing.stderr);
  assert.match(nothing.stdout, 'Plan: 0 folders to create, 0 to delete, 0 messages (0 B) to copy');
});

test('show renders a saved plan as markdown for a pull request', async () => {
  const result = await runMailshift(['show', defaultPlan(), '--format', 'markdown']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, '### mailshift plan: `e2e-plan` · phase `presync`');
  assert.match(result.stdout, '**🗑️ Deletions — review these**');
  assert.match(result.stdout, '<details><summary><b>alice</b>');
});

test('diff shows what changed when the source changes between plans', async () => {
  const before = join(folder.dir, 'before.plan.json');
  const after = join(folder.dir, 'after.plan.json');
  assert.is(
    (await runMailshift(['plan', manifest, '--phase', 'presync', '--out', before, '--quiet'], { env })).code,
    0,
  );
  const { slash } = await dovecotPair();
  const plan = JSON.parse(readFileSync(before, 'utf8'));
  await fillMailbox(
    slash,
    { user: plan.accounts[0].source.user, password: env.E2E_SOURCE_PW! },
    { INBOX: [{ name: 'late-arrival' }] },
  );
  assert.is((await runMailshift(['plan', manifest, '--phase', 'presync', '--out', after, '--quiet'], { env })).code, 0);
  const diff = await runMailshift(['diff', before, after]);
  assert.is(diff.code, 0);
  assert.match(diff.stdout, /^\+\s+\{"op":"copy","uid":\d+/m);
  assert.match(diff.stdout, /messagesToCopy: (\d+) → \d+ \(\+1\)/);
});

test('planning a manual gate, an unknown phase or an unknown account is a clear error', async () => {
  const gate = await runMailshift(['plan', manifest, '--phase', 'switch-mx'], { env });
  assert.is(gate.code, 1);
  assert.match(gate.stderr, 'phase "switch-mx" is a manual gate: there is nothing to plan');
  assert.match(gate.stderr, 'mailshift gate <manifest> switch-mx');
  const unknown = await runMailshift(['plan', manifest, '--phase', 'presink'], { env });
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, 'did you mean --phase presync?');
  const account = await runMailshift(['plan', manifest, '--phase', 'presync', '--account', 'alicia'], { env });
  assert.is(account.code, 1);
  assert.match(account.stderr, 'did you mean alice?');
  const missing = await runMailshift(['plan', manifest], { env });
  assert.match(missing.stderr, 'plan needs --phase NAME');
  for (const r of [gate, unknown, account, missing]) assert.not.ok(hasStackTrace(r.stderr));
});

test('show and diff refuse files that are not plans', async () => {
  const notPlan = folder.write('not-a-plan.json', { hello: 'world' });
  const show = await runMailshift(['show', notPlan]);
  assert.is(show.code, 1);
  assert.match(show.stderr, 'is not a mailshift plan');
  const diff = await runMailshift(['diff', notPlan, join(folder.dir, 'nope.json')]);
  assert.is(diff.code, 1);
  assert.not.ok(hasStackTrace(diff.stderr + show.stderr));
});

test.run();
