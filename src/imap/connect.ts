import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { VERSION } from '../version.ts';
import { MailshiftError } from '../errors.ts';
import { isLoopback } from '../manifest/rules.ts';
import type { EndpointSettings } from '../manifest/settings.ts';
import { describeSecret } from '../secrets/describe.ts';
import { resolveSecret } from '../secrets/resolve.ts';
import { ANSWER_LIMITS, BODY_ANSWER_LIMITS, MAX_LINE_BYTES } from './answer-limits.ts';
import { wrapFlow, type ImapConnection, type Side } from './connection.ts';
import {
  attachThrottleNotes,
  ServerThrottled,
  throttledFailure,
  throttleLogger,
  type ThrottleNotes,
} from './throttle-answer.ts';
import { connectFailure, plaintextOnTlsPort, type LoginAttempt } from './errors.ts';
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
  const ref = credential.mechanism === 'XOAUTH2' ? credential.accessToken : credential.password;
  const attempt: LoginAttempt = {
    place,
    tls: endpoint.tls,
    user: endpoint.user,
    mechanism: credential.mechanism,
    secret: describeSecret(ref),
    timeoutSeconds: endpoint.timeoutSeconds,
  };
  let secret: string;
  try {
    const what = `${context.side} ${credential.mechanism === 'XOAUTH2' ? 'access token' : 'password'} for account ${context.accountId}`;
    secret = await resolveSecret(ref, {
      manifestDir: context.manifestDir,
      env: context.env,
      what,
      verbose: context.verbose,
    });
  } catch (error) {
    throw withAccount(error, context.accountId);
  }
  // imapflow's log is where a throttling answer's words outlive a connection the server dropped for it.
  const throttle: ThrottleNotes = { last: null };
  const options = { ...clientOptions(endpoint, secret, context.ca, context.env), logger: throttleLogger(throttle) };
  let flow = new ImapFlow(options);
  const traced = context.trace?.session(context.side, context.accountId, [secret]);
  // On imapflow's public API a trace comes from its raw log, which is set when the client is made.
  if (chooseWire(flow, context.env) === 'imapflow' && traced) {
    const logged = loggedTraceOptions(traced);
    flow = new ImapFlow({
      ...options,
      ...logged,
      logger: { ...throttleLogger(throttle), trace: (logged.logger as { trace: (entry: unknown) => void }).trace },
    });
    chooseWire(flow, context.env);
  }
  // Constructed with room for message bodies; everything but a body read gets far less (uidFetch
  // raises it). On imapflow's public API the limits stay as constructed.
  setAnswerLimits(flow, ANSWER_LIMITS);
  flow.on('error', () => undefined); // connect() rejects with the same error; see wrapFlow for later ones
  if (traced) {
    traced.note(`connecting to ${endpoint.host}:${endpoint.port} (tls ${endpoint.tls}, user ${endpoint.user})`);
    if (usesInternals(flow)) tapWire(flow, traced);
    else noteClose(flow, traced);
  }
  // Plaintext on an implicit-TLS port never gets a greeting; implicit TLS on a plaintext port fails its handshake at once.
  const watch = endpoint.tls === 'implicit' ? null : watchGreeting(flow, endpoint.host, endpoint.port);
  try {
    const connected = flow.connect().then(() => false);
    const tlsPort = await (watch ? Promise.race([connected, watch.tlsPort]) : connected);
    if (tlsPort) throw new MailshiftError(plaintextOnTlsPort(attempt, PROBE_AFTER_SECONDS));
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
  attachThrottleNotes(flow, throttle);
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

function withAccount(error: unknown, account: string): unknown {
  if (!(error instanceof MailshiftError)) return error;
  return new MailshiftError(error.diagnostics.map((d) => ({ ...d, location: { ...d.location, account } })));
}
