// RFC 3501 has a UID command skip UIDs that are not there; GNU mailutils imap4d answers BAD
// ("Failed to parse message set") instead, whenever a set names one, compound or not. A flag
// update, a read of the bodies to copy, or the identity check before a deletion, for messages one
// of which was expunged since the plan, must still reach the others (and leave the gone one out).
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImapConnection } from '../../src/imap/connection.ts';
import { examineFolder } from '../../src/imap/examine.ts';
import { fetchIdentities } from '../../src/imap/fetch-identities.ts';
import { readBodies } from '../../src/imap/read-bodies.ts';
import { openAccountSession } from '../../src/imap/read-account.ts';
import { selectFolder } from '../../src/imap/select.ts';
import { storeFlags } from '../../src/imap/store-flags.ts';
import type { AccountSettings, EndpointSettings } from '../../src/manifest/settings.ts';
import type { ImapTestServer } from '../support/imap-server.ts';
import { mailutilsServer } from '../support/mailutils.ts';
import { plainClient, type Account } from '../support/seed.ts';
import { freshUser } from '../support/servers.ts';

function endpoint(server: ImapTestServer, user: string): EndpointSettings {
  return {
    host: server.host,
    port: server.ports.plain,
    tls: 'none',
    tlsVerify: true,
    allowPlaintext: true,
    user,
    credential: { mechanism: 'PLAIN', password: { env: 'PW' } },
    connections: 1,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 30,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  };
}

async function flagsByUid(server: ImapTestServer, account: Account): Promise<Record<number, string[]>> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const found: Record<number, string[]> = {};
    for await (const row of client.fetch('1:*', { uid: true, flags: true }))
      found[row.uid] = [...(row.flags ?? [])].filter((f) => f !== '\\Recent').sort();
    return found;
  } finally {
    await client.logout();
  }
}

/** A mailutils INBOX holding UIDs 1, 3 and 4 (2 expunged), and a session on it as run gets it. */
async function withUidTwoExpunged(
  name: string,
  run: (connection: ImapConnection, server: ImapTestServer, account: Account) => Promise<void>,
): Promise<void> {
  const server = await mailutilsServer();
  const account = await freshUser(server, name);
  const client = plainClient(server, account);
  await client.connect();
  try {
    for (let n = 1; n <= 4; n++)
      await client.append('INBOX', `Message-ID: <x-${n}@example.org>\r\nSubject: ${n}\r\n\r\n${n}\r\n`);
    await client.mailboxOpen('INBOX');
    await client.messageDelete('2', { uid: true });
  } finally {
    await client.logout();
  }
  assert.equal(Object.keys(await flagsByUid(server, account)), ['1', '3', '4']);
  const settings: AccountSettings = {
    id: 'alice',
    description: null,
    source: endpoint(server, account.user),
    target: endpoint(server, account.user),
  };
  const session = await openAccountSession(settings, { manifestDir: tmpdir(), env: { PW: account.password } });
  try {
    await session.target.use((connection) => run(connection, server, account));
  } finally {
    await session.close();
  }
}

test('mailutils: UID STORE over a set naming an expunged UID still flags the messages that are there', async () => {
  let checked: { server: ImapTestServer; account: Account } | undefined;
  await withUidTwoExpunged('expunged-store', async (connection, server, account) => {
    await selectFolder(connection, 'INBOX');
    await storeFlags(
      connection,
      'INBOX',
      [1, 2].map((uid) => ({ uid, add: ['\\Seen'], remove: [] })),
    );
    checked = { server, account };
  });
  assert.equal(await flagsByUid(checked!.server, checked!.account), { 1: ['\\Seen'], 3: [], 4: [] });
});

test('mailutils: UID FETCH of bodies and identities over a set naming an expunged UID reads the others', async () => {
  await withUidTwoExpunged('expunged-fetch', async (connection) => {
    await examineFolder(connection, 'INBOX');
    const bodies = await readBodies(connection, 'INBOX', [1, 2, 3]);
    assert.equal([...bodies.keys()].sort(), [1, 3]);
    assert.match(bodies.get(3)!.toString(), /Message-ID: <x-3@example\.org>/);
    const identities = await fetchIdentities(connection, 'INBOX', '1:2');
    assert.equal(
      identities.map((message) => message.uid),
      [1],
    );
  });
});

test.run();
