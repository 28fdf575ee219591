import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError, type Diagnostic } from '../../src/errors.ts';
import { openConnection, type ConnectContext } from '../../src/imap/connect.ts';
import type { EndpointSettings } from '../../src/manifest/settings.ts';
import type { OAuth2Input } from '../../src/manifest/types.ts';
import { tokenInfo } from '../../src/oauth2/access-token.ts';
import { TokenCache } from '../../src/oauth2/token-cache.ts';
import { freePort } from '../support/ports.ts';
import { plainEndpoint } from '../support/imap-connection.ts';
import { freshUser, sharedDovecot } from '../support/servers.ts';
import { startTokenEndpoint, thumbprintOf } from '../support/token-endpoint.ts';

// Logins through Dovecot's oauth2 passdb, which checks every token the harness endpoint issues
// against the endpoint's public key: a token Dovecot accepts is a correctly fetched one.

const setup = (async () => {
  const tokens = await startTokenEndpoint();
  const server = await sharedDovecot({ layout: 'slash', oauth2: tokens.validation });
  return { tokens, server };
})();

let clients = 0;

async function microsoftFor(user: string, secret = 'app-secret-' + (clients += 1)): Promise<OAuth2Input> {
  const { tokens } = await setup;
  const clientId = `client-${clients}-${user}`;
  tokens.addClient({ clientId, secret, subject: user });
  return {
    provider: 'microsoft',
    tenant: 'contoso.example',
    clientId,
    clientSecret: { env: 'APP_SECRET' },
    tokenUrl: tokens.url,
  };
}

async function endpoint(user: string, oauth2: OAuth2Input): Promise<EndpointSettings> {
  const { server } = await setup;
  return {
    ...plainEndpoint(server, { user, password: '' }, 2),
    credential: { mechanism: 'XOAUTH2', oauth2 },
    timeoutSeconds: 5,
  };
}

function context(env: NodeJS.ProcessEnv, cache: TokenCache): ConnectContext {
  return { side: 'source', accountId: 'alice', manifestDir: tmpdir(), env, tokens: cache };
}

async function login(settings: EndpointSettings, connectContext: ConnectContext): Promise<void> {
  const connection = await openConnection(settings, connectContext);
  await connection.close();
}

async function failure(settings: EndpointSettings, connectContext: ConnectContext): Promise<Diagnostic> {
  try {
    await login(settings, connectContext);
  } catch (error) {
    assert.instance(error, MailshiftError, String(error));
    return (error as MailshiftError).diagnostics[0]!;
  }
  throw new Error('logged in');
}

const grantsFor = async (subject: string) => (await setup).tokens.grants.filter((g) => g.subject === subject).length;

test('microsoft client secret: Dovecot accepts the token, and a second login reuses it', async () => {
  const { server } = await setup;
  const { user } = await freshUser(server);
  const oauth2 = await microsoftFor(user, 'the-client-secret');
  const cache = new TokenCache();
  const settings = await endpoint(user, oauth2);
  await login(settings, context({ APP_SECRET: 'the-client-secret' }, cache));
  await login(settings, context({ APP_SECRET: 'the-client-secret' }, cache));
  assert.is(await grantsFor(user), 1, 'one token for both logins');
  const info = tokenInfo(oauth2, user, cache);
  assert.ok(info);
  assert.is(info.issuer, `microsoft (tenant contoso.example, client ${(oauth2 as { clientId: string }).clientId})`);
  assert.ok(Date.parse(info.expiresAt) > Date.now() + 3500_000);
});

test('microsoft client certificate: the signed client assertion gets a token', async () => {
  const { server, tokens } = await setup;
  const { user } = await freshUser(server);
  const certificate = generateKeyPairSync('rsa', { modulusLength: 2048 });
  tokens.addClient({ clientId: `cert-${user}`, certificate: certificate.publicKey, subject: user });
  const pem = certificate.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const settings = await endpoint(user, {
    provider: 'microsoft',
    tenant: 'contoso.example',
    clientId: `cert-${user}`,
    clientCertificate: { privateKey: { env: 'APP_KEY' }, thumbprint: thumbprintOf(certificate.publicKey) },
    tokenUrl: tokens.url,
  });
  await login(settings, context({ APP_KEY: pem }, new TokenCache()));
});

