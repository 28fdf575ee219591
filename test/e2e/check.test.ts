import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder } from '../support/manifests.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const folder = manifestFolder();

const setup = (async () => {
  const { slash, dot } = await dovecotPair();
  const [aliceSource, aliceTarget, bobSource, bobTarget] = await Promise.all([
    freshUser(slash),
    freshUser(dot),
    freshUser(dot),
    freshUser(slash),
  ]);
  await seedMailbox(slash, aliceSource, { seed: 31, messages: 20, otherDelimiter: '.' });
  mkdirSync(join(folder.dir, 'secrets'));
  writeFileSync(join(folder.dir, 'secrets', 'alice.pw'), `${aliceTarget.password}\n`);
  writeFileSync(join(folder.dir, 'bob.pw'), `${bobSource.password}\n`);
  writeFileSync(join(folder.dir, 'ca.pem'), slash.certificatePem + dot.certificatePem);
  const manifest = folder.write('check.json', {
    apiVersion: 'mailshift/v1',
    name: 'check-test',
    defaults: { source: { host: '127.0.0.1', tls: 'none' }, target: { host: '127.0.0.1', tls: 'implicit' } },
    accounts: [
      {
        id: 'alice',
        source: { port: slash.ports.plain, user: aliceSource.user, password: { env: 'ALICE_OLD_PW' } },
        target: { port: dot.ports.tls, user: aliceTarget.user, password: { file: 'secrets/alice.pw' } },
      },
      {
        id: 'bob',
        source: {
          port: dot.ports.plain,
          tls: 'starttls',
          user: bobSource.user,
          password: { command: ['cat', 'bob.pw'] },
        },
        target: { port: slash.ports.plain, tls: 'none', user: bobTarget.user, password: { env: 'BOB_NEW_PW' } },
      },
    ],
    phases: [{ name: 'presync' }],
  });
  const env = {
    ALICE_OLD_PW: aliceSource.password,
    BOB_NEW_PW: bobTarget.password,
    NODE_EXTRA_CA_CERTS: join(folder.dir, 'ca.pem'),
  };
  return { manifest, env, slash, dot, aliceSource, bobTarget };
})();

test('check: a table with one row per side, every login ok, exit 0', async () => {
  const { manifest, env, slash, dot } = await setup;
  const result = await runMailshift(['check', manifest], { env });
  assert.is(result.stderr, '');
  assert.is(result.code, 0);
  const lines = result.stdout.split('\n');
  assert.match(
    lines[0]!,
    /^ACCOUNT\s+SIDE\s+RESULT\s+ENDPOINT\s+SERVER\s+DELIMITER\s+PREFIX\s+FOLDERS\s+MESSAGES\s+CAPABILITIES$/,
  );
  const column = (name: string) => lines[0]!.indexOf(name);
  const rows = lines.slice(1, 5);
  assert.match(rows[0]!, /^alice\s+source\s+ok\s+/);
  assert.match(rows[0]!, `127.0.0.1:${slash.ports.plain}`);
  assert.match(rows[1]!, new RegExp(`^\\s+target\\s+ok\\s+127\\.0\\.0\\.1:${dot.ports.tls}\\s+Dovecot`));
  assert.match(rows[2]!, /^bob\s+source\s+ok/);
  for (const row of rows) {
    assert.is(row.indexOf('ok'), column('RESULT'), row);
    assert.is(row.indexOf('Dovecot'), column('SERVER'), row);
    assert.is(row.indexOf('UIDPLUS'), column('CAPABILITIES'), row);
    assert.match(row, 'UIDPLUS CONDSTORE QRESYNC MOVE SPECIAL-USE COMPRESS MULTIAPPEND LITERAL+');
  }
  // Each side's hierarchy delimiter and personal namespace prefix, quoted so that '' and '.' show.
  const namespace = (row: string) => row.slice(column('DELIMITER'), column('FOLDERS')).trim().split(/\s+/).join(' ');
  assert.equal(rows.map(namespace), ['"/" ""', '"." "INBOX."', '"." "INBOX."', '"/" ""']);
  // 14 generated folders, 20 messages; right-aligned under their headings.
  assert.is(
    rows[0]!
      .slice(column('FOLDERS'), column('MESSAGES') + 'MESSAGES'.length)
      .trim()
      .split(/\s+/)
      .join(' '),
    '14 20',
  );
  assert.match(result.stdout, '2 accounts checked: 2 ok, 0 failed');
});

