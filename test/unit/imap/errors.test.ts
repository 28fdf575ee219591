import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectFailure, plaintextOnTlsPort, type LoginAttempt } from '../../../src/imap/errors.ts';

// The mapping from what imapflow and Node report to one diagnostic. Real servers produce most of
// these in test/integration/imap-connect.test.ts; the rest (an expired certificate, a server
// without STARTTLS) are hard to stage, so their error shapes are given here as Node and imapflow
// raise them.

const attempt: LoginAttempt = {
  place: { side: 'target', accountId: 'alice', host: 'imap.new.example', port: 993 },
  tls: 'implicit',
  user: 'alice@acme.example',
  authorizeAs: null,
  mechanism: 'PLAIN',
  secret: 'file secrets/alice.pw',
  timeoutSeconds: 60,
};

const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

const cases: Array<{
  name: string;
  error: unknown;
  attempt?: Partial<LoginAttempt>;
  code: string;
  message: string;
  hint?: string;
}> = [
  {
    name: 'DNS lookup failure',
    error: nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND imap.new.example'),
    code: 'DNS_FAILED',
    message: 'target connection failed for account alice at imap.new.example:993: host name not found (ENOTFOUND)',
    hint: '`host`',
  },
  {
    name: 'temporary DNS failure',
    error: nodeError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN'),
    code: 'DNS_FAILED',
    message: 'host name lookup failed temporarily (EAI_AGAIN)',
  },
  {
    name: 'refused',
    error: nodeError('ECONNREFUSED', 'connect ECONNREFUSED'),
    code: 'CONNECT_FAILED',
    message: 'connection refused (ECONNREFUSED)',
    hint: '993',
  },
  {
    name: 'unreachable',
    error: nodeError('EHOSTUNREACH', 'connect EHOSTUNREACH'),
    code: 'CONNECT_FAILED',
    message: 'host unreachable (EHOSTUNREACH)',
  },
  {
    name: 'reset',
    error: nodeError('ECONNRESET', 'read ECONNRESET'),
    code: 'CONNECT_FAILED',
    message: 'connection reset by the server (ECONNRESET)',
  },
  {
    name: 'expired certificate',
    error: nodeError('CERT_HAS_EXPIRED', 'certificate has expired'),
    code: 'TLS_FAILED',
    message:
      'target TLS handshake failed for account alice at imap.new.example:993: the server certificate is not trusted: certificate has expired (CERT_HAS_EXPIRED)',
    hint: 'renew',
  },
  {
    name: 'certificate for another name',
    error: nodeError(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: imap.new.example. is not in the cert's altnames: DNS:mail.example",
    ),
    code: 'TLS_FAILED',
    message:
      "not trusted: Host: imap.new.example. is not in the cert's altnames: DNS:mail.example (ERR_TLS_CERT_ALTNAME_INVALID)",
    hint: 'issued for another name',
  },
  {
    name: 'private CA',
    error: nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
    code: 'TLS_FAILED',
    message: 'unable to verify',
    hint: 'NODE_EXTRA_CA_CERTS',
  },
  {
    name: 'no STARTTLS offered',
    error: Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true }),
    attempt: { tls: 'starttls' },
    code: 'STARTTLS_UNAVAILABLE',
    message:
      'target server imap.new.example:993 (account alice) does not offer STARTTLS, and mailshift will not send the password in clear text',
    hint: "tls: 'implicit'",
  },
  {
    name: 'implicit TLS answered in plain text',
    error: nodeError(
      'ERR_SSL_WRONG_VERSION_NUMBER',
      '80CC1F45F97F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:',
    ),
    code: 'TLS_FAILED',
    message:
      'target TLS handshake failed for account alice at imap.new.example:993: the server answered in plain text, not TLS (ERR_SSL_WRONG_VERSION_NUMBER)',
    hint: "port 993 is a plaintext IMAP port: use tls: 'starttls'",
  },
  {
    name: 'a STARTTLS upgrade answered in plain text',
    error: nodeError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
    attempt: { tls: 'starttls' },
    code: 'TLS_FAILED',
    message:
      'TLS handshake failed for account alice at imap.new.example:993: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)',
    hint: '`tls` and `port`',
  },
  {
    name: 'connect timeout',
    error: nodeError('CONNECT_TIMEOUT', 'Failed to establish connection in required time'),
    code: 'TIMEOUT',
    message: 'no answer within 60 s (CONNECT_TIMEOUT)',
    hint: 'timeoutSeconds',
  },
  {
    name: 'no greeting',
    error: nodeError('ETIMEOUT', 'Socket timeout'),
    attempt: { greeted: false, tls: 'none' },
    code: 'TIMEOUT',
    message: 'no greeting within 60 s (GREETING_TIMEOUT)',
    hint: '`tls`',
  },
  {
    name: 'no greeting from a port the probe found plaintext',
    error: nodeError('GREETING_TIMEOUT', 'Failed to receive greeting'),
    attempt: { greeted: false, tls: 'none', portAnswersTls: false },
    code: 'TIMEOUT',
    message: 'no greeting within 60 s (GREETING_TIMEOUT)',
    hint: 'port 993 is no TLS port',
  },
  {
    name: 'authentication failed',
    error: Object.assign(new Error('Command failed'), {
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
      response: '3 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
    }),
    code: 'LOGIN_FAILED',
    message:
      'target login failed for account alice at imap.new.example:993: AUTHENTICATIONFAILED Invalid credentials (Failure) — check the password in file secrets/alice.pw',
    hint: 'alice@acme.example',
  },
  {
    name: 'an admin login for a user refused',
    error: Object.assign(new Error('Command failed'), {
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
      response: '3 NO [AUTHENTICATIONFAILED] Authentication failed.',
    }),
    attempt: { user: 'admin', authorizeAs: 'alice@acme.example', secret: 'env ADMIN_PW' },
    code: 'LOGIN_FAILED',
    message:
      'target login failed for account alice at imap.new.example:993 (admin as alice@acme.example): AUTHENTICATIONFAILED Authentication failed. — check the admin password in env ADMIN_PW',
    hint: 'Dovecot: a passdb with master = yes; Cyrus: proxyservers',
  },
  {
    name: 'an expired OAuth token',
    error: Object.assign(new Error('Command failed'), {
      authenticationFailed: true,
      response: '2 NO AUTHENTICATE failed.',
    }),
    attempt: { mechanism: 'XOAUTH2', secret: 'command oauth2-token alice' },
    code: 'LOGIN_FAILED',
    message: 'AUTHENTICATE failed. — check the access token in command oauth2-token alice',
    hint: 'expire',
  },
  {
    name: 'anything else',
    error: new Error('Unexpected tagged response'),
    code: 'IMAP_ERROR',
    message: 'target connection failed for account alice at imap.new.example:993: Unexpected tagged response',
  },
];

