// Access tokens in memory only, one per token source (provider, client and, where a token is
// per user, the user): fetched when first needed, fetched again shortly before they expire, and
// dropped when a server refuses one. Concurrent logins of one source share one fetch, so opening
// four connections at once asks the token endpoint once.

/** A token and when it stops being valid (milliseconds since the epoch). */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** What a caller learns from the cache: the token, and whether it was fetched just now for this call. */
export interface CachedToken extends IssuedToken {
  readonly fresh: boolean;
}

/** Refresh at most this long before expiry (and at most half a token's lifetime, for short-lived ones). */
export const REFRESH_MARGIN_MS = 60_000;

/** Whether a token fetched at `issuedAt` and expiring at `expiresAt` is still worth using at `now`. */
export function usable(token: IssuedToken & { issuedAt: number }, now: number): boolean {
  const margin = Math.min(REFRESH_MARGIN_MS, (token.expiresAt - token.issuedAt) / 2);
  return now < token.expiresAt - margin;
}

interface Entry extends IssuedToken {
  issuedAt: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<Entry>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached token for `key` while usable, else one from `fetch` (shared by concurrent callers). */
  async get(key: string, fetch: () => Promise<IssuedToken>): Promise<CachedToken> {
    const cached = this.tokens.get(key);
    if (cached && usable(cached, this.now())) return { token: cached.token, expiresAt: cached.expiresAt, fresh: false };
    let pending = this.fetching.get(key);
    if (!pending) {
      const issuedAt = this.now();
      pending = fetch().then((issued) => ({ token: issued.token, expiresAt: issued.expiresAt, issuedAt }));
      this.fetching.set(key, pending);
      pending.then(
        (entry) => this.tokens.set(key, entry),
        () => undefined,
      );
      void pending.finally(() => this.fetching.delete(key)).catch(() => undefined);
    }
    const entry = await pending;
    return { token: entry.token, expiresAt: entry.expiresAt, fresh: true };
  }

  /** Forget `token` (a server refused it), unless a newer one already replaced it. */
  drop(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  /** When the cached token for `key` expires, or null when none is cached. */
  expiresAt(key: string): number | null {
    return this.tokens.get(key)?.expiresAt ?? null;
  }
}

/** The process's one cache: tokens outlive a connection, never the process. */
export const sharedTokenCache = new TokenCache();
