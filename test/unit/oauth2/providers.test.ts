import { createHash, generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import type { OAuth2Input } from '../../../src/manifest/types.ts';
import { tokenSource, type ProviderContext } from '../../../src/oauth2/providers.ts';

// What each provider sends to its token endpoint. fetch is replaced by a recorder that answers
// as the test says: these are the request builders' tests; the real exchange with a token
// endpoint and Dovecot is in test/integration/oauth2-login.test.ts.

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const NOW = 1_800_000_000_000;

interface Sent {
  url: string;
  form: Record<string, string>;
}

async function send(
  oauth2: OAuth2Input,
  env: NodeJS.ProcessEnv,
  answer: { status?: number; body: object } = { body: { access_token: 'at', token_type: 'Bearer', expires_in: 3599 } },
  user = 'alice@contoso.example',
): Promise<{ sent: Sent; result: unknown }> {
  const sent: Sent[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    sent.push({ url, form: Object.fromEntries(new URLSearchParams(String(init.body))) });
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  }) as typeof fetch;
  try {
    const result = await tokenSource(oauth2, context(env, user))
      .fetch()
      .catch((error: unknown) => error);
    return { sent: sent[0]!, result };
  } finally {
    globalThis.fetch = real;
  }
}

function context(env: NodeJS.ProcessEnv, user: string): ProviderContext {
  return {
    user,
    what: 'source OAuth2 token for account alice',
    manifestDir: tmpdir(),
    env,
    timeoutSeconds: 5,
    now: () => NOW,
  };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
const header = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8'));

const microsoft: OAuth2Input = {
  provider: 'microsoft',
  tenant: 'contoso.example',
  clientId: 'app-1',
  clientSecret: { env: 'S' },
};

test('microsoft: client credentials at the tenant’s v2.0 endpoint, for Exchange Online’s scope', async () => {
  const { sent, result } = await send(microsoft, { S: 'the-secret' });
  assert.is(sent.url, 'https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token');
  assert.equal(sent.form, {
    grant_type: 'client_credentials',
    client_id: 'app-1',
    scope: 'https://outlook.office365.com/.default',
    client_secret: 'the-secret',
  });
  assert.equal(result, { token: 'at', expiresAt: NOW + 3599_000 });
});

test('microsoft: one token source for every mailbox of the app; tokenUrl and scope override', async () => {
  const alice = tokenSource(microsoft, context({}, 'alice'));
  const bob = tokenSource(microsoft, context({}, 'bob'));
  assert.is(alice.key, bob.key);
  assert.is(alice.issuer, 'microsoft (tenant contoso.example, client app-1)');
  const { sent } = await send(
    { ...microsoft, tokenUrl: 'https://login.microsoftonline.us/t/oauth2/v2.0/token', scope: 'https://x/.default' },
    { S: 's' },
  );
  assert.is(sent.url, 'https://login.microsoftonline.us/t/oauth2/v2.0/token');
  assert.is(sent.form['scope'], 'https://x/.default');
});

test('microsoft certificate: a client assertion signed with the key, x5t the thumbprint, no secret', async () => {
  const thumbprint = createHash('sha1').update('cert').digest('hex');
  const { sent } = await send(
    {
      provider: 'microsoft',
      tenant: 't1',
      clientId: 'app-2',
      clientCertificate: { privateKey: { env: 'KEY' }, thumbprint: thumbprint.toUpperCase().match(/../g)!.join(':') },
    },
    { KEY: PEM },
  );
  assert.is(sent.form['client_secret'], undefined);
  assert.is(sent.form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const assertion = sent.form['client_assertion']!;
  assert.equal(header(assertion), {
    alg: 'RS256',
    typ: 'JWT',
    x5t: Buffer.from(thumbprint, 'hex').toString('base64url'),
  });
  const body = claims(assertion);
  assert.equal([body.aud, body.iss, body.sub], [sent.url, 'app-2', 'app-2']);
  assert.equal([body.nbf, body.exp], [NOW / 1000, NOW / 1000 + 600]);
  assert.type(body.jti, 'string');
});

const serviceAccount = JSON.stringify({
  type: 'service_account',
  client_email: 'migrator@project.iam.gserviceaccount.com',
  private_key_id: 'kid-7',
  private_key: PEM,
  token_uri: 'https://oauth2.googleapis.com/token',
});

test('google: a JWT bearer assertion from the service account, the endpoint user as subject', async () => {
  const { sent } = await send({ provider: 'google', serviceAccountKey: { env: 'SA' } }, { SA: serviceAccount });
  assert.is(sent.url, 'https://oauth2.googleapis.com/token');
  assert.equal(Object.keys(sent.form), ['grant_type', 'assertion']);
  assert.is(sent.form['grant_type'], 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const assertion = sent.form['assertion']!;
  assert.equal(header(assertion), { alg: 'RS256', typ: 'JWT', kid: 'kid-7' });
  assert.equal(claims(assertion), {
    iss: 'migrator@project.iam.gserviceaccount.com',
    sub: 'alice@contoso.example',
    scope: 'https://mail.google.com/',
    aud: 'https://oauth2.googleapis.com/token',
    iat: NOW / 1000,
    nbf: NOW / 1000,
    exp: NOW / 1000 + 3600,
  });
});

test('google: a token per user; tokenUrl wins over the key’s token_uri', async () => {
  const google: OAuth2Input = { provider: 'google', serviceAccountKey: { file: 'sa.json' } };
  assert.is.not(tokenSource(google, context({}, 'alice')).key, tokenSource(google, context({}, 'bob')).key);
  const { sent } = await send(
    { ...google, serviceAccountKey: { env: 'SA' }, tokenUrl: 'http://127.0.0.1:9/token' },
    { SA: serviceAccount },
  );
  assert.is(sent.url, 'http://127.0.0.1:9/token');
  assert.is(claims(sent.form['assertion']!).aud, 'http://127.0.0.1:9/token');
});

test('google: a key that is not a service account key is SECRET_UNAVAILABLE, quoting none of it', async () => {
  const { result } = await send({ provider: 'google', serviceAccountKey: { env: 'SA' } }, { SA: 'not json at all' });
  assert.instance(result, MailshiftError);
  const [diagnostic] = (result as MailshiftError).diagnostics;
  assert.is(diagnostic!.code, 'SECRET_UNAVAILABLE');
  assert.match(diagnostic!.message, 'the service account key in env SA is not JSON');
  assert.not.match(JSON.stringify(diagnostic), 'not json at all');
});

test('refresh: the refresh-token grant, with the client secret and scope only when given', async () => {
  const refresh: OAuth2Input = {
    provider: 'refresh',
    tokenUrl: 'https://idp.example/token',
    clientId: 'c',
    refreshToken: { env: 'RT' },
  };
  const bare = await send(refresh, { RT: 'rt-1' });
  assert.equal(bare.sent.form, { grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'c' });
  const full = await send({ ...refresh, clientSecret: { env: 'CS' }, scope: 'imap' }, { RT: 'rt-1', CS: 'cs-1' });
  assert.equal(full.sent.form, {
    grant_type: 'refresh_token',
    refresh_token: 'rt-1',
    client_id: 'c',
    client_secret: 'cs-1',
    scope: 'imap',
  });
});

test('an endpoint refusal names the issuer, the error and its description, masking an echoed secret', async () => {
  const { result } = await send(
    microsoft,
    { S: 'echoed-secret' },
    {
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret echoed-secret.\r\nTrace ID: 1',
      },
    },
  );
  const [diagnostic] = (result as MailshiftError).diagnostics;
  assert.is(diagnostic!.code, 'SECRET_UNAVAILABLE');
  assert.is(
    diagnostic!.message,
    'no access token from microsoft (tenant contoso.example, client app-1): the endpoint refused (invalid_client: AADSTS7000215: Invalid client secret ***.)',
  );
  assert.match(diagnostic!.hint!, 'client secret in env S');
});

const answers: Array<{ name: string; status?: number; body: object; says: string }> = [
  { name: 'no access_token', body: { token_type: 'Bearer' }, says: 'the answer has no access_token' },
  { name: 'a MAC token', body: { access_token: 'x', token_type: 'mac' }, says: 'the token is of type mac, not Bearer' },
  { name: 'HTTP 403 without an error field', status: 403, body: {}, says: 'the endpoint refused (HTTP 403)' },
];
for (const answer of answers) {
  test(`an answer with ${answer.name} is SECRET_UNAVAILABLE`, async () => {
    const { result } = await send(microsoft, { S: 's' }, answer);
    assert.match((result as MailshiftError).message, answer.says);
  });
}

test('without expires_in a token is taken to last an hour', async () => {
  const { result } = await send(microsoft, { S: 's' }, { body: { access_token: 'at' } });
  assert.equal(result, { token: 'at', expiresAt: NOW + 3600_000 });
});

test.run();
