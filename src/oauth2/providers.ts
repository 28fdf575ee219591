import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { MailshiftError, problem } from '../errors.ts';
import type { GoogleOAuth2, MicrosoftOAuth2, OAuth2Input, RefreshOAuth2, SecretRef } from '../manifest/types.ts';
import { describeSecret } from '../secrets/describe.ts';
import { resolveSecret } from '../secrets/resolve.ts';
import { base64url, signJwt, timeClaims } from './jwt.ts';
import type { IssuedToken } from './token-cache.ts';
import { requestToken } from './token-endpoint.ts';

// The three ways mailshift gets an access token, each as: a cache key (known before any secret
// is read, so a cached token costs no secret lookup), a name for messages and `check`, and the
// request that fetches a token.

export const MICROSOFT_SCOPE = 'https://outlook.office365.com/.default';
export const GOOGLE_SCOPE = 'https://mail.google.com/';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const ASSERTION_LIFETIME_SECONDS = 600;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ProviderContext {
  /** The endpoint's login: the subject of a Google token. */
  user: string;
  /** E.g. "source … for account alice": starts secret errors. */
  what: string;
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  verbose?: boolean;
  timeoutSeconds: number;
  now: () => number;
}

export interface TokenSource {
  /** Same key, same token: the provider, its endpoint and client, and the user where a token is per user. */
  key: string;
  /** "microsoft (tenant t, client c)": who issues the token, never a secret. */
  issuer: string;
  fetch(): Promise<IssuedToken>;
}

/** Where the endpoint's tokens come from, for one endpoint user. */
export function tokenSource(oauth2: OAuth2Input, context: ProviderContext): TokenSource {
  switch (oauth2.provider) {
    case 'microsoft':
      return microsoft(oauth2, context);
    case 'google':
      return google(oauth2, context);
    case 'refresh':
      return refresh(oauth2, context);
    default: {
      const never: never = oauth2;
      throw new Error(`unknown OAuth2 provider ${JSON.stringify(never)}`);
    }
  }
}

function secret(ref: SecretRef, what: string, context: ProviderContext): Promise<string> {
  return resolveSecret(ref, {
    manifestDir: context.manifestDir,
    env: context.env,
    what: `${context.what}: ${what}`,
    verbose: context.verbose,
  });
}

