import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openConnection } from '../../src/imap/connect.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { ConnectionPool } from '../../src/imap/pool.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { plainEndpoint } from '../support/imap-connection.ts';

async function pool(
  size: number,
): Promise<{ pool: ConnectionPool; opened: ImapConnection[]; logins: { most: number } }> {
  const { slash } = await dovecotPair();
  const account = await freshUser(slash);
  const endpoint = plainEndpoint(slash, account, size);
  const opened: ImapConnection[] = [];
  const logins = { running: 0, most: 0 };
  const open = async () => {
    logins.most = Math.max(logins.most, ++logins.running);
    try {
      const connection = await openConnection(endpoint, {
        side: 'target',
        accountId: 'bob',
        manifestDir: tmpdir(),
        env: { PW: account.password },
      });
      opened.push(connection);
      return connection;
    } finally {
      logins.running--;
    }
  };
  return { pool: new ConnectionPool(open, size), opened, logins };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool whose every login fails, and how many were tried. */
function failingPool(size: number): { pool: ConnectionPool; attempts: () => number } {
  let attempts = 0;
  const pool = new ConnectionPool(async () => {
    attempts++;
    throw new Error('no login');
  }, size);
  return { pool, attempts: () => attempts };
}

test('opens nothing until used, then at most `connections` at once, reusing them', async () => {
  const { pool: connections, opened } = await pool(2);
  assert.is(opened.length, 0, 'lazy');
  let running = 0;
  let most = 0;
  const seen = new Set<ImapConnection>();
  await Promise.all(
    Array.from({ length: 7 }, () =>
      connections.use(async (connection) => {
        running++;
        most = Math.max(most, running);
        seen.add(connection);
        await flowOf(connection).noop();
        await pause(20);
        running--;
      }),
    ),
  );
  assert.is(most, 2);
  assert.is(opened.length, 2);
  assert.is(seen.size, 2);
  await connections.close();
  assert.ok(
    opened.every((connection) => !connection.usable),
    'close() logs every connection out',
  );
  await connections
    .use(async () => undefined)
    .then(
      () => assert.unreachable('used after close'),
      () => undefined,
    );
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
  await connections
    .use(async () => {
      throw new Error('boom');
    })
    .catch(() => undefined);
  await connections.use(async () => undefined);
  assert.is(opened.length, 1, 'reused after a failed callback');
  await connections.close();

  const failing = failingPool(1);
  for (let i = 0; i < 2; i++) await failing.pool.use(async () => undefined).catch(() => undefined);
  assert.is(failing.attempts(), 2, 'the slot was released after the failed open');
});

test('openAhead logs in the connections work is about to need, together, up to the pool size', async () => {
  const { pool: connections, opened, logins } = await pool(3);
  await connections.prime();
  assert.is(logins.most, 1);
  connections.openAhead(10);
  connections.openAhead(10); // the ones under way count: still three in all
  while (opened.length < 3) await pause(5);
  await pause(20);
  assert.is(opened.length, 3, 'the primed one and two more, never more than the size');
  assert.is(logins.most, 2, 'the two logged in together');
  const used = new Set<ImapConnection>();
  await Promise.all(
    Array.from({ length: 3 }, () =>
      connections.use(async (connection) => {
        used.add(connection);
        await pause(10);
      }),
    ),
  );
  assert.ok(
    used.size === 3 && opened.length === 3 && opened.every((connection) => used.has(connection)),
    'the work took the connections opened ahead: no login of its own',
  );
  connections.openAhead(1);
  await pause(20);
  assert.is(opened.length, 3, 'nothing to open when enough are open');
  await connections.close();

  const failing = failingPool(2);
  failing.pool.openAhead(2);
  await pause(10);
  assert.is(failing.attempts(), 2);
  await failing.pool
    .use(async () => undefined)
    .then(
      () => assert.unreachable('no connection'),
      (error: Error) => assert.is(error.message, 'no login'),
    );
  assert.is(failing.attempts(), 3, 'the failed logins freed their slots: the use() tried again');
});

test.run();
