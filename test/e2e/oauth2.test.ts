// XOAUTH2 with tokens mailshift fetches itself, through the CLI: plan → apply → verify against
// Dovecots that check every token (oauth2 passdb, local JWT validation) issued by the harness's
// loopback token endpoint. Secrets and tokens must appear nowhere: not in output, plan, audit,
// state or trace.
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift, type CliResult } from '../support/cli.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';
import { sharedDovecot } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { startTokenEndpoint, thumbprintOf } from '../support/token-endpoint.ts';

const setup = (async () => {
  const tokens = await startTokenEndpoint();
  const [slash, dot] = await Promise.all([
    sharedDovecot({ layout: 'slash', oauth2: tokens.validation }),
    sharedDovecot({ layout: 'dot', oauth2: tokens.validation }),
  ]);
  return { tokens, slash, dot };
})();

// Any JWT starts with the base64url of '{"': an access token or an assertion.
const JWT = /eyJ[\w-]{10,}/;

/** A migration whose sides log in with XOAUTH2 from these providers; secrets only in `env`. */
async function oauthMigration(
  name: string,
  auth: (m: Migration) => Promise<{ source: object; target: object; env: NodeJS.ProcessEnv }>,
  options: { targetPort?: number; messages?: number } = {},
): Promise<Migration & { secrets: string[] }> {
  const { slash, dot } = await setup;
  const m = await newMigration(name, { phases: [{ name: 'presync' }] }, { sourceServer: slash, targetServer: dot });
  await seedMailbox(slash, m.source, { seed: 19, messages: options.messages ?? 24, otherDelimiter: '.' });
  const { source, target, env } = await auth(m);
  const manifest = JSON.parse(readFileSync(m.manifest, 'utf8'));
  if (options.targetPort !== undefined) manifest.defaults.target.port = options.targetPort;
  manifest.accounts[0].source = { user: m.source.user, auth: { mechanism: 'XOAUTH2', oauth2: source } };
  manifest.accounts[0].target = { user: m.target.user, auth: { mechanism: 'XOAUTH2', oauth2: target } };
  writeFileSync(m.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  // The passwords still work, and must not: nothing in this migration logs in with one.
  const secrets = Object.values(env).filter((value): value is string => typeof value === 'string');
  return Object.assign(m, { env, secrets });
}

async function cli(m: Migration, args: string[]): Promise<CliResult> {
  return runMailshift(args, { env: m.env, cwd: m.dir });
}

/** Every file under dir, as text. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

function assertNoSecrets(m: Migration & { secrets: string[] }, outputs: CliResult[]): void {
  const texts = [
    ...outputs.map((result, index) => ({ path: `output of command ${index}`, text: result.output })),
    ...filesUnder(m.dir),
  ];
  assert.ok(
    texts.some(({ path }) => path.endsWith('.plan.json')),
    'a plan was written',
  );
  assert.ok(
    texts.some(({ path }) => path.includes(`${join('audit', '')}`)),
    'an audit was written',
  );
  assert.ok(
    texts.some(({ path }) => path.endsWith('trace.log')),
    'a trace was written',
  );
  for (const { path, text } of texts) {
    assert.not.match(text, JWT, `no token or assertion in ${path}`);
    for (const secret of m.secrets) {
      // A service account key's private key, line by line: any piece of it is a leak.
      for (const piece of secret.split('\n').filter((line) => line.length > 20))
        assert.not.ok(text.includes(piece), `no secret in ${path}`);
    }
  }
}

async function planApplyVerify(m: Migration & { secrets: string[] }): Promise<CliResult[]> {
  const trace = ['--trace', join(m.dir, 'trace.log')];
  const plan = await cli(m, ['plan', m.manifest, '--phase', 'presync', ...trace]);
  assert.is(plan.code, 0, plan.output);
  const apply = await cli(m, ['apply', m.planPath('presync'), ...trace]);
  assert.is(apply.code, 0, apply.output);
  const verify = await cli(m, ['verify', m.manifest, '--phase', 'presync', '--content', ...trace]);
  assert.is(verify.code, 0, verify.output);
  return [plan, apply, verify];
}

test('microsoft (client secret) to google (service account): plan, apply, verify; no secret anywhere', async () => {
  const { tokens } = await setup;
  const m = await oauthMigration('oauth-ms-google', async (mig) => {
    tokens.addClient({
      clientId: `app-${mig.source.user}`,
      secret: 'Ms~client~secret~0123456789',
      subject: mig.source.user,
    });
    const key = tokens.addServiceAccount(`migrator@${mig.target.user}.iam.example`);
    return {
      source: {
        provider: 'microsoft',
        tenant: 'contoso.example',
        clientId: `app-${mig.source.user}`,
        clientSecret: { env: 'APP_SECRET' },
        tokenUrl: tokens.url,
      },
      target: { provider: 'google', serviceAccountKey: { env: 'SA_KEY' } },
      env: { APP_SECRET: 'Ms~client~secret~0123456789', SA_KEY: key },
    };
  });
  try {
    const outputs = await planApplyVerify(m);
    assertNoSecrets(m, outputs);
    // The plan shows the endpoints and where their tokens come from, as references: never a secret.
    const plan = readFileSync(m.planPath('presync'), 'utf8');
    assert.match(plan, `"user": "${m.source.user}"`);
    const { accounts } = JSON.parse(plan);
    assert.equal(accounts[0].source.oauth2.clientSecret, { env: 'APP_SECRET' });
    assert.equal(accounts[0].target.oauth2, { provider: 'google', serviceAccountKey: { env: 'SA_KEY' } });
  } finally {
    m.remove();
  }
});

test('refresh token and certificate, tokens lasting 3 s: the apply outlives them, refreshed before expiry, no login refused', async () => {
  const { tokens, dot } = await setup;
  const proxy = await startTcpProxy(dot.ports.plain);
  const certificate = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const m = await oauthMigration(
    'oauth-short-lived',
    async (mig) => {
      tokens.addRefreshToken('1//refresh-token-of-the-source-user', {
        clientId: 'desktop-client',
        clientSecret: 'desktop-client-secret',
        subject: mig.source.user,
      });
      tokens.addClient({
        clientId: `cert-${mig.target.user}`,
        certificate: certificate.publicKey,
        subject: mig.target.user,
      });
      return {
        source: {
          provider: 'refresh',
          tokenUrl: tokens.url,
          clientId: 'desktop-client',
          clientSecret: { env: 'CLIENT_SECRET' },
          refreshToken: { env: 'REFRESH_TOKEN' },
        },
        target: {
          provider: 'microsoft',
          tenant: 'contoso.example',
          clientId: `cert-${mig.target.user}`,
          clientCertificate: { privateKey: { env: 'CERT_KEY' }, thumbprint: thumbprintOf(certificate.publicKey) },
          tokenUrl: tokens.url,
        },
        env: {
          CLIENT_SECRET: 'desktop-client-secret',
          REFRESH_TOKEN: '1//refresh-token-of-the-source-user',
          CERT_KEY: certificate.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      };
    },
    { targetPort: proxy.port, messages: 12 },
  );
  tokens.lifetimeSeconds = 3;
  try {
    const plan = await cli(m, ['plan', m.manifest, '--phase', 'presync']);
    assert.is(plan.code, 0, plan.output);
    const before = tokens.grants.length;
    const started = Date.now();
    // Throttled, and the target's connections cut three times on the way (by bytes of messages
    // sent): the apply outlasts a token, and a reconnect half a lifetime after a fetch fetches anew.
    const manifest = JSON.parse(readFileSync(m.manifest, 'utf8'));
    manifest.defaults.target.maxMessagesPerSecond = 3;
    manifest.defaults.target.timeoutSeconds = 30;
    writeFileSync(m.manifest, JSON.stringify(manifest));
    const bytes = JSON.parse(readFileSync(m.planPath('presync'), 'utf8')).summary.bytesToCopy as number;
    for (let cut = 0; cut < 3; cut++) proxy.cutAfterBytesToServer(Math.round(bytes / 4));
    const apply = await cli(m, [
      'apply',
      m.manifest,
      '--phase',
      'presync',
      '--auto-approve',
      '--trace',
      join(m.dir, 'trace.log'),
    ]);
    assert.is(apply.code, 0, apply.output);
    const seconds = (Date.now() - started) / 1000;
    const during = tokens.grants.slice(before);
    assert.ok(seconds > tokens.lifetimeSeconds, `the apply took ${seconds} s, longer than a token lasts`);
    assert.ok(proxy.cuts >= 2, `connections were cut ${proxy.cuts} times`);
    assert.ok(
      during.every((grant) => grant.issued),
      'the endpoint refused nothing',
    );
    const targetTokens = during.filter((grant) => grant.subject === m.target.user).length;
    assert.ok(targetTokens >= 2, `${targetTokens} target tokens: the first one was refreshed`);
    assert.not.match(apply.output, /LOGIN_FAILED|login failed/i);
    // The trace has every login's answer: the retry after a refusal would hide one from the output.
    assert.not.match(readFileSync(join(m.dir, 'trace.log'), 'utf8'), /AUTHENTICATIONFAILED|Authentication failed/i);
    const verify = await cli(m, ['verify', m.manifest, '--phase', 'presync']);
    assert.is(verify.code, 0, verify.output);
    assertNoSecrets(m, [plan, apply, verify]);
  } finally {
    tokens.lifetimeSeconds = 3600;
    await proxy.stop();
    m.remove();
  }
});

test('check shows which provider issued each token and when it expires, never the token', async () => {
  const { tokens } = await setup;
  const m = await oauthMigration('oauth-check', async (mig) => {
    tokens.addClient({ clientId: `check-${mig.source.user}`, secret: 'check-secret-value', subject: mig.source.user });
    tokens.addRefreshToken('refresh-for-check', { clientId: 'c2', subject: mig.target.user });
    return {
      source: {
        provider: 'microsoft',
        tenant: 'fabrikam.example',
        clientId: `check-${mig.source.user}`,
        clientSecret: { env: 'APP_SECRET' },
        tokenUrl: tokens.url,
      },
      target: { provider: 'refresh', tokenUrl: tokens.url, clientId: 'c2', refreshToken: { env: 'RT' } },
      env: { APP_SECRET: 'check-secret-value', RT: 'refresh-for-check' },
    };
  });
  try {
    const result = await cli(m, ['check', m.manifest]);
    assert.is(result.code, 0, result.output);
    const expiry = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';
    assert.match(
      result.stdout,
      new RegExp(
        `^alice source: token from microsoft \\(tenant fabrikam\\.example, client check-${m.source.user}\\), expires ${expiry}$`,
        'm',
      ),
    );
    const port = new URL(tokens.url).port;
    assert.match(
      result.stdout,
      new RegExp(
        `^alice target: token from refresh token at http://127\\.0\\.0\\.1:${port} \\(client c2\\), expires ${expiry}$`,
        'm',
      ),
    );
    const json = JSON.parse((await cli(m, ['check', m.manifest, '--format', 'json'])).stdout);
    const expires = Date.parse(json.accounts[0].source.token.expiresAt);
    assert.ok(
      expires > Date.now() + 3000_000 && expires <= Date.now() + 3600_000,
      json.accounts[0].source.token.expiresAt,
    );
    assert.not.match(result.output, JWT);
  } finally {
    m.remove();
  }
});

test('a revoked client secret fails check and apply clearly, naming the app and never the secret', async () => {
  const { tokens } = await setup;
  const m = await oauthMigration('oauth-revoked', async (mig) => {
    tokens.addClient({
      clientId: `revoked-${mig.source.user}`,
      secret: 'revoked-secret-value',
      subject: mig.source.user,
    });
    tokens.addRefreshToken('refresh-for-revoked', { clientId: 'c3', subject: mig.target.user });
    return {
      source: {
        provider: 'microsoft',
        tenant: 'contoso.example',
        clientId: `revoked-${mig.source.user}`,
        clientSecret: { env: 'APP_SECRET' },
        tokenUrl: tokens.url,
      },
      target: { provider: 'refresh', tokenUrl: tokens.url, clientId: 'c3', refreshToken: { env: 'RT' } },
      env: { APP_SECRET: 'revoked-secret-value', RT: 'refresh-for-revoked' },
    };
  });
  try {
    tokens.revokeClientSecret(`revoked-${m.source.user}`);
    for (const args of [
      ['check', m.manifest],
      ['apply', m.manifest, '--phase', 'presync', '--auto-approve'],
    ]) {
      const result = await cli(m, args);
      assert.is(result.code, 1, result.output);
      assert.not.ok(hasStackTrace(result.output), result.output);
      assert.match(
        result.stderr,
        `no access token from microsoft (tenant contoso.example, client revoked-${m.source.user}): the endpoint refused (invalid_client: AADSTS7000215: Invalid client secret provided.)`,
      );
      assert.not.match(result.output, 'revoked-secret-value');
      assert.not.match(result.output, JWT);
    }
  } finally {
    m.remove();
  }
});

test.after(async () => {
  await (await setup).tokens.stop();
});

test.run();
