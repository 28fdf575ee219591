// An admin logging in for users (imapsync's --authuser): SASL PLAIN with an authorisation identity
// (RFC 4616) against a Dovecot with a master-user passdb, the login written with ms.adminLogin. The
// admin copies alice's mail into her new mailbox, and bob's out of his old one, knowing neither
// password; a wrong admin password and a server without AUTH=PLAIN fail clearly, and no secret
// is ever printed or written.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift, type CliResult } from '../support/cli.ts';
import { notDeleted } from '../support/example-run.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { manifestFolder } from '../support/manifests.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair, freshUser, sharedDovecot } from '../support/servers.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const folder = manifestFolder();
const proxies: TcpProxy[] = [];

const setup = (async () => {
  const [{ slash }, masters] = await Promise.all([dovecotPair(), sharedDovecot({ layout: 'dot', masterUsers: true })]);
  const admin = `admin-${randomBytes(3).toString('hex')}`;
  const adminPassword = randomBytes(9).toString('base64url');
  await masters.addMasterUser(admin, adminPassword);
  const [aliceOld, aliceNew, bobOld, bobNew] = await Promise.all([
    freshUser(slash, 'alice-old'),
    freshUser(masters, 'alice-new'),
    freshUser(masters, 'bob-old'),
    freshUser(slash, 'bob-new'),
  ]);
  await Promise.all([
    seedMailbox(slash, aliceOld, { seed: 191, messages: 12, otherDelimiter: '.' }),
    seedMailbox(masters, bobOld, { seed: 192, messages: 12, otherDelimiter: '/' }),
  ]);
  /** The manifest, with the admin's login on alice's target and bob's source, at `adminPort`. */
  const manifest = (name: string, adminPort = masters.ports.plain) =>
    folder.write(
      `${name}.jsonnet`,
      `local ms = import 'mailshift.libsonnet';
local asAdmin = ms.adminLogin('${admin}', { env: 'ADMIN_PW' });
{
  apiVersion: 'mailshift/v1',
  name: '${name}',
  defaults: { source: { host: '127.0.0.1', tls: 'none' }, target: { host: '127.0.0.1', tls: 'none' } },
  accounts: [
    { id: 'alice',
      source: { port: ${slash.ports.plain}, user: '${aliceOld.user}', password: { env: 'ALICE_OLD_PW' } },
      target: asAdmin('${aliceNew.user}') + { port: ${adminPort} } },
    { id: 'bob',
      source: asAdmin('${bobOld.user}') + { port: ${adminPort} },
      target: { port: ${slash.ports.plain}, user: '${bobNew.user}', password: { env: 'BOB_NEW_PW' } } },
  ],
  phases: [{ name: 'presync', deleteTarget: true, deleteTargetFolders: true }],
}
`,
    );
  const env = { ADMIN_PW: adminPassword, ALICE_OLD_PW: aliceOld.password, BOB_NEW_PW: bobNew.password };
  // Passwords mailshift never gets: the mailboxes the admin enters are read with them, by the test only.
  const secrets = [adminPassword, aliceOld.password, aliceNew.password, bobOld.password, bobNew.password];
  return { slash, masters, admin, aliceOld, aliceNew, bobOld, bobNew, manifest, env, secrets };
})();

test.after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  folder.remove();
});

function assertNoSecret(result: CliResult, secrets: string[]): void {
  for (const secret of secrets) {
    assert.not.ok(result.stdout.includes(secret), 'no secret on stdout');
    assert.not.ok(result.stderr.includes(secret), 'no secret on stderr');
  }
}

