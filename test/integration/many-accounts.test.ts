import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateFolders, generateMessages, type MailboxSpec } from '../support/mailbox-generator.ts';
import { freshUsers, seedAccounts } from '../support/many-accounts.ts';
import { plainClient, type Account } from '../support/seed.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { dovecotPair } from '../support/servers.ts';

/** Messages in all of an account's folders, as STATUS counts them after a login. */
async function messagesOf(server: DovecotServer, account: Account): Promise<number> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const folders = await client.list({ statusQuery: { messages: true } });
    return folders.reduce((sum, folder) => sum + (folder.status?.messages ?? 0), 0);
  } finally {
    await client.logout();
  }
}

test('freshUsers makes that many distinct users, each able to log in at once', async () => {
  const { dot } = await dovecotPair();
  const users = await freshUsers(dot, 40, 'wave');
  assert.is(users.length, 40);
  assert.is(new Set(users.map((user) => user.user)).size, 40);
  assert.ok(users.every((user) => user.user.startsWith('wave-')));
  const counts = await Promise.all(users.map((user) => messagesOf(dot, user)));
  assert.equal(counts, new Array(40).fill(0));
});

test('seedAccounts gives each account the mailbox of its own spec and sums them', async () => {
  const { slash } = await dovecotPair();
  const accounts = await freshUsers(slash, 5, 'seeded');
  const specFor = (index: number): MailboxSpec => ({ seed: 40 + index, messages: 3 + index, otherDelimiter: '.' });
  const seeded = await seedAccounts(slash, accounts, specFor);
  const expected = accounts.map((_, index) => [...generateMessages(specFor(index))]);
  assert.equal(await Promise.all(accounts.map((account) => messagesOf(slash, account))), [3, 4, 5, 6, 7]);
  assert.is(seeded.messages, 25);
  assert.is(
    seeded.bytes,
    expected.flat().reduce((sum, message) => sum + message.raw.length, 0),
  );
  assert.is(seeded.folders, 5 * generateFolders(specFor(0)).length);
});

test.run();