function microsoft(oauth2: MicrosoftOAuth2, context: ProviderContext): TokenSource {
  const url =
    oauth2.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(oauth2.tenant)}/oauth2/v2.0/token`;
  const scope = oauth2.scope ?? MICROSOFT_SCOPE;
  const issuer = `microsoft (tenant ${oauth2.tenant}, client ${oauth2.clientId})`;
  return {
    // App-only: one token serves every mailbox the app may open.
    key: JSON.stringify(['microsoft', url, oauth2.clientId, scope]),
    issuer,
    async fetch() {
      const form: Record<string, string> = { grant_type: 'client_credentials', client_id: oauth2.clientId, scope };
      const secrets: string[] = [];
      if (oauth2.clientCertificate) {
        const pem = await secret(oauth2.clientCertificate.privateKey, 'the client certificate key', context);
        const assertion = signJwt(
          {
            aud: url,
            iss: oauth2.clientId,
            sub: oauth2.clientId,
            jti: randomUUID(),
            ...timeClaims(context.now(), ASSERTION_LIFETIME_SECONDS),
          },
          privateKey(pem, `${context.what}: the client certificate key`),
          { x5t: base64url(Buffer.from(oauth2.clientCertificate.thumbprint.replaceAll(':', ''), 'hex')) },
        );
        Object.assign(form, { client_assertion_type: CLIENT_ASSERTION, client_assertion: assertion });
        secrets.push(assertion);
      } else {
        const clientSecret = await secret(oauth2.clientSecret!, 'the client secret', context);
        form['client_secret'] = clientSecret;
        secrets.push(clientSecret);
      }
      return requestToken({
        url,
        form,
        issuer,
        secrets,
        refusedHint: oauth2.clientCertificate
          ? 'check the tenant, the client id and that the certificate (thumbprint and key) is registered with the app'
          : `check the tenant, the client id and the client secret in ${describeSecret(oauth2.clientSecret!)} (secrets expire: the app registration shows when)`,
        timeoutMs: context.timeoutSeconds * 1000,
        now: context.now,
      });
    },
  };
}

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

function google(oauth2: GoogleOAuth2, context: ProviderContext): TokenSource {
  const scope = oauth2.scope ?? GOOGLE_SCOPE;
  const where = describeSecret(oauth2.serviceAccountKey);
  const issuer = `google (service account key ${where}, subject ${context.user})`;
  return {
    // Domain-wide delegation: a token is for one user, the subject.
    key: JSON.stringify(['google', where, oauth2.tokenUrl ?? null, scope, context.user]),
    issuer,
    async fetch() {
      const text = await secret(oauth2.serviceAccountKey, 'the service account key', context);
      const key = serviceAccountKey(text, `${context.what}: the service account key in ${where}`);
      const url = oauth2.tokenUrl ?? key.token_uri ?? GOOGLE_TOKEN_URL;
      const assertion = signJwt(
        { iss: key.client_email, sub: context.user, scope, aud: url, ...timeClaims(context.now(), 3600) },
        privateKey(key.private_key, `${context.what}: the service account key in ${where}`),
        key.private_key_id ? { kid: key.private_key_id } : {},
      );
      return requestToken({
        url,
        form: { grant_type: JWT_BEARER, assertion },
        issuer: `google (service account ${key.client_email}, subject ${context.user})`,
        secrets: [assertion, key.private_key],
        refusedHint: `check that the service account's client id has domain-wide delegation for ${scope} in the Admin console, and that ${context.user} is a user of that domain`,
        timeoutMs: context.timeoutSeconds * 1000,
        now: context.now,
      });
    },
  };
}

function refresh(oauth2: RefreshOAuth2, context: ProviderContext): TokenSource {
  const issuer = `refresh token at ${origin(oauth2.tokenUrl)} (client ${oauth2.clientId})`;
  return {
    key: JSON.stringify([
      'refresh',
      oauth2.tokenUrl,
      oauth2.clientId,
      describeSecret(oauth2.refreshToken),
      oauth2.scope ?? null,
    ]),
    issuer,
    async fetch() {
      const refreshToken = await secret(oauth2.refreshToken, 'the refresh token', context);
      const form: Record<string, string> = {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: oauth2.clientId,
      };
      const secrets = [refreshToken];
      if (oauth2.clientSecret) {
        const clientSecret = await secret(oauth2.clientSecret, 'the client secret', context);
        form['client_secret'] = clientSecret;
        secrets.push(clientSecret);
      }
      if (oauth2.scope) form['scope'] = oauth2.scope;
      return requestToken({
        url: oauth2.tokenUrl,
        form,
        issuer,
        secrets,
        refusedHint: `a refresh token ends when the user or an admin revokes it, or after long disuse: get a new one into ${describeSecret(oauth2.refreshToken)}; check the client id${oauth2.clientSecret ? ` and the client secret in ${describeSecret(oauth2.clientSecret)}` : ''}`,
        timeoutMs: context.timeoutSeconds * 1000,
        now: context.now,
      });
    },
  };
}

function serviceAccountKey(text: string, what: string): ServiceAccountKey {
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw keyProblem(`${what} is not JSON`);
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string')
    throw keyProblem(`${what} has no client_email or private_key`);
  return key as ServiceAccountKey;
}

function privateKey(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw keyProblem(`${what} is not a PEM private key`);
  }
}

function keyProblem(message: string): MailshiftError {
  return new MailshiftError(
    problem(
      'SECRET_UNAVAILABLE',
      message,
      'point the manifest at the JSON key file as downloaded (Google), or at the PEM private key of the certificate (Microsoft)',
    ),
  );
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
