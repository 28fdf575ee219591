// A wave with a broken account, as an admin runs it against the Dovecot pair: plan writes the plan
// of the accounts it can read and lists the broken one (exit 1), apply does the others, status
// shows what is left; accounts are chosen with --account, --accounts-from and --exclude-account,
// and a plan of some accounts never replaces the full plan.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { manifestFolder } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import type { Account } from '../support/seed.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

interface Wave {
  manifest: string;
  env: NodeJS.ProcessEnv;
  plansDir: string;
  targets: Record<string, Account>;
}

let waves = 0;
/** alice and carol work; bob's source password is wrong. */
async function wave(): Promise<Wave> {
  const { slash, dot } = await dovecotPair();
  const ids = ['alice', 'bob', 'carol'];
  const pairs = await Promise.all(
    ids.map(async (id) => {
      const [source, target] = await Promise.all([
        freshUser(slash, `wave-${id}-src`),
        freshUser(dot, `wave-${id}-tgt`),
      ]);
      await fillMailbox(slash, source, { INBOX: [{ name: `${id}-1` }, { name: `${id}-2` }] });
      return { id, source, target };
    }),
  );
  const name = `wave${++waves}`;
  const env: NodeJS.ProcessEnv = {};
  for (const { id, source, target } of pairs) {
    env[`${id.toUpperCase()}_SRC`] = id === 'bob' ? 'wrong' : source.password;
    env[`${id.toUpperCase()}_TGT`] = target.password;
  }
  const manifest = folder.write(`${name}.json`, {
    apiVersion: 'mailshift/v1',
    name,
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: pairs.map(({ id, source, target }) => ({
      id,
      source: { user: source.user, password: { env: `${id.toUpperCase()}_SRC` } },
      target: { user: target.user, password: { env: `${id.toUpperCase()}_TGT` } },
    })),
    folders: { include: ['^INBOX$'] },
    phases: [{ name: 'presync' }],
  });
  return {
    manifest,
    env,
    plansDir: join(folder.dir, 'plans'),
    targets: Object.fromEntries(pairs.map((pair) => [pair.id, pair.target])),
  };
}

const planFile = (w: Wave, suffix = '') =>
  join(w.plansDir, `${JSON.parse(readFileSync(w.manifest, 'utf8')).name}.presync${suffix}.plan.json`);
const readPlan = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

test("one broken account: plan writes the others' plan, lists it in accountsFailed and on top of the view, exits 1; apply does the others; status shows it not done", async () => {
  const w = await wave();
  const planned = await runMailshift(['plan', w.manifest, '--phase', 'presync'], { env: w.env });
  assert.is(planned.code, 1, planned.output);
  assert.match(planned.stderr, 'source login failed for account bob');
  const plan = readPlan(planFile(w));
  assert.equal(
    plan.accounts.map((a: { id: string }) => a.id),
    ['alice', 'carol'],
  );
  assert.is(plan.accountsFailed.length, 1);
  assert.is(plan.accountsFailed[0].id, 'bob');
  assert.is(plan.accountsFailed[0].side, 'source');
  assert.match(plan.accountsFailed[0].reason, 'login failed');
  assert.not.match(JSON.stringify(plan), 'wrong', 'no secret in the plan');
  const view = planned.stdout;
  assert.ok(
    view.indexOf('Left out: 1 account could not be planned') < view.indexOf('Account alice'),
    `the failed account on top:\n${view}`,
  );
  assert.match(view, 'x bob (source): source login failed');
  const markdown = await runMailshift(['show', planFile(w), '--format', 'markdown'], { env: w.env });
  assert.match(markdown.stdout, 'Left out: 1 account(s) could not be planned');

  const applied = await runMailshift(['apply', planFile(w)], { env: w.env });
  assert.is(applied.code, 1, applied.output);
  assert.match(applied.stdout, 'Apply complete: 4 copied');
  assert.match(applied.stderr, 'this plan left out account bob');
  assert.match(applied.stderr, 'mailshift plan <manifest> --phase presync --account bob');
  for (const id of ['alice', 'carol'])
    assert.is((await mailboxState(dot(), w.targets[id]!)).INBOX!.length, 2, `${id} copied`);
  assert.equal((await mailboxState(dot(), w.targets.bob!)).INBOX ?? [], [], 'nothing for bob');
  const dir = auditDirFor(w.manifest, plan.name);
  const [auditFile] = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  assert.equal(JSON.parse(readFileSync(join(dir, auditFile!), 'utf8').split('\n')[0]!).accountsLeftOut, ['bob']);

  const status = await runMailshift(['status', w.manifest], { env: w.env });
  assert.match(status.stdout, 'not done for 1 account, which the plan left out (they could not be planned): bob');
  assert.match(status.stdout, `once they work: mailshift plan ${w.manifest} --phase presync --account bob`);
});

