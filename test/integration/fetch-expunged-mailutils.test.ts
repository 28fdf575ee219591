// GNU mailutils imap4d answers BAD ("Failed to parse message set") to a UID FETCH whose set names
// a UID that is no longer there, where RFC 3501 has it skipped. Reading the bodies of a plan's
// copies, or re-checking messages before deleting them, after one was expunged since the plan
// must still read the others, and leave the expunged one out (it is gone, not an error).
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { examineFolder } from '../../src/imap/examine.ts';
import { fetchIdentities } from '../../src/imap/fetch-identities.ts';
import { readBodies } from '../../src/imap/read-bodies.ts';
import { openAccountSession } from '../../src/imap/read-account.ts';
import type { AccountSettings, EndpointSettings } from '../../src/manifest/settings.ts';
import type { ImapTestServer } from '../support/imap-server.ts';
import { mailutilsServer } from '../support/mailutils.ts';
import { plainClient } from '../support/seed.ts';
import { freshUser } from '../support/servers.ts';

function endpoint(server: ImapTestServer, user: string): EndpointSettings {
  return {
    host: server.host, port: server.ports.plain, tls: 'none', tlsVerify: true, allowPlaintext: true, user,
    credential: { mechanism: 'PLAIN', password: { env: 'PW' } }, connections: 1,
    maxMessagesPerSecond: null, maxBytesPerSecond: null, timeoutSeconds: 30,
  };
}

test('mailutils: UID FETCH of bodies and identities over a set naming an expunged UID reads the others', async () => {
  const server = await mailutilsServer();
  const account = await freshUser(server, 'fetch-expunged');
  const client = plainClient(server, account);
  await client.connect();
  try {
    for (let n = 1; n <= 4; n++) await client.append('INBOX', `Message-ID: <f-${n}@example.org>\r\nSubject: ${n}\r\n\r\n${n}\r\n`);
    await client.mailboxOpen('INBOX');
    await client.messageDelete('2', { uid: true });
  } finally {
    await client.logout();
  }
  const settings: AccountSettings = { id: 'alice', description: null, source: endpoint(server, account.user), target: endpoint(server, account.user) };
  const session = await openAccountSession(settings, { manifestDir: tmpdir(), env: { PW: account.password } });
  try {
    await session.source.use(async (connection) => {
      await examineFolder(connection, 'INBOX');
      const bodies = await readBodies(connection, 'INBOX', [1, 2, 3]);
      assert.equal([...bodies.keys()].sort(), [1, 3]);
      assert.match(bodies.get(3)!.toString(), /Message-ID: <f-3@example\.org>/);
      const identities = await fetchIdentities(connection, 'INBOX', '1:2');
      assert.equal(identities.map((message) => message.uid), [1]);
    });
  } finally {
    await session.close();
  }
});

test.run();
