import { MailshiftError, problem, type Diagnostic, type ErrorCode } from '../errors.ts';
import type { TlsMode } from '../manifest/types.ts';
import { lastErrorOf, throttleNotesOf, type ConnectionPlace, type ImapConnection } from './connection.ts';
import { saysOverQuota, throttledFailure } from './throttle-answer.ts';
import { oversizedAnswer } from './answer-limits.ts';
import { MalformedAnswer } from './malformed-answer.ts';

// Every failure becomes one sentence (what failed, on which side of which account, at which
// server, and what the server or the network said) plus a hint saying what to change. Secret
// values never get here; the hint names the secret's reference instead.

/** What a login attempt used, for the messages (never the secret itself). */
export interface LoginAttempt {
  place: ConnectionPlace;
  tls: TlsMode;
  user: string;
  /** The mailbox an admin `user` logs in to (SASL PLAIN authorisation identity); null: the user's own. */
  authorizeAs: string | null;
  mechanism: 'PLAIN' | 'LOGIN' | 'XOAUTH2';
  /** The secret reference as describeSecret() writes it. */
  secret: string;
  /** Who issued the XOAUTH2 token, when mailshift fetched it (src/oauth2/): "microsoft (tenant t, client c)". */
  tokenIssuer?: string;
  timeoutSeconds: number;
  /** Whether the server's greeting arrived: a timeout before it usually means plain IMAP on a TLS port. */
  greeted?: boolean;
  /** What a TLS handshake on the same port found while the greeting was awaited (greeting-probe.ts); null: no answer. */
  portAnswersTls?: boolean | null;
  /** The secret value, only to mask it should the server echo it back in its answer. */
  secretValue?: string;
}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  serverResponseCode?: string;
  response?: unknown;
  responseText?: string;
  responseStatus?: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ECONNABORTED: 'connection aborted',
  NoConnection: 'the server closed the connection',
  EConnectionClosed: 'the server closed the connection',
  ClosedAfterConnectText: 'the server closed the connection before greeting',
  ClosedAfterConnectTLS: 'the server closed the connection during the TLS handshake',
};
const TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);
// Node's certificate verification codes: the server answered in TLS, but its certificate is not one we trust.
const CERTIFICATE =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|UNABLE_TO_DECRYPT_CERT_SIGNATURE|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|CERT_REJECTED|INVALID_CA|CERT_CHAIN_TOO_LONG|ERR_TLS_CERT_.*)$/;
const TLS_PROTOCOL = /^(ERR_SSL_|EPROTO$|ERR_TLS_)/;
// What OpenSSL says when the first bytes back are not a TLS record: an IMAP greeting ("* OK") instead of a ServerHello.
const PLAINTEXT_REPLY = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

const TRUST_HINT =
  'if the server uses a private CA, start mailshift with NODE_EXTRA_CA_CERTS=/path/to/ca.pem; for a known test server with a self-signed certificate set tlsVerify: false on this endpoint';

function fieldsOf(error: unknown): ErrorFields {
  return error !== null && typeof error === 'object' ? (error as ErrorFields) : { message: String(error) };
}

function codeOf(error: unknown): string | undefined {
  const { code } = fieldsOf(error);
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** "AUTHENTICATIONFAILED Authentication failed." from a NO/BAD the server sent, or the error's own text. */
function serverText(error: unknown, secretValue = ''): string {
  const fields = fieldsOf(error);
  const raw =
    typeof fields.response === 'string' && fields.response !== '' ? fields.response : (fields.responseText ?? '');
  // imapflow hands over the whole tagged line ("2 NO [AUTHENTICATIONFAILED] Authentication failed.").
  const text = raw
    .replace(/^\S+ (NO|BAD|BYE) /i, '')
    .replace(/^\[([^\]]*)\]\s*/, '$1 ')
    .trim();
  const code = fields.serverResponseCode;
  const said = code && !text.includes(code) ? `${code} ${text}`.trim() : text;
  const result = said !== '' ? said : String(fields.message ?? 'no reason given');
  return secretValue === '' ? result : result.split(secretValue).join('***');
}