for (const { name, error, attempt: overrides, code, message, hint } of cases) {
  test(`${name} → ${code}`, () => {
    const diagnostic = connectFailure(error, { ...attempt, ...overrides });
    assert.is(diagnostic.code, code);
    assert.match(diagnostic.message, message);
    if (hint) assert.match(diagnostic.hint ?? '', hint);
    assert.equal(diagnostic.location, { account: 'alice' });
  });
}

test('a password the server echoes back is masked in its answer, not in our wording', () => {
  const echoed = Object.assign(new Error('Command failed'), {
    authenticationFailed: true,
    response: '1 NO [AUTHENTICATIONFAILED] bad password "fix"',
  });
  const diagnostic = connectFailure(echoed, { ...attempt, secretValue: 'fix' });
  assert.match(diagnostic.message, 'bad password "***"');
  assert.match(diagnostic.hint!, 'fix the password');
});

test('plaintext on a port that answers in TLS: TLS_FAILED naming the port and the fix for either way out', () => {
  const diagnostic = plaintextOnTlsPort({ ...attempt, tls: 'starttls' }, 3);
  assert.is(diagnostic.code, 'TLS_FAILED');
  assert.is(
    diagnostic.message,
    'target connection failed for account alice at imap.new.example:993: no IMAP greeting within 3 s, and port 993 answers in TLS: it is an implicit-TLS port',
  );
  assert.is(
    diagnostic.hint,
    "use tls: 'implicit' on port 993; or keep tls: 'starttls' and use the server's plaintext port (usually 143)",
  );
  assert.equal(diagnostic.location, { account: 'alice' });
});

test.run();
