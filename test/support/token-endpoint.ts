// A small OAuth2 token endpoint on loopback for the XOAUTH2 tests: client credentials (client
// secret or certificate assertion, as Microsoft's), JWT bearer (a service account's assertion, as
// Google's) and refresh-token grants. It issues JWTs signed RS256 with its own key; a Dovecot
// started with `oauth2: endpoint.validation` checks them itself (signature, expiry, subject), so
// the server, not this harness, accepts or refuses every token.
//
// One simplification: an Exchange app token opens every mailbox the app has rights to, but
// Dovecot's oauth2 passdb can only compare the token's subject with the login, so each client
// registered here gets tokens for one mailbox, its `subject`.
import {
  createHash,
  createVerify,
  generateKeyPairSync,
  randomUUID,
  sign as rsaSign,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './ports.ts';

export interface TokenEndpoint {
  /** The token URL: http://127.0.0.1:PORT/token. */
  readonly url: string;
  /** What startDovecot's `oauth2` option takes: the public key tokens are checked with. */
  readonly validation: { publicKeyPem: string; kid: string };
  /** Lifetime of issued tokens (the JWT's exp); `expires_in` says the same unless `claimedLifetimeSeconds` is set. */
  lifetimeSeconds: number;
  /** An endpoint that promises longer than the token lasts (clock skew, early revocation). */
  claimedLifetimeSeconds: number | null;
  /** Every grant answered so far, in order: which grant, for which subject, whether a token was issued. */
  readonly grants: ReadonlyArray<{ grant: string; subject: string | null; issued: boolean }>;
  /** A client-credentials client, with a secret or with a certificate's key (x5t thumbprint). */
  addClient(client: { clientId: string; secret?: string; certificate?: KeyObject; subject: string }): void;
  /** A secret that stops working, as when an admin deletes it from the app registration. */
  revokeClientSecret(clientId: string): void;
  /** A Google-style service account: returns its JSON key file (token_uri is this endpoint). */
  addServiceAccount(email: string): string;
  addRefreshToken(token: string, grant: { clientId: string; clientSecret?: string; subject: string }): void;
  stop(): Promise<void>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Starts the endpoint on a free loopback port; stop() it in `finally`/`after`. */
export async function startTokenEndpoint(options: { lifetimeSeconds?: number } = {}): Promise<TokenEndpoint> {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `harness-${randomUUID().slice(0, 8)}`;
  const clients = new Map<string, { secret?: string; certificate?: KeyObject; subject: string }>();
  const accounts = new Map<string, KeyObject>();
  const refreshTokens = new Map<string, { clientId: string; clientSecret?: string; subject: string }>();
  const grants: Array<{ grant: string; subject: string | null; issued: boolean }> = [];
  let url = '';

  const issue = (response: ServerResponse, grant: string, subject: string, scope: string) => {
    const iat = Math.floor(Date.now() / 1000);
    const token = sign(
      { iss: url, sub: subject, aud: 'imap', scope, iat, exp: iat + endpoint.lifetimeSeconds, jti: randomUUID() },
      signing.privateKey,
      { kid },
    );
    grants.push({ grant, subject, issued: true });
    answer(response, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: endpoint.claimedLifetimeSeconds ?? endpoint.lifetimeSeconds,
    });
  };
  const refuse = (response: ServerResponse, grant: string, status: number, error: string, description: string) => {
    grants.push({ grant, subject: null, issued: false });
    answer(response, status, { error, error_description: description });
  };

  const server = createServer((request, response) => {
    void readForm(request).then((form) => {
      const grant = form.get('grant_type') ?? '';
      if (request.method !== 'POST' || request.url !== '/token')
        return refuse(response, grant, 404, 'not_found', 'POST to /token');
      if (grant === 'client_credentials') {
        const client = clients.get(form.get('client_id') ?? '');
        if (!client) return refuse(response, grant, 400, 'unauthorized_client', `AADSTS700016: Application not found.`);
        const assertion = form.get('client_assertion');
        const byCertificate =
          client.certificate !== undefined &&
          form.get('client_assertion_type') === CLIENT_ASSERTION &&
          assertion !== null &&
          verify(assertion, client.certificate, { aud: url, iss: form.get('client_id')! }, x5t(client.certificate));
        const bySecret = client.secret !== undefined && form.get('client_secret') === client.secret;
        if (!byCertificate && !bySecret)
          return refuse(
            response,
            grant,
            401,
            'invalid_client',
            'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0000\r\nTimestamp: now',
          );
        return issue(response, grant, client.subject, form.get('scope') ?? '');
      }
      if (grant === JWT_BEARER) {
        const claims = decode(form.get('assertion') ?? '');
        const key = accounts.get(String(claims?.['iss'] ?? ''));
        if (!claims || !key || !verify(form.get('assertion')!, key, { aud: url }))
          return refuse(response, grant, 400, 'invalid_grant', 'Invalid JWT Signature.');
        return issue(response, grant, String(claims['sub']), String(claims['scope'] ?? ''));
      }
      if (grant === 'refresh_token') {
        const entry = refreshTokens.get(form.get('refresh_token') ?? '');
        if (
          !entry ||
          entry.clientId !== form.get('client_id') ||
          entry.clientSecret !== (form.get('client_secret') ?? undefined)
        )
          return refuse(response, grant, 400, 'invalid_grant', 'Token has been expired or revoked.');
        return issue(response, grant, entry.subject, form.get('scope') ?? '');
      }
      return refuse(response, grant, 400, 'unsupported_grant_type', `grant_type ${grant} is not supported`);
    });
  });
  const port = await listenOnLoopback(server);
  url = `http://127.0.0.1:${port}/token`;
  const endpoint: TokenEndpoint = {
    url,
    validation: { publicKeyPem: signing.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid },
    lifetimeSeconds: options.lifetimeSeconds ?? 3600,
    claimedLifetimeSeconds: null,
    grants,
    addClient: ({ clientId, ...client }) => void clients.set(clientId, client),
    revokeClientSecret(clientId) {
      const client = clients.get(clientId);
      if (client) delete client.secret;
    },
    addServiceAccount(email) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      accounts.set(email, publicKey);
      return JSON.stringify({
        type: 'service_account',
        client_email: email,
        private_key_id: randomUUID().replaceAll('-', ''),
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        token_uri: url,
      });
    },
    addRefreshToken: (token, grant) => void refreshTokens.set(token, grant),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return endpoint;
}

/** The SHA-1 thumbprint of a certificate's key, standing in for the certificate's (tests have no X.509 here). */
export function thumbprintOf(publicKey: KeyObject): string {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function x5t(publicKey: KeyObject): string {
  return Buffer.from(thumbprintOf(publicKey), 'hex').toString('base64url');
}

// Signed with node:crypto directly, not with mailshift's src/oauth2/jwt.ts, so that each checks the other.
function sign(claims: object, key: KeyObject, header: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', ...header })}.${part(claims)}`;
  return `${input}.${rsaSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function decode(jwt: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** An RS256 assertion: signature by `key`, unexpired, for this audience (and issuer and x5t, when given). */
function verify(jwt: string, key: KeyObject, expected: { aud: string; iss?: string }, thumbprint?: string): boolean {
  const [header, body, signature] = jwt.split('.');
  if (!header || !body || !signature) return false;
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (head['alg'] !== 'RS256' || (thumbprint !== undefined && head['x5t'] !== thumbprint)) return false;
  const good = createVerify('RSA-SHA256').update(`${header}.${body}`).verify(key, signature, 'base64url');
  const claims = decode(jwt);
  const now = Date.now() / 1000;
  return (
    good &&
    claims !== null &&
    claims['aud'] === expected.aud &&
    (expected.iss === undefined || claims['iss'] === expected.iss) &&
    typeof claims['exp'] === 'number' &&
    claims['exp'] > now
  );
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(new URLSearchParams(body)));
  });
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