function at(place: ConnectionPlace): string {
  return `for account ${place.accountId} at ${place.host}:${place.port}`;
}

function diagnostic(
  code: ErrorCode,
  place: ConnectionPlace,
  message: string,
  hint: string,
  folder?: string,
): Diagnostic {
  return problem(
    code,
    message,
    hint,
    folder === undefined ? { account: place.accountId } : { account: place.accountId, folder },
  );
}

/**
 * An admin login for a user on a server that does not offer AUTH=PLAIN: LOGIN (or AUTH=LOGIN) has
 * no room for the authorisation identity, and would open the admin's own mailbox instead.
 */
export function adminLoginUnavailable(attempt: LoginAttempt): Diagnostic {
  const { place } = attempt;
  return diagnostic(
    'LOGIN_FAILED',
    place,
    `${place.side} login failed ${at(place)} (${attempt.user} as ${attempt.authorizeAs}): no SASL PLAIN login: the server does not offer AUTH=PLAIN, which an admin login for another user needs (LOGIN cannot name the user to act for); the password was not sent`,
    `enable SASL PLAIN on the server (Dovecot: auth_mechanisms = plain; Cyrus: sasl_mech_list: PLAIN), or log in as "${attempt.authorizeAs}" with its own password (drop auth.authorizeAs)`,
  );
}

/** A failure while connecting, negotiating TLS or logging in, as one diagnostic. */
export function connectFailure(error: unknown, attempt: LoginAttempt): Diagnostic {
  if (error instanceof MailshiftError && error.diagnostics[0]) return error.diagnostics[0];
  const { place } = attempt;
  const fields = fieldsOf(error);
  const code = codeOf(error);
  const side = place.side;
  if (fields.authenticationFailed && attempt.authorizeAs !== null) {
    return diagnostic(
      'LOGIN_FAILED',
      place,
      `${side} login failed ${at(place)} (${attempt.user} as ${attempt.authorizeAs}): ${serverText(error, attempt.secretValue)} — check the admin password in ${attempt.secret}`,
      `"${attempt.user}" logs in for "${attempt.authorizeAs}" (SASL PLAIN with an authorisation identity): fix the admin's password, and check that the server lets "${attempt.user}" act for other users (Dovecot: a passdb with master = yes; Cyrus: proxyservers in imapd.conf) and that "${attempt.authorizeAs}" exists; then run \`mailshift check\` again`,
    );
  }
  if (fields.authenticationFailed && attempt.tokenIssuer) {
    return diagnostic(
      'LOGIN_FAILED',
      place,
      `${side} login failed ${at(place)}: ${serverText(error, attempt.secretValue)} — the server refused a new token from ${attempt.tokenIssuer}`,
      `the login name is "${attempt.user}": the app must be allowed into this mailbox (Microsoft 365: IMAP.AccessAsApp and FullAccess on the mailbox; Google: domain-wide delegation for the scope)`,
    );
  }
  if (fields.authenticationFailed) {
    const credential = attempt.mechanism === 'XOAUTH2' ? 'access token' : 'password';
    return diagnostic(
      'LOGIN_FAILED',
      place,
      `${side} login failed ${at(place)}: ${serverText(error, attempt.secretValue)} — check the ${credential} in ${attempt.secret}`,
      attempt.mechanism === 'XOAUTH2'
        ? `the login name is "${attempt.user}"; access tokens expire (usually after an hour): fetch a fresh one and run \`mailshift check\` again`
        : `the login name is "${attempt.user}"; fix the password (or the user) and run \`mailshift check\` again`,
    );
  }
  if (/Unsupported authentication mechanism/i.test(String(fields.message))) {
    return diagnostic(
      'LOGIN_FAILED',
      place,
      `${side} login failed ${at(place)}: the server offers no ${attempt.mechanism === 'XOAUTH2' ? 'XOAUTH2 or OAUTHBEARER' : attempt.mechanism} login`,
      attempt.mechanism === 'XOAUTH2'
        ? 'log in with a password (mechanism PLAIN), or enable OAuth2 for IMAP on the server'
        : 'pick another `auth.mechanism`',
    );
  }
  if (
    fields.tlsFailed &&
    attempt.tls === 'starttls' &&
    (code === undefined || /STARTTLS/i.test(String(fields.message)))
  ) {
    return diagnostic(
      'STARTTLS_UNAVAILABLE',
      place,
      `${side} server ${place.host}:${place.port} (account ${place.accountId}) does not offer STARTTLS, and mailshift will not send the password in clear text`,
      "use tls: 'implicit' (usually port 993) if the server has it; use tls: 'none' only on a network you trust",
    );
  }
  return (
    transportFailure(error, place, `${side} connection`, attempt) ??
    diagnostic(
      'IMAP_ERROR',
      place,
      `${side} connection failed ${at(place)}: ${serverText(error, attempt.secretValue)}`,
      "the server's answer is quoted above; if it says nothing useful, its own log says why it ended the session",
    )
  );
}

