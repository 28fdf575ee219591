import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openConnection } from '../../src/imap/connect.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { ConnectionPool } from '../../src/imap/pool.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { plainEndpoint } from '../support/imap-connection.ts';

async function pool(size: number): Promise<{ pool: ConnectionPool; opened: ImapConnection[] }> {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const endpoint = plainEndpoint(slash, account, size);
  const opened: ImapConnection[] = [];
  const open = async () => {
    const connection = await openConnection(endpoint, { side: 'target', accountId: 'bob', manifestDir: tmpdir(), env: { PW: account.password } });
    opened.push(connection);
    return connection;
  };
  return { pool: new ConnectionPool(open, size), opened };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('opens nothing until used, then at most `connections` at once, reusing them', async () => {
  const { pool: connections, opened } = await pool(2);
  assert.is(opened.length, 0, 'lazy');
  let running = 0;
  let most = 0;
  const seen = new Set<ImapConnection>();
  await Promise.all(Array.from({ length: 7 }, () => connections.use(async (connection) => {
    running++;
    most = Math.max(most, running);
    seen.add(connection);
    await flowOf(connection).noop();
    await pause(20);
    running--;
  })));
  assert.is(most, 2);
  assert.is(opened.length, 2);
  assert.is(seen.size, 2);
  await connections.close();
  assert.ok(opened.every((connection) => !connection.usable), 'close() logs every connection out');
  await connections.use(async () => undefined).then(() => assert.unreachable('used after close'), () => undefined);
});

test('a dropped connection is replaced on the next use', async () => {
  const { pool: connections, opened } = await pool(1);
  await connections.prime();
  assert.is(opened.length, 1);
  await connections.use(async (connection) => flowOf(connection).close()); // as if the server hung up
  const second = await connections.use(async (connection) => {
    await flowOf(connection).noop();
    return connection;
  });
  assert.is(opened.length, 2);
  assert.is.not(second, opened[0]);
  assert.ok(second.usable);
  await connections.close();
});

test('a failing callback gives its connection back; a failing login frees its slot', async () => {
  const { pool: connections, opened } = await pool(1);
  await connections.use(async () => { throw new Error('boom'); }).catch(() => undefined);
  await connections.use(async () => undefined);
  assert.is(opened.length, 1, 'reused after a failed callback');
  await connections.close();

  let attempts = 0;
  const failing = new ConnectionPool(async () => {
    attempts++;
    throw new Error('no login');
  }, 1);
  for (let i = 0; i < 2; i++) await failing.use(async () => undefined).catch(() => undefined);
  assert.is(attempts, 2, 'the slot was released after the failed open');
});

test.run();
