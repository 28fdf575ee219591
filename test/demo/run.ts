// `npm run demo`: two throwaway Dovecot servers on loopback, a seeded source mailbox per user,
// and the example cutover (migrations/demo-cutover.jsonnet) walked with the CLI as a user would.
// It grows with the commands: today it validates the manifest and shows what is ready to plan.
import { randomBytes } from 'node:crypto';
import { ensureDovecotInstalled, type DovecotServer } from '../support/dovecot.ts';
import { dovecotPair } from '../support/servers.ts';
import { seedMailbox } from '../support/seed.ts';
import { runMailshift } from '../support/cli.ts';

const USERS = ['alice', 'bob', 'carol'];
const MANIFEST = 'migrations/demo-cutover.jsonnet';

function say(text: string): void {
  console.log(`\n== ${text}`);
}

async function mailshift(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`$ mailshift ${args.join(' ')}`);
  const result = await runMailshift(args, { env });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code ?? 1;
}

async function addUsers(server: DovecotServer, password: string): Promise<void> {
  for (const user of USERS) await server.addUser(user, password);
}

async function main(): Promise<number> {
  try {
    await ensureDovecotInstalled();
  } catch (error) {
    console.error(`Dovecot is not installed. Install it with:\n  ${(error as Error).message}`);
    return 1;
  }
  say('Starting two throwaway Dovecot servers on 127.0.0.1');
  const { slash: source, dot: target } = await dovecotPair();
  console.log(`source: 127.0.0.1:${source.ports.plain}  ('/' hierarchy, no prefix; the old server)`);
  console.log(`target: 127.0.0.1:${target.ports.plain}  ('.' hierarchy under INBOX.; the new server)`);

  const env = { DEMO_SOURCE_PW: randomBytes(9).toString('base64url'), DEMO_TARGET_PW: randomBytes(9).toString('base64url') };
  await addUsers(source, env.DEMO_SOURCE_PW);
  await addUsers(target, env.DEMO_TARGET_PW);

  say(`Seeding the source mailboxes of ${USERS.join(', ')}`);
  for (const [index, user] of USERS.entries()) {
    const seeded = await seedMailbox(source, { user, password: env.DEMO_SOURCE_PW }, { seed: index + 1, messages: 150, otherDelimiter: '.' });
    console.log(`${user}: ${seeded.messages} messages, ${(seeded.bytes / 1e6).toFixed(1)} MB in ${seeded.folders} folders`);
  }

  const extVars = [
    `SOURCE_PORT=${source.ports.plain}`, `TARGET_PORT=${target.ports.plain}`,
    `SOURCE_USER=${USERS.join(',')}`, `TARGET_USER=${USERS.join(',')}`,
  ].flatMap((value) => ['--ext-str', value]);

  say('1. Validate the cutover manifest (no network)');
  let code = await mailshift(['validate', ...extVars, MANIFEST], env);
  if (code !== 0) return code;

  say('2. Check the logins on both sides of every account');
  code = await mailshift(['check', ...extVars, MANIFEST], env);
  if (code !== 0) return code;

  say('3. Plan the presync (read-only), as the pull-request comment a reviewer sees');
  code = await mailshift(['plan', ...extVars, MANIFEST, '--phase', 'presync', '--format', 'markdown'], env);
  if (code !== 0) return code;

  say('Next steps of the runbook');
  console.log(`The plan is in migrations/plans/demo-cutover.presync.plan.json. apply, verify and the
rest of the cutover (final, the switch-mx gate, drain-source) arrive with the next releases
(see README "Status").`);
  say('Stopping the servers; nothing is left running');
  return 0;
}

process.exitCode = await main();
