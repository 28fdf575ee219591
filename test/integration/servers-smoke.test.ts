// Each non-Dovecot server the harness runs: it starts in its own temp dir, a fresh user logs in,
// LIST/APPEND/FETCH round-trip, and stop removes the dir and frees the port.
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCourier } from '../support/courier.ts';
import { startCyrus } from '../support/cyrus.ts';
import { requireBinaries, serverClient, type ImapTestServer } from '../support/imap-server.ts';
import { startMailutils } from '../support/mailutils.ts';
import { readGreeting } from '../support/ports.ts';
import { freshUser } from '../support/servers.ts';

const SERVERS: ReadonlyArray<{
  name: string;
  start: () => Promise<ImapTestServer>;
  delimiter: string;
  prefix: string;
}> = [
  { name: 'Cyrus A', start: () => startCyrus({ layout: 'A' }), delimiter: '.', prefix: 'INBOX.' },
  { name: 'Cyrus B', start: () => startCyrus({ layout: 'B' }), delimiter: '/', prefix: '' },
  { name: 'Courier', start: startCourier, delimiter: '.', prefix: 'INBOX.' },
  { name: 'mailutils', start: startMailutils, delimiter: '/', prefix: '' },
];

const MESSAGE =
  'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: smoke\r\nMessage-ID: <smoke-1@example.org>\r\n\r\nHello.\r\n';

for (const { name, start, delimiter, prefix } of SERVERS) {
  test(`${name}: a fresh user logs in, LIST/APPEND/FETCH round-trip, stop removes the dir`, async () => {
    const server = await start();
    try {
      assert.is(server.name, name);
      assert.is(server.delimiter, delimiter);
      assert.is(server.prefix, prefix);
      assert.match(await readGreeting(server.ports.plain, undefined, 2000), /^\* OK /);
      const account = await freshUser(server, 'smoke');
      const client = serverClient(server, account);
      await client.connect();
      try {
        const folder = `${prefix}Smoke${delimiter}Child`;
        await client.mailboxCreate(folder);
        const listed = (await client.list()).map((entry) => entry.path);
        assert.ok(listed.includes('INBOX'), `INBOX in ${listed.join(', ')}`);
        assert.ok(listed.includes(folder), `${folder} in ${listed.join(', ')}`);
        for (const mailbox of ['INBOX', folder]) {
          await client.append(mailbox, MESSAGE, ['\\Seen']);
          const lock = await client.getMailboxLock(mailbox);
          try {
            // STORE, not APPEND's flag list: mailutils drops the latter (test below).
            await client.messageFlagsAdd('1:*', ['\\Seen', '\\Flagged']);
            const rows: Array<{ source: string; flags: string[] }> = [];
            for await (const row of client.fetch('1:*', { flags: true, source: true })) {
              rows.push({ source: row.source?.toString('latin1') ?? '', flags: [...(row.flags ?? [])] });
            }
            assert.is(rows.length, 1, mailbox);
            assert.is(rows[0]?.source, MESSAGE);
            assert.ok(
              rows[0]?.flags.includes('\\Seen') && rows[0].flags.includes('\\Flagged'),
              `${mailbox} flags: ${rows[0]?.flags}`,
            );
          } finally {
            lock.release();
          }
        }
      } finally {
        await client.logout();
      }
    } finally {
      await server.stop();
      await server.stop(); // idempotent
    }
    assert.not.ok(existsSync(server.dir), `${server.dir} removed`);
    const greeting = await readGreeting(server.ports.plain, undefined, 500).then(
      () => 'greeted',
      (error: Error) => error.message,
    );
    assert.is.not(greeting, 'greeted', 'nothing listens on the port after stop');
  });
}

test('mailutils imap4d 3.15 drops the flags given with APPEND (a server fact the matrix meets)', async () => {
  const server = await startMailutils();
  try {
    const account = await freshUser(server, 'smoke');
    const client = serverClient(server, account);
    await client.connect();
    try {
      await client.append('INBOX', MESSAGE, ['\\Seen', '\\Flagged']);
      await client.mailboxOpen('INBOX');
      const flags: string[] = [];
      for await (const row of client.fetch('1:*', { flags: true })) flags.push(...(row.flags ?? []));
      assert.not.ok(flags.includes('\\Seen') || flags.includes('\\Flagged'), `flags: ${flags}`);
    } finally {
      await client.logout();
    }
  } finally {
    await server.stop();
  }
});

test('mailutils imap4d 3.15 gives a message in new/ another UID at each EXAMINE until a SELECT settles it (a server fact)', async () => {
  const server = await startMailutils();
  try {
    const account = await freshUser(server, 'smoke');
    const uidsAfterOpen = async (readOnly: boolean): Promise<number[]> => {
      const client = serverClient(server, account);
      await client.connect();
      try {
        await client.mailboxOpen('INBOX', { readOnly });
        const uids: number[] = [];
        for await (const row of client.fetch('1:*', { uid: true })) uids.push(row.uid);
        return uids;
      } finally {
        await client.logout();
      }
    };
    const client = serverClient(server, account);
    await client.connect();
    await client.append('INBOX', MESSAGE);
    await client.logout();
    const [first, second] = [await uidsAfterOpen(true), await uidsAfterOpen(true)];
    assert.is(first.length, 1);
    assert.is.not(second[0], first[0], 'renumbered at the second EXAMINE');
    const settled = await uidsAfterOpen(false);
    assert.equal(await uidsAfterOpen(true), settled, 'stable once a read-write SELECT moved it to cur/');
  } finally {
    await server.stop();
  }
});

test('Courier: the last instance out restores /etc/courier/authdaemonrc', async () => {
  const before = readFileSync('/etc/courier/authdaemonrc', 'utf8');
  const [first, second] = [await startCourier(), await startCourier()];
  await first.stop();
  const account = await freshUser(second, 'smoke'); // the second still authenticates
  const client = serverClient(second, account);
  await client.connect();
  await client.logout();
  await second.stop();
  assert.is(readFileSync('/etc/courier/authdaemonrc', 'utf8'), before);
});

test('a server that is not installed fails with the command that installs it, never a skip', () => {
  assert.throws(
    () => requireBinaries('Cyrus IMAP', ['/nonexistent/imapd']),
    /Cyrus IMAP is not installed \(missing \/nonexistent\/imapd\): run \.ci\/install-servers/,
  );
});

test.run();
