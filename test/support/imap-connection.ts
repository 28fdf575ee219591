// mailshift's own IMAP connections to a harness server, for tests of the IMAP layer: plain port,
// no TLS (loopback), the password passed through a { env: 'PW' } reference as users write it.
import { tmpdir } from 'node:os';
import { openConnection } from '../../src/imap/connect.ts';
import type { ImapConnection } from '../../src/imap/connection.ts';
import type { EndpointSettings } from '../../src/manifest/settings.ts';
import type { DovecotServer } from './dovecot.ts';
import type { Account } from './seed.ts';

/** Endpoint settings for a harness server's plain port (password from env PW). */
export function plainEndpoint(server: DovecotServer, account: Account, connections = 1): EndpointSettings {
  return {
    host: server.host,
    port: server.ports.plain,
    tls: 'none',
    tlsVerify: true,
    allowPlaintext: true,
    user: account.user,
    credential: { mechanism: 'PLAIN', password: { env: 'PW' } },
    connections,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 10,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  };
}

/** One logged-in mailshift connection to the harness server as `account` (`env` adds to the password's, e.g. MAILSHIFT_WIRE). */
export function openPlainConnection(
  server: DovecotServer,
  account: Account,
  env: NodeJS.ProcessEnv = {},
): Promise<ImapConnection> {
  return openConnection(plainEndpoint(server, account), {
    side: 'target',
    accountId: 'alice',
    manifestDir: tmpdir(),
    env: { ...env, PW: account.password },
  });
}