test('check --format json: the same results as data', async () => {
  const { manifest, env } = await setup;
  const result = await runMailshift(['check', manifest, '--format', 'json'], { env });
  assert.is(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  assert.is(json.format, 'mailshift-check/v1');
  assert.equal(json.summary, { accounts: 2, ok: 2, failed: 0 });
  assert.equal(
    json.accounts.map((a: { account: string }) => a.account),
    ['alice', 'bob'],
  );
  const alice = json.accounts[0];
  assert.equal(
    {
      ok: alice.source.ok,
      server: alice.source.server,
      folders: alice.source.folders,
      messages: alice.source.messages,
      error: alice.source.error,
    },
    { ok: true, server: 'Dovecot', folders: 14, messages: 20, error: null },
  );
  assert.ok(alice.target.capabilities.includes('CONDSTORE'));
  assert.equal(
    [alice.source.delimiter, alice.source.personalPrefix, alice.target.delimiter, alice.target.personalPrefix],
    ['/', '', '.', 'INBOX.'],
  );
  assert.is(alice.target.messages, 0);
});

test('a wrong password: exit 1, the failure named (account, side, server, env var), the password nowhere', async () => {
  const { manifest, env, slash } = await setup;
  const wrong = 'Not-The-Password-42';
  const result = await runMailshift(['check', manifest], { env: { ...env, ALICE_OLD_PW: wrong } });
  assert.is(result.code, 1);
  assert.match(result.stdout, /^alice\s+source\s+FAILED\s+127\.0\.0\.1:\d+(\s+-){5}\s+LOGIN_FAILED$/m);
  assert.match(result.stdout, /^bob\s+source\s+ok/m);
  assert.match(result.stdout, '2 accounts checked: 1 ok, 1 failed');
  assert.match(
    result.stderr,
    `error: (account alice): source login failed for account alice at 127.0.0.1:${slash.ports.plain}: AUTHENTICATIONFAILED`,
  );
  assert.match(result.stderr, 'check the password in env ALICE_OLD_PW');
  assert.not.ok(`${result.stdout}${result.stderr}`.includes(wrong), 'the password leaked');
  assert.not.ok(hasStackTrace(result.stderr));
});

test('an untrusted certificate and a missing secret: each reported with its fix', async () => {
  const { manifest, env } = await setup;
  const result = await runMailshift(['check', manifest, '--format', 'json'], {
    env: { ...env, NODE_EXTRA_CA_CERTS: '', BOB_NEW_PW: '' },
  });
  assert.is(result.code, 1);
  const json = JSON.parse(result.stdout);
  assert.is(json.accounts[0].target.error.code, 'TLS_FAILED');
  assert.is(json.accounts[1].source.error.code, 'TLS_FAILED', 'STARTTLS verifies the certificate too');
  assert.is(json.accounts[1].target.error.code, 'SECRET_UNAVAILABLE');
  assert.match(result.stderr, 'NODE_EXTRA_CA_CERTS');
  assert.match(result.stderr, 'target password for account bob: environment variable BOB_NEW_PW is empty');
});

test('a failing secret command: its exit code and how to run it by hand; its stderr only with --verbose', async () => {
  const { env, dot, slash, bobTarget } = await setup;
  const fakeSecret = 'Fake-Secret-On-Stderr-77';
  writeFileSync(
    join(folder.dir, 'bad-pass.sh'),
    `#!/bin/sh\necho '${fakeSecret}' >&2\necho 'Error: mail/bob is not in the password store.' >&2\nexit 1\n`,
  );
  chmodSync(join(folder.dir, 'bad-pass.sh'), 0o755);
  const manifest = folder.write('check-command.json', {
    apiVersion: 'mailshift/v1',
    name: 'check-command-test',
    defaults: { source: { host: '127.0.0.1', tls: 'none' }, target: { host: '127.0.0.1', tls: 'none' } },
    accounts: [
      {
        id: 'bob',
        source: { port: dot.ports.plain, user: 'bob', password: { command: ['./bad-pass.sh', 'mail/bob'] } },
        target: { port: slash.ports.plain, user: bobTarget.user, password: { env: 'BOB_NEW_PW' } },
      },
    ],
    phases: [{ name: 'presync' }],
  });
  const quiet = await runMailshift(['check', manifest], { env });
  assert.is(quiet.code, 1);
  assert.match(quiet.stdout, /^bob\s+source\s+FAILED.*SECRET_UNAVAILABLE$/m);
  assert.match(quiet.stderr, 'source password for account bob: command ./bad-pass.sh exited with code 1');
  assert.match(quiet.stderr, `run \`./bad-pass.sh mail/bob\` by hand in ${folder.dir} to see why`);
  assert.not.match(quiet.stderr, 'password store');
  const verbose = await runMailshift(['check', manifest, '--verbose'], { env });
  assert.is(verbose.code, 1);
  assert.match(verbose.stderr, 'exited with code 1: Error: mail/bob is not in the password store.');
  for (const result of [quiet, verbose]) {
    assert.not.ok(`${result.stdout}${result.stderr}`.includes(fakeSecret), 'the secret on stderr leaked');
    assert.not.ok(hasStackTrace(result.stderr));
  }
});

/** A manifest of one account, alice, with these endpoints on 127.0.0.1. */
function aliceOnly(name: string, source: Record<string, unknown>, target: Record<string, unknown>): string {
  return folder.write(`${name}.json`, {
    apiVersion: 'mailshift/v1',
    name: `${name}-test`,
    defaults: { source: { host: '127.0.0.1' }, target: { host: '127.0.0.1' } },
    accounts: [{ id: 'alice', source, target }],
    phases: [{ name: 'presync' }],
  });
}

test('a server without ID is named by its greeting, not "?"', async () => {
  const { env, slash, aliceSource } = await setup;
  const proxy = await startTcpProxy(slash.ports.plain, { hideCapabilities: ['ID'] });
  try {
    const endpoint = { port: proxy.port, tls: 'none', user: aliceSource.user, password: { env: 'ALICE_OLD_PW' } };
    const result = await runMailshift(['check', aliceOnly('check-no-id', endpoint, endpoint), '--format', 'json'], {
      env,
    });
    assert.is(result.code, 0, result.output);
    const alice = JSON.parse(result.stdout).accounts[0];
    assert.match(alice.source.server, /^Dovecot.* ready\. \(greeting\)$/);
  } finally {
    await proxy.stop();
  }
});

test('plaintext on an implicit-TLS port: diagnosed in seconds, not after the 60 s timeout', async () => {
  const { env, slash, dot, aliceSource, bobTarget } = await setup;
  const manifest = aliceOnly(
    'check-tls-port',
    { port: slash.ports.tls, tls: 'none', user: aliceSource.user, password: { env: 'ALICE_OLD_PW' } },
    { port: dot.ports.tls, tls: 'starttls', user: bobTarget.user, password: { env: 'BOB_NEW_PW' } },
  );
  const started = Date.now();
  const result = await runMailshift(['check', manifest, '--format', 'json'], { env });
  const seconds = (Date.now() - started) / 1000;
  assert.is(result.code, 1, result.stderr);
  assert.ok(seconds < 10, `took ${seconds} s`);
  const alice = JSON.parse(result.stdout).accounts[0];
  for (const [side, port] of [
    ['source', slash.ports.tls],
    ['target', dot.ports.tls],
  ] as const) {
    assert.is(alice[side].error.code, 'TLS_FAILED', side);
    assert.match(result.stderr, `${side} connection failed for account alice at 127.0.0.1:${port}: no IMAP greeting`);
    assert.match(result.stderr, `port ${port} answers in TLS`);
  }
  assert.match(result.stderr, "use tls: 'implicit'");
  assert.not.ok(hasStackTrace(result.stderr));
});

test('implicit TLS on a plaintext port: diagnosed at once, naming the port as plaintext', async () => {
  const { env, slash, aliceSource } = await setup;
  const manifest = aliceOnly(
    'check-plain-port',
    { port: slash.ports.plain, tls: 'implicit', user: aliceSource.user, password: { env: 'ALICE_OLD_PW' } },
    { port: slash.ports.plain, tls: 'none', user: aliceSource.user, password: { env: 'ALICE_OLD_PW' } },
  );
  const started = Date.now();
  const result = await runMailshift(['check', manifest], { env });
  const seconds = (Date.now() - started) / 1000;
  assert.is(result.code, 1, result.stderr);
  assert.ok(seconds < 10, `took ${seconds} s`);
  assert.match(result.stdout, /^alice\s+source\s+FAILED.*TLS_FAILED$/m);
  assert.match(
    result.stderr,
    `source TLS handshake failed for account alice at 127.0.0.1:${slash.ports.plain}: the server answered in plain text`,
  );
  assert.match(result.stderr, `port ${slash.ports.plain} is a plaintext IMAP port`);
  assert.match(result.stderr, "use tls: 'starttls'");
  assert.not.ok(hasStackTrace(result.stderr));
});

test('--account checks only those accounts', async () => {
  const { manifest, env } = await setup;
  const result = await runMailshift(['check', manifest, '--account', 'bob'], { env });
  assert.is(result.code, 0, result.stderr);
  assert.not.match(result.stdout, 'alice');
  assert.match(result.stdout, /^bob\s+source\s+ok/m);
  assert.match(result.stdout, '1 account checked: 1 ok, 0 failed');
});

test('an unknown --account is a usage error listing the ids', async () => {
  const { manifest, env } = await setup;
  const result = await runMailshift(['check', manifest, '--account', 'bobb'], { env });
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(result.stderr, '--account bobb: no such account in check-test');
  assert.match(result.stderr, 'did you mean bob? the accounts are: alice, bob');
});

test.after(() => folder.remove());

test.run();
