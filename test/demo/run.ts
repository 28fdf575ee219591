// `npm run demo`: the whole MX cutover of migrations/demo-cutover.jsonnet, walked with the CLI as an
// admin would, between two throwaway Dovecot servers on loopback: validate, check, plan (the
// pull-request comment), apply presync, new mail on the old server, final, the switch-mx gate,
// a late message, drain-source, verify, status and audit. It works in a fresh folder under the
// system temp dir (so no earlier run's audit trail counts as done) and leaves that folder behind
// for reading; the servers are always stopped.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDovecotInstalled, type DovecotServer } from '../support/dovecot.ts';
import { dovecotPair } from '../support/servers.ts';
import { seedMailbox, type Account } from '../support/seed.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { REPO, runMailshift } from '../support/cli.ts';

const USERS = ['alice', 'bob', 'carol'];
const NAME = 'demo-cutover';
const MANIFEST = `migrations/${NAME}.jsonnet`;

class DemoStopped extends Error {}

function say(text: string): void {
  console.log(`\n== ${text}`);
}

/** Run one mailshift command in the demo folder, show it and its output; stop the demo on an unexpected exit code. */
function commandRunner(cwd: string, extVars: string[], env: NodeJS.ProcessEnv) {
  return async (args: string[], expected: number[] = [0]): Promise<number> => {
    console.log(`$ mailshift ${args.join(' ')}`);
    const [command, ...rest] = args;
    const result = await runMailshift([command!, ...extVars, ...rest], { cwd, env });
    process.stdout.write(result.output);
    const code = result.code ?? 1;
    if (!expected.includes(code))
      throw new DemoStopped(`mailshift ${command} exited with ${code} (expected ${expected.join(' or ')})`);
    return code;
  };
}

/** New mail delivered to the old server's INBOX, dated now (what the drain's one-day window catches). */
async function deliver(server: DovecotServer, account: Account, names: string[]): Promise<void> {
  await fillMailbox(server, account, { INBOX: names.map((name) => ({ name, date: new Date() })) });
  console.log(`${account.user}: ${names.length} new message(s) in INBOX on the old server (${names.join(', ')})`);
}