/** Every file under dir (plans, state, audit, trace): none may hold a secret. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('check: the admin logs in for both mailboxes, and the table says "admin as <user>"', async () => {
  const { manifest, env, admin, aliceNew, bobOld, masters, secrets } = await setup;
  const result = await runMailshift(['check', manifest('admin-check')], { env });
  assert.is(result.code, 0, result.stdout + result.stderr);
  const [, aliceSource, aliceTarget, bobSource] = result.stdout.split('\n');
  assert.match(aliceSource!, /^alice\s+source\s+ok\s+127\.0\.0\.1:/, 'a login of its own stays host:port');
  assert.match(aliceTarget!, `target  ok      ${admin} as ${aliceNew.user}@127.0.0.1:${masters.ports.plain}`);
  assert.match(bobSource!, `${admin} as ${bobOld.user}@127.0.0.1:${masters.ports.plain}`);
  assertNoSecret(result, secrets);
});

test('plan → apply → verify: the admin copies both mailboxes without their passwords', async () => {
  const { manifest, env, admin, slash, masters, aliceOld, aliceNew, bobOld, bobNew, secrets } = await setup;
  const file = manifest('admin-copy');
  const planFile = join(folder.dir, 'plans', 'admin-copy.presync.plan.json');
  const trace = join(folder.dir, 'admin-copy.trace');
  const planned = await runMailshift(['plan', file, '--phase', 'presync', '--detailed-exitcode', '--trace', trace], {
    env,
  });
  assert.is(planned.code, 2, planned.stdout + planned.stderr);
  assert.match(
    planned.stdout,
    `Account alice: ${aliceOld.user}@127.0.0.1:${slash.ports.plain} → ${admin} as ${aliceNew.user}@127.0.0.1:${masters.ports.plain}`,
  );
  assert.match(planned.stdout, `Account bob: ${admin} as ${bobOld.user}@127.0.0.1:${masters.ports.plain} →`);
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  assert.equal(plan.accounts[0].target, {
    host: '127.0.0.1',
    port: masters.ports.plain,
    tls: 'none',
    user: admin,
    authorizeAs: aliceNew.user,
    password: { env: 'ADMIN_PW' },
  });
  assert.ok(plan.summary.messagesToCopy > 0);
  // The login itself: AUTHENTICATE PLAIN (with the authorisation identity), never LOGIN. imapflow's
  // raw log (the trace on its public API) withholds the login command's line altogether.
  const traced = readFileSync(trace, 'utf8');
  if (process.env['MAILSHIFT_WIRE'] !== 'imapflow')
    assert.match(traced, / target alice#\d+ C: \S+ AUTHENTICATE PLAIN$/m);
  assert.not.match(traced, / (target alice|source bob)#\d+ C: \S+ LOGIN /);

  const applied = await runMailshift(['apply', planFile], { env });
  assert.is(applied.code, 0, applied.stdout + applied.stderr);
  const [verified, again] = await Promise.all([
    runMailshift(['verify', file, '--phase', 'presync', '--content'], { env }),
    runMailshift(['plan', file, '--phase', 'presync', '--detailed-exitcode', '--out', join(folder.dir, 'again.json')], {
      env,
    }),
  ]);
  assert.is(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, `→ ${admin} as ${aliceNew.user}@127.0.0.1:${masters.ports.plain}`);
  assert.is(again.code, 0, `nothing left to do:\n${again.stdout}${again.stderr}`);

  // Read by the users themselves: each new mailbox holds exactly the old one's mail.
  const [aliceBefore, aliceAfter, bobBefore, bobAfter] = await Promise.all([
    mailboxState(slash, aliceOld),
    mailboxState(masters, aliceNew),
    mailboxState(masters, bobOld),
    mailboxState(slash, bobNew),
  ]);
  assert.equal(contentMultiset(aliceAfter), contentMultiset(aliceBefore).filter(notDeleted));
  assert.equal(contentMultiset(bobAfter), contentMultiset(bobBefore).filter(notDeleted));
  assert.ok(contentMultiset(aliceAfter).length > 0 && contentMultiset(bobAfter).length > 0);

  for (const result of [planned, applied, verified, again]) assertNoSecret(result, secrets);
  for (const path of filesUnder(folder.dir)) {
    const text = readFileSync(path, 'utf8');
    for (const secret of secrets) assert.not.ok(text.includes(secret), `no secret in ${path}`);
  }
});

test('a wrong admin password: LOGIN_FAILED naming the admin, the mailbox and the secret reference', async () => {
  const { manifest, env, admin, aliceNew, secrets } = await setup;
  const wrong = `wrong-${randomBytes(6).toString('hex')}`;
  const file = manifest('admin-wrong');
  const [checked, planned] = await Promise.all([
    runMailshift(['check', file, '--account', 'alice'], { env: { ...env, ADMIN_PW: wrong } }),
    runMailshift(['plan', file, '--phase', 'presync', '--account', 'alice'], { env: { ...env, ADMIN_PW: wrong } }),
  ]);
  assert.is(checked.code, 1, checked.stdout + checked.stderr);
  assert.match(checked.stdout, /^\s+target\s+FAILED\s+.*LOGIN_FAILED$/m);
  assert.is(planned.code, 1, planned.stdout + planned.stderr);
  for (const result of [checked, planned]) {
    const output = result.stdout + result.stderr;
    assert.match(output, `target login failed for account alice at 127.0.0.1:`);
    assert.match(output, `(${admin} as ${aliceNew.user}): AUTHENTICATIONFAILED`);
    assert.match(output, 'check the admin password in env ADMIN_PW');
    assert.match(output, 'Dovecot: a passdb with master = yes; Cyrus: proxyservers');
    assertNoSecret(result, [...secrets, wrong]);
  }
});

for (const hidden of [['AUTH=PLAIN'], ['AUTH=PLAIN', 'AUTH=LOGIN']]) {
  test(`a server that offers no AUTH=PLAIN (${hidden.join(', ')} hidden): refused before anything is sent`, async () => {
    const { manifest, env, admin, aliceNew, masters, secrets } = await setup;
    const proxy = await startTcpProxy(masters.ports.plain, { hideCapabilities: hidden });
    proxies.push(proxy);
    const name = `admin-noplain-${hidden.length}`;
    const trace = join(folder.dir, `${name}.trace`);
    const result = await runMailshift(['check', manifest(name, proxy.port), '--account', 'alice', '--trace', trace], {
      env,
    });
    assert.is(result.code, 1, result.stdout + result.stderr);
    const output = result.stdout + result.stderr;
    assert.match(output, `(${admin} as ${aliceNew.user}): no SASL PLAIN login: the server does not offer AUTH=PLAIN`);
    assert.match(output, 'LOGIN cannot name the user to act for');
    assertNoSecret(result, secrets);
    const traced = readFileSync(trace, 'utf8');
    assert.match(traced, / target alice#\d+ S: \* OK \[CAPABILITY /, 'the server greeted with its capabilities');
    assert.not.match(
      traced,
      / target alice#\d+ C: (\S+ (LOGIN|AUTHENTICATE)|\(\* value hidden \*\))/,
      'no login was tried',
    );
  });
}

test.run();