/** A plaintext (or STARTTLS) connection that got no greeting, to a port that answers a TLS handshake. */
export function plaintextOnTlsPort(attempt: LoginAttempt, silentSeconds: number): Diagnostic {
  const { place } = attempt;
  return diagnostic(
    'TLS_FAILED',
    place,
    `${place.side} connection failed ${at(place)}: no IMAP greeting within ${silentSeconds} s, and port ${place.port} answers in TLS: it is an implicit-TLS port`,
    `use tls: 'implicit' on port ${place.port}; or keep tls: '${attempt.tls}' and use the server's plaintext port (usually 143)`,
  );
}

/** DNS, TCP, TLS and timeout failures (null when the error is none of these). */
function transportFailure(
  error: unknown,
  place: ConnectionPlace,
  what: string,
  attempt?: Pick<LoginAttempt, 'tls' | 'timeoutSeconds' | 'greeted' | 'portAnswersTls'>,
  folder?: string,
): Diagnostic | null {
  const reported = codeOf(error);
  // While waiting for the greeting the socket's inactivity timer and the greeting timer race.
  const code = reported === 'ETIMEOUT' && attempt?.greeted === false ? 'GREETING_TIMEOUT' : reported;
  if (code === undefined) return null;
  const message = String(fieldsOf(error).message ?? '');
  const reason = (text: string) => `${text} (${code})`;
  if (DNS.has(code)) {
    return diagnostic(
      'DNS_FAILED',
      place,
      `${what} failed ${at(place)}: ${reason(code === 'EAI_AGAIN' ? 'host name lookup failed temporarily' : 'host name not found')}`,
      'check `host` in the manifest, and that this machine can resolve it',
      folder,
    );
  }
  if (CERTIFICATE.test(code)) {
    return diagnostic(
      'TLS_FAILED',
      place,
      `${place.side} TLS handshake failed ${at(place)}: the server certificate is not trusted: ${reason(message.replace(/^Hostname\/IP does not match certificate's altnames: /, ''))}`,
      code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
        ? `the certificate was issued for another name: set \`host\` to a name it covers; ${TRUST_HINT}`
        : code === 'CERT_HAS_EXPIRED'
          ? 'the server certificate has expired: ask its administrator to renew it (tlsVerify: false only for a test server)'
          : TRUST_HINT,
      folder,
    );
  }
  if (PLAINTEXT_REPLY.has(code) && attempt?.tls === 'implicit') {
    return diagnostic(
      'TLS_FAILED',
      place,
      `${place.side} TLS handshake failed ${at(place)}: the server answered in plain text, not TLS (${code})`,
      `port ${place.port} is a plaintext IMAP port: use tls: 'starttls' on it, or the implicit-TLS port (usually 993)`,
      folder,
    );
  }
  if (TLS_PROTOCOL.test(code)) {
    return diagnostic(
      'TLS_FAILED',
      place,
      `${place.side} TLS handshake failed ${at(place)}: ${reason(message || 'protocol error')}`,
      attempt?.tls === 'implicit'
        ? "the server did not answer in TLS: for port 143 use tls: 'starttls', or use the TLS port (usually 993)"
        : 'check `tls` and `port` in the manifest',
      folder,
    );
  }
  if (TIMEOUTS.has(code)) {
    const seconds = attempt ? ` within ${attempt.timeoutSeconds} s` : '';
    const detail =
      code === 'GREETING_TIMEOUT' ? `connected, but the server sent no greeting${seconds}` : `no answer${seconds}`;
    return diagnostic(
      'TIMEOUT',
      place,
      `${what} timed out ${at(place)}: ${reason(detail)}`,
      timeoutHint(code, place, attempt),
      folder,
    );
  }
  const network = NETWORK[code];
  if (network) {
    return diagnostic(
      'CONNECT_FAILED',
      place,
      `${what} failed ${at(place)}: ${reason(network)}`,
      code === 'ECONNREFUSED'
        ? "nothing listens there: check `host` and `port` (993 for tls: 'implicit', 143 for 'starttls' and 'none') and any firewall in between"
        : 'check the network path to the server; a server that drops sessions may limit connections per user: lower `connections`',
      folder,
    );
  }
  return null;
}

