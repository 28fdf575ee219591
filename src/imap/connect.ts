import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { VERSION } from '../version.ts';
import { MailshiftError } from '../errors.ts';
import { isLoopback } from '../manifest/rules.ts';
import { loginOf } from '../manifest/login-name.ts';
import type { EndpointSettings } from '../manifest/settings.ts';
import { describeSecret } from '../secrets/describe.ts';
import { resolveSecret } from '../secrets/resolve.ts';
import type { OAuth2Input } from '../manifest/types.ts';
import { loginToken, refuseToken } from '../oauth2/access-token.ts';
import { sharedTokenCache, type TokenCache } from '../oauth2/token-cache.ts';
import { ANSWER_LIMITS, BODY_ANSWER_LIMITS, MAX_LINE_BYTES } from './answer-limits.ts';
import { wrapFlow, type ImapConnection, type Side } from './connection.ts';
import {
  attachThrottleNotes,
  ServerThrottled,
  throttledFailure,
  throttleLogger,
  type ThrottleNotes,
} from './throttle-answer.ts';
import { adminLoginUnavailable, connectFailure, plaintextOnTlsPort, type LoginAttempt } from './errors.ts';
import { PROBE_AFTER_SECONDS, watchGreeting } from './greeting-probe.ts';
import type { ProtocolTrace } from './protocol-trace.ts';
import { loggedTraceOptions, noteClose } from './logged-trace.ts';
import { chooseWire, usesInternals } from './wire/internals.ts';
import { setAnswerLimits } from './wire/stream-takeover.ts';
import { tapWire } from './wire/wire-tap.ts';

export interface ConnectContext {
  side: Side;
  accountId: string;
  /** Folder of the manifest: secret files and commands are relative to it. */
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: this session's protocol lines go into it. */
  trace?: ProtocolTrace;
  /** OAuth2 tokens already fetched (default: the process's one cache). */
  tokens?: TokenCache;
  /**
   * TEST ONLY: extra trusted CA certificates (PEM). Node reads NODE_EXTRA_CA_CERTS only at process
   * start, so in-process tests hand the harness certificate over here; users set NODE_EXTRA_CA_CERTS.
   */
  ca?: string;
}

/**
 * Connects and logs in: TLS as the endpoint says (STARTTLS is required, never optional, when asked
 * for), the secret resolved afresh. The server may refuse at any step; each becomes a MailshiftError
 * (DNS_FAILED, CONNECT_FAILED, TLS_FAILED, STARTTLS_UNAVAILABLE, TIMEOUT, LOGIN_FAILED, SECRET_UNAVAILABLE).
 */
export async function openConnection(endpoint: EndpointSettings, context: ConnectContext): Promise<ImapConnection> {
  const place = { side: context.side, accountId: context.accountId, host: endpoint.host, port: endpoint.port };
  const { credential } = endpoint;
  const attempt = (secret: string): LoginAttempt => ({
    place,
    tls: endpoint.tls,
    user: endpoint.user,
    authorizeAs: endpoint.authorizeAs ?? null,
    mechanism: credential.mechanism,
    secret,
    timeoutSeconds: endpoint.timeoutSeconds,
  });
  if (credential.mechanism === 'XOAUTH2' && credential.oauth2)
    return logInWithProvider(endpoint, credential.oauth2, attempt(''), context);
  const ref = credential.mechanism === 'XOAUTH2' ? credential.accessToken! : credential.password;
  const what = `${context.side} ${credential.mechanism === 'XOAUTH2' ? 'access token' : 'password'} for account ${context.accountId}`;
  const secret = await withAccount(
    resolveSecret(ref, {
      manifestDir: context.manifestDir,
      env: context.env,
      what,
      verbose: context.verbose,
    }),
    context.accountId,
  );
  return logIn(endpoint, attempt(describeSecret(ref)), secret, context);
}

/**
 * XOAUTH2 with a token the provider issues. A cached token the server refuses (revoked, or the
 * server's clock is ahead) is dropped and the login tried once more with a new one; a token
 * fetched just now and refused is a real refusal.
 */