test('google service account: the JWT bearer assertion names the user as subject', async () => {
  const { server, tokens } = await setup;
  const { user } = await freshUser(server);
  const key = tokens.addServiceAccount(`migrator-${user}@project.iam.example`);
  const settings = await endpoint(user, { provider: 'google', serviceAccountKey: { env: 'SA_KEY' } });
  await login(settings, context({ SA_KEY: key }, new TokenCache()));
  assert.equal(
    tokens.grants.filter((g) => g.subject === user),
    [{ grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer', subject: user, issued: true }],
  );
});

test('refresh token grant: a token for the refresh token’s user', async () => {
  const { server, tokens } = await setup;
  const { user } = await freshUser(server);
  tokens.addRefreshToken(`refresh-${user}`, { clientId: 'thunder', clientSecret: 'thunder-secret', subject: user });
  const settings = await endpoint(user, {
    provider: 'refresh',
    tokenUrl: tokens.url,
    clientId: 'thunder',
    clientSecret: { env: 'CLIENT_SECRET' },
    refreshToken: { env: 'REFRESH' },
  });
  await login(settings, context({ CLIENT_SECRET: 'thunder-secret', REFRESH: `refresh-${user}` }, new TokenCache()));
});

test('a cached token the server refuses is dropped, and the login tried once more with a new one', async () => {
  const { server, tokens } = await setup;
  const { user } = await freshUser(server);
  const oauth2 = await microsoftFor(user, 'skewed-secret');
  const cache = new TokenCache();
  const settings = await endpoint(user, oauth2);
  // The endpoint promises an hour, the token lasts one second: the cache thinks it valid.
  tokens.lifetimeSeconds = 1;
  tokens.claimedLifetimeSeconds = 3600;
  try {
    await login(settings, context({ APP_SECRET: 'skewed-secret' }, cache));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    tokens.lifetimeSeconds = 3600;
    await login(settings, context({ APP_SECRET: 'skewed-secret' }, cache));
  } finally {
    tokens.lifetimeSeconds = 3600;
    tokens.claimedLifetimeSeconds = null;
  }
  assert.is(await grantsFor(user), 2);
});

test('a new token the server refuses fails the login once, naming the issuer and never the token', async () => {
  const { server, tokens } = await setup;
  const [{ user }, other] = [await freshUser(server), await freshUser(server)];
  // A client whose tokens are for another mailbox: Dovecot refuses them for this one.
  tokens.addClient({ clientId: `wrong-${user}`, secret: 'wrong-box-secret', subject: other.user });
  const settings = await endpoint(user, {
    provider: 'microsoft',
    tenant: 'contoso.example',
    clientId: `wrong-${user}`,
    clientSecret: { env: 'APP_SECRET' },
    tokenUrl: tokens.url,
  });
  const before = tokens.grants.length;
  const diagnostic = await failure(settings, context({ APP_SECRET: 'wrong-box-secret' }, new TokenCache()));
  assert.is(diagnostic.code, 'LOGIN_FAILED');
  assert.match(diagnostic.message, `a new token from microsoft (tenant contoso.example, client wrong-${user})`);
  assert.match(diagnostic.hint!, 'IMAP.AccessAsApp');
  assert.is(tokens.grants.length - before, 1, 'no second token for a refusal of a new one');
  assert.not.match(JSON.stringify(diagnostic), /eyJ|wrong-box-secret/);
});

test('a wrong client secret: SECRET_UNAVAILABLE with the endpoint’s error, never the secret', async () => {
  const { server, tokens } = await setup;
  const { user } = await freshUser(server);
  const oauth2 = await microsoftFor(user, 'right-secret');
  tokens.revokeClientSecret((oauth2 as { clientId: string }).clientId);
  const diagnostic = await failure(
    await endpoint(user, oauth2),
    context({ APP_SECRET: 'right-secret' }, new TokenCache()),
  );
  assert.is(diagnostic.code, 'SECRET_UNAVAILABLE');
  assert.equal(diagnostic.location, { account: 'alice' });
  assert.match(diagnostic.message, /^no access token from microsoft \(tenant contoso\.example, client client-\d+-/);
  assert.match(diagnostic.message, '(invalid_client: AADSTS7000215: Invalid client secret provided.)');
  assert.match(diagnostic.hint!, 'client secret in env APP_SECRET');
  assert.not.match(JSON.stringify(diagnostic), 'right-secret');
});

test('an unreachable token endpoint: SECRET_UNAVAILABLE naming it', async () => {
  const { server } = await setup;
  const { user } = await freshUser(server);
  const port = await freePort(); // nothing listens there
  const settings = await endpoint(user, {
    provider: 'refresh',
    tokenUrl: `http://127.0.0.1:${port}/token`,
    clientId: 'c',
    refreshToken: { env: 'REFRESH' },
  });
  // One second leaves no room for another try (1 s later): the test need not wait for it.
  const diagnostic = await failure(
    { ...settings, timeoutSeconds: 1 },
    context({ REFRESH: 'rt-secret-value' }, new TokenCache()),
  );
  assert.is(diagnostic.code, 'SECRET_UNAVAILABLE');
  assert.match(
    diagnostic.message,
    `the token endpoint http://127.0.0.1:${port}/token cannot be reached (ECONNREFUSED)`,
  );
  assert.not.match(JSON.stringify(diagnostic), 'rt-secret-value');
});

test.after(async () => {
  await (await setup).tokens.stop();
});

test.run();
