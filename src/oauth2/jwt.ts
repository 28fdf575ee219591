import { createSign, type KeyObject } from 'node:crypto';

// JSON Web Tokens as OAuth2 client assertions (RFC 7523): RS256 over `header.claims`, each part
// base64url-encoded JSON. Only signing lives here; mailshift never needs to verify a token.

/** base64url without padding (RFC 7515 section 2). */
export function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A compact JWT signed with RS256; `header` adds fields (kid, x5t) to alg and typ. */
export function signJwt(
  claims: Record<string, unknown>,
  privateKey: KeyObject | string,
  header: Record<string, string> = {},
): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...header }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${base64url(signature)}`;
}

/** The standard time claims of an assertion valid from `now` (milliseconds) for `lifetimeSeconds`. */
export function timeClaims(now: number, lifetimeSeconds: number): { iat: number; nbf: number; exp: number } {
  const iat = Math.floor(now / 1000);
  return { iat, nbf: iat, exp: iat + lifetimeSeconds };
}