async function logInWithProvider(
  endpoint: EndpointSettings,
  oauth2: OAuth2Input,
  attempt: LoginAttempt,
  context: ConnectContext,
): Promise<ImapConnection> {
  const tokens = context.tokens ?? sharedTokenCache;
  const fetchToken = () =>
    withAccount(
      loginToken(
        oauth2,
        {
          user: endpoint.user,
          what: `${context.side} OAuth2 token for account ${context.accountId}`,
          manifestDir: context.manifestDir,
          env: context.env,
          verbose: context.verbose,
          timeoutSeconds: endpoint.timeoutSeconds,
        },
        tokens,
      ),
      context.accountId,
    );
  for (;;) {
    const token = await fetchToken();
    try {
      return await logIn(endpoint, { ...attempt, tokenIssuer: token.source.issuer }, token.token, context);
    } catch (error) {
      if (!(error instanceof MailshiftError) || error.code !== 'LOGIN_FAILED') throw error;
      refuseToken(token, tokens);
      if (token.fresh) throw error;
    }
  }
}

/** One login with the secret (password or token) in hand. */
async function logIn(
  endpoint: EndpointSettings,
  attempt: LoginAttempt,
  secret: string,
  context: ConnectContext,
): Promise<ImapConnection> {
  const { place } = attempt;
  let adminPasswordSent = false;
  const options: ImapFlowOptions = clientOptions(endpoint, secret, context.ca, context.env, () => {
    if (!flow.capabilities.has('AUTH=PLAIN')) throw new MailshiftError(adminLoginUnavailable(attempt));
    adminPasswordSent = true;
  });
  // imapflow's log is where a throttling answer's words outlive a connection the server dropped for it.
  const throttle: ThrottleNotes = { last: null };
  options.logger = throttleLogger(throttle);
  let flow = new ImapFlow(options);
  const traced = context.trace?.session(context.side, context.accountId, [secret]);
  // On imapflow's public API a trace comes from its raw log, which is set when the client is made.
  if (chooseWire(flow, context.env) === 'imapflow' && traced) {
    flow = new ImapFlow({ ...options, ...loggedTraceOptions(traced, options.logger) });
    chooseWire(flow, context.env);
  }
  attachThrottleNotes(flow, throttle);
  // Constructed with room for message bodies; everything but a body read gets far less (uidFetch
  // raises it). On imapflow's public API the limits stay as constructed.
  setAnswerLimits(flow, ANSWER_LIMITS);
  flow.on('error', () => undefined); // connect() rejects with the same error; see wrapFlow for later ones
  if (traced) {
    traced.note(`connecting to ${endpoint.host}:${endpoint.port} (tls ${endpoint.tls}, user ${loginOf(endpoint)})`);
    if (usesInternals(flow)) tapWire(flow, traced);
    else noteClose(flow, traced);
  }
  // Plaintext on an implicit-TLS port never gets a greeting; implicit TLS on a plaintext port fails its handshake at once.
  const watch = endpoint.tls === 'implicit' ? null : watchGreeting(flow, endpoint.host, endpoint.port);
  try {
    const connected = flow.connect().then(() => false);
    const tlsPort = await (watch ? Promise.race([connected, watch.tlsPort]) : connected);
    if (tlsPort) throw new MailshiftError(plaintextOnTlsPort(attempt, PROBE_AFTER_SECONDS));
    // A session that skipped the login (a PREAUTH greeting) is not the mailbox an admin asked for.
    if (endpoint.authorizeAs !== undefined && !adminPasswordSent)
      throw new MailshiftError(adminLoginUnavailable(attempt));
  } catch (error) {
    flow.close();
    // A login the server throttles (or a greeting BYE for its limits) is waited for, not failed.
    const throttled = (error as { authenticationFailed?: unknown }).authenticationFailed
      ? null
      : throttledFailure(error, place, throttle, 'login');
    if (throttled) {
      const said = throttled.said.split(secret).join('***');
      traced?.note(`throttled: ${said}`);
      throw new ServerThrottled(place, said, throttled.waitMs, 'login');
    }
    const greeted = flow.connectedAt === null || flow.greeting !== undefined;
    const failure = connectFailure(error, {
      ...attempt,
      greeted,
      portAnswersTls: watch?.answersTls,
      secretValue: secret,
    });
    traced?.note(`failed: ${failure.code} ${failure.message}`);
    throw new MailshiftError(failure);
  } finally {
    watch?.stop();
  }
  return wrapFlow(flow, place, throttle);
}