test('--exclude-account and --accounts-from choose the accounts of plan, check and verify; a plan of some accounts goes next to the full plan', async () => {
  const w = await wave();
  const full = await runMailshift(['plan', w.manifest, '--phase', 'presync'], { env: w.env });
  assert.is(full.code, 1);
  const fullBytes = readFileSync(planFile(w), 'utf8');

  const excluded = await runMailshift(['plan', w.manifest, '--phase', 'presync', '--exclude-account', 'bob'], {
    env: w.env,
  });
  assert.is(excluded.code, 0, excluded.output);
  assert.equal(
    readPlan(planFile(w, '.alice+carol')).accounts.map((a: { id: string }) => a.id),
    ['alice', 'carol'],
  );
  assert.is(readFileSync(planFile(w), 'utf8'), fullBytes, 'the full plan is untouched');

  const one = await runMailshift(['plan', w.manifest, '--phase', 'presync', '--account', 'carol'], { env: w.env });
  assert.is(one.code, 0, one.output);
  assert.match(one.stderr, `Plan written to ${planFile(w, '.carol')}`);
  assert.is(readFileSync(planFile(w), 'utf8'), fullBytes, 'plan --account never replaces the full plan');

  const list = join(folder.dir, 'wave-part.txt');
  writeFileSync(list, '# part one of the wave\r\nalice\r\n\r\ncarol  # after the holidays\r\n');
  const fromFile = await runMailshift(['check', w.manifest, '--accounts-from', list], { env: w.env });
  assert.is(fromFile.code, 0, fromFile.output);
  assert.not.match(fromFile.stdout, 'bob');
  const verified = await runMailshift(
    ['verify', w.manifest, '--phase', 'presync', '--exclude-account', 'bob', '--format', 'json'],
    { env: w.env },
  );
  assert.equal(
    JSON.parse(verified.stdout).accounts.map((a: { id: string }) => a.id),
    ['alice', 'carol'],
  );

  writeFileSync(list, 'alice\ncarrol\n');
  const typo = await runMailshift(['plan', w.manifest, '--phase', 'presync', '--accounts-from', list], { env: w.env });
  assert.is(typo.code, 1);
  assert.match(typo.stderr, `${list} line 2: "carrol": no such account`);
  assert.match(typo.stderr, 'did you mean carol?');
  const none = await runMailshift(
    ['plan', w.manifest, '--phase', 'presync', '--account', 'bob', '--exclude-account', 'bob'],
    { env: w.env },
  );
  assert.match(none.stderr, 'no account is left to work on');
  const whole = await runMailshift(['apply', planFile(w), '--exclude-account', 'bob'], { env: w.env });
  assert.is(whole.code, 1);
  assert.match(whole.stderr, 'a plan file is applied whole');
  assert.not.ok(existsSync(auditDirFor(w.manifest, readPlan(planFile(w)).name)), 'nothing applied');
});

let dotServer: Awaited<ReturnType<typeof dovecotPair>>['dot'];
const dot = () => dotServer;
test.before(async () => {
  dotServer = (await dovecotPair()).dot;
});

test.run();