function timeoutHint(
  code: string,
  place: ConnectionPlace,
  attempt?: Pick<LoginAttempt, 'tls' | 'portAnswersTls'>,
): string {
  if (code !== 'GREETING_TIMEOUT' || attempt?.tls === 'implicit')
    return 'check `host`, `port` and any firewall in between; raise timeoutSeconds for a slow server';
  if (attempt?.portAnswersTls === false) {
    return `port ${place.port} is no TLS port (it answered a TLS handshake in plain text), so \`tls\` is right: the server is slow to greet (busy, or limiting sessions): raise timeoutSeconds, or lower \`connections\``;
  }
  return 'a TLS port waits for a handshake that a plain connection never starts: check `tls` and `port`; or raise timeoutSeconds for a slow server';
}

/** A command that failed after login (EXAMINE, FETCH, LIST…), as an error naming side, account, server and folder. */
export function commandFailure(
  error: unknown,
  connection: ImapConnection,
  doing: string,
  folder?: string,
): MailshiftError {
  if (error instanceof MailshiftError) return error;
  const throttled = throttledFailure(error, connection.place, throttleNotesOf(connection), doing, folder);
  if (throttled) return throttled;
  const place = connection.place;
  // A command cut short by a dropped connection only knows "no connection"; the 'error' event said why.
  const cause = !connection.usable && lastErrorOf(connection) !== undefined ? lastErrorOf(connection) : error;
  const where = folder === undefined ? '' : `, folder "${folder}"`;
  const oversized = oversizedAnswer(cause);
  if (oversized !== null) {
    return new MailshiftError(
      diagnostic(
        'IMAP_ERROR',
        place,
        `${place.side} ${doing} ${at(place)}${where}: the server sent ${oversized}, so mailshift closed the connection`,
        "a correct server does not send that (a message over 1 GiB is not copied): run again with --trace FILE to capture what the server sent, and report it to the server's vendor",
        folder,
      ),
    );
  }
  if (error instanceof MalformedAnswer) {
    return new MailshiftError(
      diagnostic(
        'IMAP_ERROR',
        place,
        `${place.side} ${doing} ${at(place)}${where}: the server's answer cannot be read exactly: it ${error.message}`,
        "mailshift does not guess at a malformed answer, so it used none of it; run again with --trace FILE to capture what the server sent, and report it to the server's vendor",
        folder,
      ),
    );
  }
  const transport = transportFailure(cause, place, `${place.side} ${doing}`, undefined, folder);
  if (transport) return new MailshiftError(transport);
  if (saysOverQuota(serverText(error)))
    return new MailshiftError(
      diagnostic(
        'OVERQUOTA',
        place,
        `${place.side} mailbox of account ${place.accountId} at ${place.host}:${place.port} is full${where}: ${serverText(error)}`,
        'raise the quota of that mailbox (or make room in it) on the server, then apply the same plan again: it goes on where it stopped',
        folder,
      ),
    );
  return new MailshiftError(
    diagnostic(
      'IMAP_ERROR',
      place,
      `${place.side} ${doing} failed ${at(place)}${where}: ${serverText(error)}`,
      'the server refused the command; its response above says why',
      folder,
    ),
  );
}
