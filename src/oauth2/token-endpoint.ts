import { MailshiftError, problem } from '../errors.ts';
import type { IssuedToken } from './token-cache.ts';

// One POST to an OAuth2 token endpoint (RFC 6749 section 4.4 and 6, RFC 7523), form-encoded, and
// its JSON answer. Every failure names the endpoint and who asked, and quotes the endpoint's
// `error` and `error_description`; the request's secrets (client secret, assertion, refresh
// token) are masked wherever the endpoint might echo them.

/** Who asks, for messages: "microsoft (tenant contoso.example, client 1234…)". */
export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  /** E.g. "microsoft (tenant t, client c)": starts every message. */
  issuer: string;
  /** Values to mask should the endpoint quote them back. */
  secrets: string[];
  /** What to tell the user to check when the endpoint refuses (the client's credentials, the key…). */
  refusedHint: string;
  timeoutMs: number;
  /** Milliseconds since the epoch, for expires_in. */
  now: () => number;
  /** Stands in for the timer between tries (unit tests). */
  sleep?: (ms: number) => Promise<void>;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** Without expires_in (it is only RECOMMENDED), a token is taken to last this long. */
const ASSUMED_LIFETIME_SECONDS = 3600;

/** Waits before another try after a network failure, HTTP 429 or a 5xx (within the request's timeout). */
const RETRY_DELAYS_MS = [1000, 2000];

/** A failure, and whether another try may go better (the endpoint unreachable, overloaded or failing). */
class TokenFailure {
  constructor(
    readonly error: MailshiftError,
    readonly transient: boolean,
  ) {}
}

/** Asks the endpoint for an access token; SECRET_UNAVAILABLE when it cannot be had. */
export async function requestToken(request: TokenRequest): Promise<IssuedToken> {
  const sleep = request.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = request.now() + request.timeoutMs;
  for (let round = 0; ; round++) {
    try {
      return await requestOnce(request);
    } catch (failure) {
      if (!(failure instanceof TokenFailure)) throw failure;
      const delay = RETRY_DELAYS_MS[round];
      if (!failure.transient || delay === undefined || request.now() + delay > deadline) throw failure.error;
      await sleep(delay);
    }
  }
}

async function requestOnce(request: TokenRequest): Promise<IssuedToken> {
  const fail = (what: string, hint: string, transient = false) =>
    new TokenFailure(
      new MailshiftError(
        problem(
          'SECRET_UNAVAILABLE',
          mask(`no access token from ${request.issuer}: ${what}`, request.secrets),
          mask(hint, request.secrets),
        ),
      ),
      transient,
    );
  const sentAt = request.now();
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(request.form).toString(),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${request.timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw fail(
      `the token endpoint ${endpointName(request.url)} cannot be reached (${reason})`,
      'check the network path to the token endpoint (and tokenUrl, if the manifest sets it)',
      (error as Error).name !== 'TimeoutError',
    );
  }
  const transient = response.status === 429 || response.status >= 500;
  const text = await response.text();
  let answer: TokenAnswer;
  try {
    answer = JSON.parse(text) as TokenAnswer;
  } catch {
    throw fail(
      `the token endpoint ${endpointName(request.url)} answered HTTP ${response.status} without JSON`,
      'check tokenUrl: it must be the OAuth2 token endpoint itself',
      transient,
    );
  }
  if (!response.ok || typeof answer.error === 'string') {
    const code = typeof answer.error === 'string' ? answer.error : `HTTP ${response.status}`;
    const description = typeof answer.error_description === 'string' ? `: ${firstLine(answer.error_description)}` : '';
    throw fail(`the endpoint refused (${code}${description})`, request.refusedHint, transient);
  }
  if (typeof answer.access_token !== 'string' || answer.access_token === '')
    throw fail('the answer has no access_token', 'check tokenUrl: it must be the OAuth2 token endpoint itself');
  if (typeof answer.token_type === 'string' && answer.token_type.toLowerCase() !== 'bearer')
    throw fail(`the token is of type ${answer.token_type}, not Bearer`, 'XOAUTH2 logs in with Bearer tokens only');
  const lifetime = Number(answer.expires_in ?? ASSUMED_LIFETIME_SECONDS);
  const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : ASSUMED_LIFETIME_SECONDS;
  // Counted from when the request left: the token may have been issued at any moment since.
  return { token: answer.access_token, expiresAt: sentAt + seconds * 1000 };
}

// Microsoft's descriptions run on with trace ids and timestamps on further lines.
function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.trim();
}

function endpointName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function mask(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((out, secret) => out.split(secret).join('***'), text);
}
