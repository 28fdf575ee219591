import type { OAuth2Input } from '../manifest/types.ts';
import { tokenSource, type ProviderContext, type TokenSource } from './providers.ts';
import { sharedTokenCache, type CachedToken, type TokenCache } from './token-cache.ts';

/** A token for one login, with what is needed to drop it again should the server refuse it. */
export interface LoginToken extends CachedToken {
  readonly source: TokenSource;
}

/** What `check` shows of a token: who issued it and until when, never the token. */
export interface TokenInfo {
  /** "microsoft (tenant t, client c)". */
  issuer: string;
  /** ISO 8601, UTC. */
  expiresAt: string;
}

/** An access token for `oauth2` and this user: the cached one while usable, else a new one. */
export async function loginToken(
  oauth2: OAuth2Input,
  context: Omit<ProviderContext, 'now'>,
  cache: TokenCache = sharedTokenCache,
): Promise<LoginToken> {
  const source = tokenSource(oauth2, { ...context, now: Date.now });
  return { ...(await cache.get(source.key, () => source.fetch())), source };
}

/** The server refused this token: the next login fetches another. */
export function refuseToken(token: LoginToken, cache: TokenCache = sharedTokenCache): void {
  cache.drop(token.source.key, token.token);
}

/** The cached token's issuer and expiry for this user, or null when none is cached. */
export function tokenInfo(oauth2: OAuth2Input, user: string, cache: TokenCache = sharedTokenCache): TokenInfo | null {
  const source = tokenSource(oauth2, {
    user,
    what: '',
    manifestDir: '.',
    env: {},
    timeoutSeconds: 1,
    now: Date.now,
  });
  const expiresAt = cache.expiresAt(source.key);
  return expiresAt === null ? null : { issuer: source.issuer, expiresAt: new Date(expiresAt).toISOString() };
}
