// GNU mailutils imap4d numbers a message in maildir new/ anew at every read-only open, until a
// read-write SELECT settles it. The snapshot reader must hand two reads the same UIDs and
// UIDVALIDITY, SELECT only where the UIDs move, and cost Dovecot nothing.
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openAccountSession, readFolders, readListing, type AccountSession } from '../../src/imap/read-account.ts';
import type { AccountSettings, EndpointSettings } from '../../src/manifest/settings.ts';
import { recordCommands } from '../support/command-spy.ts';
import type { ImapTestServer } from '../support/imap-server.ts';
import { mailutilsServer } from '../support/mailutils.ts';
import { plainClient, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

type Server = Pick<ImapTestServer, 'host' | 'ports'>;

function endpoint(server: Server, user: string, env: string): EndpointSettings {
  return {
    host: server.host,
    port: server.ports.plain,
    tls: 'none',
    tlsVerify: true,
    allowPlaintext: true,
    user,
    credential: { mechanism: 'PLAIN', password: { env } },
    connections: 1,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 30,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  };
}

async function sessionOn(server: Server, account: Account): Promise<AccountSession> {
  const settings: AccountSettings = {
    id: 'alice',
    description: null,
    source: endpoint(server, account.user, 'PW'),
    target: endpoint(server, account.user, 'PW'),
  };
  return openAccountSession(settings, { manifestDir: tmpdir(), env: { PW: account.password } });
}

const MESSAGE = (n: number) => `Message-ID: <settle-${n}@example.org>\r\nSubject: ${n}\r\n\r\nBody ${n}.\r\n`;

/** INBOX's UIDVALIDITY and UIDs as one plan's read sees them, and the commands that read sent. */
async function readInbox(server: Server, account: Account) {
  const session = await sessionOn(server, account);
  try {
    const { result, sent } = await recordCommands(async () => {
      const listing = await readListing(session);
      const inbox = listing.source.folders.find((folder) => folder.name === 'INBOX')!;
      return (await readFolders(session, 'source', [{ listing: inbox, window: null }])).INBOX!;
    });
    return {
      uidValidity: result.state.uidValidity,
      uids: result.messages.map((m) => m.uid),
      selects: sent.filter((c) => c.command === 'SELECT').length,
    };
  } finally {
    await session.close();
  }
}

async function appendTo(server: Server, account: Account, count: number, open = false): Promise<void> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    for (let n = 1; n <= count; n++) await client.append('INBOX', MESSAGE(n));
    if (open) await client.mailboxOpen('INBOX');
  } finally {
    await client.logout();
  }
}

test('mailutils: messages left in new/ get the same UIDs and UIDVALIDITY at every read, settled by one SELECT', async () => {
  const server = await mailutilsServer();
  const account = await freshUser(server, 'settle');
  await appendTo(server, account, 3);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // UIDVALIDITY there is a time in seconds
  const first = await readInbox(server, account);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = await readInbox(server, account);
  assert.is(first.uids.length, 3);
  assert.equal(second.uids, first.uids, 'the same UIDs');
  assert.is(second.uidValidity, first.uidValidity, 'the same UIDVALIDITY');
  assert.is(first.selects, 1, 'the first read settled INBOX with one SELECT');
  assert.is(second.selects, 0, 'a settled folder is not SELECTed again');
});

test('mailutils: a folder a read-write session already settled is read without a SELECT', async () => {
  const server = await mailutilsServer();
  const account = await freshUser(server, 'settled');
  await appendTo(server, account, 2, true);
  const read = await readInbox(server, account);
  assert.is(read.uids.length, 2);
  assert.is(read.selects, 0);
});

test('Dovecot: reading a folder sends no SELECT and no STATUS beyond the listing', async () => {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash, 'settle');
  await appendTo(slash, account, 2);
  const session = await sessionOn(slash, account);
  try {
    const listing = await readListing(session);
    const inbox = listing.source.folders.find((folder) => folder.name === 'INBOX')!;
    const { sent } = await recordCommands(() => readFolders(session, 'source', [{ listing: inbox, window: null }]));
    assert.equal(
      sent.filter((c) => c.command === 'SELECT' || c.command === 'STATUS'),
      [],
    );
  } finally {
    await session.close();
  }
});

test.run();