/**
 * COMPRESS=DEFLATE (where the server offers it) saves a network's bandwidth at the price of CPU on
 * both ends; on loopback there is no bandwidth to save, and deflating every body made reads several
 * times slower. MAILSHIFT_COMPRESS=always or never overrides (a fast LAN, or a test of the path).
 */
function wantsCompression(host: string, setting: string | undefined): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return !isLoopback(host);
}

function clientOptions(
  endpoint: EndpointSettings,
  secret: string,
  ca: string | undefined,
  env: NodeJS.ProcessEnv,
  beforeAdminLogin: () => void,
): ImapFlowOptions {
  const timeout = Math.round(endpoint.timeoutSeconds * 1000);
  const { credential } = endpoint;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    // true: the upgrade is required, and connecting fails when the server does not offer it.
    doSTARTTLS: endpoint.tls === 'starttls' ? true : endpoint.tls === 'none' ? false : undefined,
    // imapflow sets the SNI servername to the host (unless it is an IP literal, which SNI forbids)
    // and Node checks the certificate against it.
    tls: { rejectUnauthorized: endpoint.tlsVerify, ...(ca === undefined ? {} : { ca: [ca] }) },
    auth:
      credential.mechanism === 'XOAUTH2'
        ? { user: endpoint.user, accessToken: secret }
        : endpoint.authorizeAs !== undefined
          ? adminAuth(endpoint.user, endpoint.authorizeAs, secret, beforeAdminLogin)
          : // PLAIN: AUTHENTICATE PLAIN where offered, else whatever password login the server has.
            {
              user: endpoint.user,
              pass: secret,
              ...(credential.mechanism === 'LOGIN' ? { loginMethod: 'AUTH=LOGIN' } : {}),
            },
    logger: false,
    clientInfo: { name: 'mailshift', version: VERSION, vendor: false, 'support-url': false },
    // IDLE between our commands would only add round trips; a snapshot never waits for news.
    disableAutoIdle: true,
    disableCompression: !wantsCompression(endpoint.host, env['MAILSHIFT_COMPRESS']),
    maxLineLength: MAX_LINE_BYTES,
    maxLiteralSize: BODY_ANSWER_LIMITS.literal,
    maxResponseSize: BODY_ANSWER_LIMITS.response,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
}

/**
 * An admin logging in for a user: SASL PLAIN with the user as authorisation identity (RFC 4616),
 * and nothing else. Where the server lists no AUTH=PLAIN, imapflow falls back to LOGIN, which has
 * no room for one and would open the admin's own mailbox. imapflow reads the password once it has
 * the server's capabilities and is choosing how to log in, so `beforeLogin` refuses it there. (Read
 * any earlier, the capability list would be empty and the login refused: the check fails safe.)
 */
function adminAuth(
  user: string,
  authorizeAs: string,
  secret: string,
  beforeLogin: () => void,
): NonNullable<ImapFlowOptions['auth']> {
  return {
    user,
    authzid: authorizeAs,
    // Explicit: imapflow would switch a name holding "\" or "/" (Exchange style) to LOGIN.
    loginMethod: 'AUTH=PLAIN',
    get pass() {
      beforeLogin();
      return secret;
    },
  };
}

/** `pending`, with a MailshiftError it rejects with located at the account. */
async function withAccount<T>(pending: Promise<T>, account: string): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (!(error instanceof MailshiftError)) throw error;
    throw new MailshiftError(error.diagnostics.map((d) => ({ ...d, location: { ...d.location, account } })));
  }
}
