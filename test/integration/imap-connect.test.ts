import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError, type Diagnostic } from '../../src/errors.ts';
import { openConnection, type ConnectContext } from '../../src/imap/connect.ts';
import { PROBE_AFTER_SECONDS } from '../../src/imap/greeting-probe.ts';
import { flowOf } from '../../src/imap/connection.ts';
import { readServerInfo } from '../../src/imap/server-info.ts';
import type { EndpointSettings } from '../../src/manifest/settings.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { freePort } from '../support/ports.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

type Tls = EndpointSettings['tls'];

function endpoint(
  server: DovecotServer,
  user: string,
  tls: Tls,
  overrides: Partial<EndpointSettings> = {},
): EndpointSettings {
  return {
    host: server.host,
    port: tls === 'implicit' ? server.ports.tls : server.ports.plain,
    tls,
    tlsVerify: true,
    allowPlaintext: true,
    user,
    credential: { mechanism: 'PLAIN', password: { env: 'ALICE_OLD_PW' } },
    connections: 2,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 5,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
    ...overrides,
  };
}

function context(password: string, extra: Partial<ConnectContext> = {}): ConnectContext {
  return { side: 'source', accountId: 'alice', manifestDir: tmpdir(), env: { ALICE_OLD_PW: password }, ...extra };
}

async function failure(settings: EndpointSettings, connectContext: ConnectContext): Promise<Diagnostic> {
  try {
    const connection = await openConnection(settings, connectContext);
    await connection.close();
  } catch (error) {
    assert.instance(error, MailshiftError, String(error));
    const diagnostic = (error as MailshiftError).diagnostics[0]!;
    assert.equal(diagnostic.location, { account: 'alice' });
    assert.ok(diagnostic.hint, 'a hint says what to do');
    return diagnostic;
  }
  throw new Error('connected');
}

for (const tls of ['none', 'starttls', 'implicit'] as const) {
  test(`logs in with tls '${tls}', the certificate verified`, async () => {
    const { slash } = await dovecotPair();
    const account = await freshUser(slash);
    const connection = await openConnection(
      endpoint(slash, account.user, tls),
      context(account.password, { ca: slash.certificatePem }),
    );
    try {
      assert.ok(connection.usable);
      assert.equal(connection.place, {
        side: 'source',
        accountId: 'alice',
        host: '127.0.0.1',
        port: tls === 'implicit' ? slash.ports.tls : slash.ports.plain,
      });
      const flow = flowOf(connection);
      assert.is(flow.secureConnection, tls !== 'none');
      if (tls !== 'none') assert.ok(flow.tls && flow.tls.authorized, 'certificate verified');
      const server = readServerInfo(connection);
      assert.is(server.name, 'Dovecot');
      assert.ok(server.capabilities.includes('UIDPLUS'));
    } finally {
      await connection.close();
    }
    assert.not.ok(connection.usable, 'closed');
  });
}

for (const tls of ['starttls', 'implicit'] as const) {
  test(`tls '${tls}' refuses an untrusted certificate: TLS_FAILED with the way out`, async () => {
    const { slash } = await dovecotPair();
    const account = await freshUser(slash);
    const diagnostic = await failure(endpoint(slash, account.user, tls), context(account.password));
    assert.is(diagnostic.code, 'TLS_FAILED');
    assert.match(
      diagnostic.message,
      `source TLS handshake failed for account alice at 127.0.0.1:${tls === 'implicit' ? slash.ports.tls : slash.ports.plain}`,
    );
    assert.match(diagnostic.message, /self[- ]signed certificate/);
    assert.match(diagnostic.hint!, 'NODE_EXTRA_CA_CERTS');
    assert.match(diagnostic.hint!, 'tlsVerify: false');
  });
}

test('tlsVerify false connects to a self-signed server', async () => {
  const { dot } = await dovecotPair();
  const account = await freshUser(dot);
  const connection = await openConnection(
    endpoint(dot, account.user, 'implicit', { tlsVerify: false }),
    context(account.password),
  );
  assert.ok(flowOf(connection).secureConnection);
  await connection.close();
});

test('a wrong password: LOGIN_FAILED naming side, account, server and the secret reference, never the password', async () => {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const wrong = `${account.password}-Wr0ng`;
  const diagnostic = await failure(endpoint(slash, account.user, 'none'), context(wrong));
  assert.is(diagnostic.code, 'LOGIN_FAILED');
  assert.match(
    diagnostic.message,
    `source login failed for account alice at 127.0.0.1:${slash.ports.plain}: AUTHENTICATIONFAILED`,
  );
  assert.match(diagnostic.message, 'check the password in env ALICE_OLD_PW');
  assert.match(diagnostic.hint!, account.user);
  const text = JSON.stringify(diagnostic);
  assert.not.ok(text.includes(wrong) || text.includes(account.password), text);
});

test('the secret is resolved again at every login', async () => {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const env: NodeJS.ProcessEnv = { ALICE_OLD_PW: account.password };
  const settings = endpoint(slash, account.user, 'none');
  const first = await openConnection(settings, context('', { env }));
  await first.close();
  env.ALICE_OLD_PW = 'changed-since';
  assert.is((await failure(settings, context('', { env }))).code, 'LOGIN_FAILED');
});