async function walkRunbook(source: DovecotServer, target: DovecotServer, work: string): Promise<void> {
  const env = {
    DEMO_SOURCE_PW: randomBytes(9).toString('base64url'),
    DEMO_TARGET_PW: randomBytes(9).toString('base64url'),
  };
  for (const user of USERS) {
    await source.addUser(user, env.DEMO_SOURCE_PW);
    await target.addUser(user, env.DEMO_TARGET_PW);
  }
  const sourceAccount = (user: string): Account => ({ user, password: env.DEMO_SOURCE_PW });

  say(`Seeding the old server's mailboxes of ${USERS.join(', ')}`);
  for (const [index, user] of USERS.entries()) {
    const seeded = await seedMailbox(source, sourceAccount(user), {
      seed: index + 1,
      messages: 150,
      otherDelimiter: '.',
    });
    console.log(
      `${user}: ${seeded.messages} messages, ${(seeded.bytes / 1e6).toFixed(1)} MB in ${seeded.folders} folders`,
    );
  }

  const extVars = [
    `SOURCE_PORT=${source.ports.plain}`,
    `TARGET_PORT=${target.ports.plain}`,
    `SOURCE_USER=${USERS.join(',')}`,
    `TARGET_USER=${USERS.join(',')}`,
  ].flatMap((value) => ['--ext-str', value]);
  console.log(
    `\nEvery command below runs in ${work} and also gets the ports and logins of this run:\n  ${extVars.join(' ')}`,
  );
  console.log(
    'The passwords come from DEMO_SOURCE_PW and DEMO_TARGET_PW in the environment; they never appear in output, plans or audit logs.',
  );
  const mailshift = commandRunner(work, extVars, env);
  const planFile = (phase: string) => `migrations/plans/${NAME}.${phase}.plan.json`;

  say('1. Validate the cutover manifest (no network)');
  await mailshift(['validate', MANIFEST]);

  say('2. Check the logins on both sides of every account');
  await mailshift(['check', MANIFEST]);

  say('3. Plan the presync (read-only): this markdown is the pull-request comment a reviewer reads');
  await mailshift(['plan', MANIFEST, '--phase', 'presync', '--format', 'markdown']);

  say('4. Apply the reviewed presync plan (days before the cutover; users keep working on the old server)');
  await mailshift(['apply', planFile('presync')]);

  say('5. Life goes on: new mail arrives on the old server');
  await deliver(source, sourceAccount('alice'), ['quarterly-report', 'lunch-friday']);
  await deliver(source, sourceAccount('bob'), ['invoice-2026-11']);

  say('6. The runbook keeps its order: draining the old INBOX before the MX switch is refused');
  await mailshift(['apply', MANIFEST, '--phase', 'drain-source', '--auto-approve', '--quiet'], [1]);

  say('7. Cutover night: plan and apply the final sync (only what changed since the presync)');
  await mailshift(['plan', MANIFEST, '--phase', 'final']);
  await mailshift(['apply', planFile('final')]);
  await mailshift(['verify', MANIFEST, '--phase', 'final', '--content']);

  say('8. Switch the MX record (a manual step), then record it');
  await mailshift(['gate', MANIFEST, 'switch-mx', '--note', 'MX for demo.example now points at the new server']);

  say('9. DNS caches are slow: one more message still lands on the old server');
  await deliver(source, sourceAccount('carol'), ['late-after-mx-switch']);

  say(
    "10. Drain the old INBOX: copy the last day's stragglers, then delete from the old server what the new one confirmed",
  );
  await mailshift(['plan', MANIFEST, '--phase', 'drain-source']);
  await mailshift(['apply', planFile('drain-source')]);
  await mailshift(['verify', MANIFEST, '--phase', 'drain-source', '--content']);

  say('11. Where the runbook stands');
  await mailshift(['status', MANIFEST]);

  say('12. The audit trail: every apply and gate, hash-chained');
  await mailshift(['audit', MANIFEST]);

  const written = filesUnder(join(work, 'migrations'));
  const leaks = written.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return text.includes(env.DEMO_SOURCE_PW) || text.includes(env.DEMO_TARGET_PW);
  });
  if (leaks.length > 0) throw new DemoStopped(`a password was written to ${leaks.join(', ')}`);
  console.log(
    `\nChecked: neither password appears in any of the ${written.length} files the demo wrote (plans, audit logs, state).`,
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

async function main(): Promise<number> {
  try {
    await ensureDovecotInstalled();
  } catch (error) {
    console.error(`Dovecot is not installed. Install it with:\n  ${(error as Error).message}`);
    return 1;
  }
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'mailshift-demo-'));
  mkdirSync(join(work, 'migrations'));
  copyFileSync(join(REPO, MANIFEST), join(work, MANIFEST));

  say('Starting two throwaway Dovecot servers on 127.0.0.1');
  const { slash: source, dot: target } = await dovecotPair();
  console.log(`old server: 127.0.0.1:${source.ports.plain}  ('/' hierarchy, no prefix)`);
  console.log(`new server: 127.0.0.1:${target.ports.plain}  ('.' hierarchy under INBOX., other special-folder names)`);
  let code = 0;
  try {
    await walkRunbook(source, target, work);
  } catch (error) {
    if (!(error instanceof DemoStopped)) throw error;
    console.error(`\nThe demo stopped: ${error.message}.`);
    code = 1;
  } finally {
    say('Stopping the servers; nothing is left running');
    await Promise.all([source.stop(), target.stop()]);
  }
  say(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s. What the demo wrote is kept for reading:`);
  console.log(`  manifest     ${join(work, MANIFEST)}`);
  console.log(`  plan files   ${join(work, 'migrations', 'plans')}/`);
  console.log(`  audit logs   ${join(work, 'migrations', 'audit', NAME)}/`);
  console.log(`  state        ${join(work, 'migrations', '.mailshift', NAME)}/ (journal, UID maps, lock)`);
  console.log(`Remove it with: rm -r ${work}`);
  return code;
}

process.exitCode = await main();