test('a missing secret: SECRET_UNAVAILABLE before any connection', async () => {
  const { slash } = await dovecotPair();
  const diagnostic = await failure(endpoint(slash, 'nobody', 'none'), context('', { env: {} }));
  assert.is(diagnostic.code, 'SECRET_UNAVAILABLE');
  assert.is(diagnostic.message, 'source password for account alice: environment variable ALICE_OLD_PW is not set');
});

test('SASL LOGIN works; XOAUTH2 against a server without OAuth says so', async () => {
  const { dot } = await dovecotPair();
  const account = await freshUser(dot);
  const login = await openConnection(
    endpoint(dot, account.user, 'none', { credential: { mechanism: 'LOGIN', password: { env: 'ALICE_OLD_PW' } } }),
    context(account.password),
  );
  await login.close();
  const oauth = endpoint(dot, account.user, 'none', {
    credential: { mechanism: 'XOAUTH2', accessToken: { env: 'ALICE_OLD_PW' } },
  });
  const diagnostic = await failure(oauth, context('ya29.token'));
  assert.is(diagnostic.code, 'LOGIN_FAILED');
  assert.match(diagnostic.message, 'offers no XOAUTH2 or OAUTHBEARER login');
});

test('a port nobody listens on: CONNECT_FAILED', async () => {
  const { slash } = await dovecotPair();
  const port = await freePort();
  const diagnostic = await failure(endpoint(slash, 'alice', 'none', { port }), context('pw'));
  assert.is(diagnostic.code, 'CONNECT_FAILED');
  assert.match(
    diagnostic.message,
    `source connection failed for account alice at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`,
  );
});

test('a host name that does not resolve: DNS_FAILED', async () => {
  const { slash } = await dovecotPair();
  const diagnostic = await failure(
    endpoint(slash, 'alice', 'implicit', { host: 'nonexistent.invalid', port: 993 }),
    context('pw'),
  );
  assert.is(diagnostic.code, 'DNS_FAILED');
  assert.match(
    diagnostic.message,
    'source connection failed for account alice at nonexistent.invalid:993: host name not found (ENOTFOUND)',
  );
});

test('plain IMAP on the TLS port: TIMEOUT waiting for a greeting, with a hint about `tls`', async () => {
  const { slash } = await dovecotPair();
  const diagnostic = await failure(
    endpoint(slash, 'alice', 'none', { port: slash.ports.tls, timeoutSeconds: 1 }),
    context('pw'),
  );
  assert.is(diagnostic.code, 'TIMEOUT');
  assert.match(diagnostic.message, 'no greeting within 1 s');
  assert.match(diagnostic.hint!, '`tls`');
});

test('plaintext connections to a TLS port share one probe, and each is told at once', async () => {
  const { slash } = await dovecotPair();
  const proxy = await startTcpProxy(slash.ports.tls);
  try {
    const settings = endpoint(slash, 'alice', 'none', { port: proxy.port });
    const [first, second] = await Promise.all([failure(settings, context('pw')), failure(settings, context('pw'))]);
    for (const diagnostic of [first, second]) {
      assert.is(diagnostic.code, 'TLS_FAILED');
      assert.match(
        diagnostic.message,
        `no IMAP greeting within ${PROBE_AFTER_SECONDS} s, and port ${proxy.port} answers in TLS`,
      );
      assert.match(diagnostic.hint!, "use tls: 'implicit'");
    }
    assert.is(proxy.connections, 3, 'two logins and one probe');
  } finally {
    await proxy.stop();
  }
});

test('a plaintext server that greets only after the probe delay is waited for, not taken for a TLS port', async () => {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const proxy = await startTcpProxy(slash.ports.plain, { firstGreetingDelayMs: (PROBE_AFTER_SECONDS + 1.5) * 1000 });
  try {
    const started = Date.now();
    const connection = await openConnection(
      endpoint(slash, account.user, 'none', { port: proxy.port, timeoutSeconds: 30 }),
      context(account.password),
    );
    assert.ok(Date.now() - started >= (PROBE_AFTER_SECONDS + 1.5) * 1000, 'the greeting came late');
    assert.ok(connection.usable);
    await connection.close();
  } finally {
    await proxy.stop();
  }
});

test('a plaintext port that answers the probe in plain text but never greets us: TIMEOUT saying `tls` is right', async () => {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const proxy = await startTcpProxy(slash.ports.plain, { firstGreetingDelayMs: 30_000 });
  try {
    const diagnostic = await failure(
      endpoint(slash, account.user, 'none', { port: proxy.port, timeoutSeconds: PROBE_AFTER_SECONDS + 2 }),
      context(account.password),
    );
    assert.is(diagnostic.code, 'TIMEOUT');
    assert.match(diagnostic.message, `no greeting within ${PROBE_AFTER_SECONDS + 2} s`);
    assert.match(diagnostic.hint!, `port ${proxy.port} is no TLS port`);
    assert.match(diagnostic.hint!, 'raise timeoutSeconds');
  } finally {
    await proxy.stop();
  }
});

test('implicit TLS on the plain port: TLS_FAILED, pointing at starttls', async () => {
  const { slash } = await dovecotPair();
  const diagnostic = await failure(
    endpoint(slash, 'alice', 'implicit', { port: slash.ports.plain }),
    context('pw', { ca: slash.certificatePem }),
  );
  assert.is(diagnostic.code, 'TLS_FAILED');
  assert.match(diagnostic.hint!, "tls: 'starttls'");
});

test.run();
