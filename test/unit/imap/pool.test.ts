import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImapConnection } from '../../../src/imap/connection.ts';
import { ConnectionPool } from '../../../src/imap/pool.ts';

// ConnectionPool with fake connections that break on command: the pool's promises (one caller per
// connection, the bound, FIFO waiters, broken ones replaced, close and drop) without a server.
// test/integration/imap-pool.test.ts proves the same pool against Dovecot.

class FakeConnection implements ImapConnection {
  readonly place = { side: 'target' as const, accountId: 'bob', host: '127.0.0.1', port: 143 };
  usable = true;
  closes = 0;
  drops = 0;
  constructor(readonly id: number) {}
  /** As if the server hung up or the network broke. */
  break(): void {
    this.usable = false;
  }
  async close(): Promise<void> {
    this.closes++;
    this.usable = false;
  }
  drop(): void {
    this.drops++;
    this.usable = false;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fake server: every login opens a FakeConnection; `gate`, when set, holds logins until resolved. */
function fakeServer(): {
  open: () => Promise<ImapConnection>;
  opened: FakeConnection[];
  logins: { running: number; most: number };
  fail: { next: number };
  gate: { login: Deferred | null };
} {
  const opened: FakeConnection[] = [];
  const logins = { running: 0, most: 0 };
  const fail = { next: 0 };
  const gate: { login: Deferred | null } = { login: null };
  const open = async () => {
    logins.most = Math.max(logins.most, ++logins.running);
    try {
      await gate.login?.promise;
      await tick();
      if (fail.next > 0) {
        fail.next--;
        throw new Error('no login');
      }
      const connection = new FakeConnection(opened.length + 1);
      opened.push(connection);
      return connection;
    } finally {
      logins.running--;
    }
  };
  return { open, opened, logins, fail, gate };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const fake = (connection: ImapConnection) => connection as FakeConnection;
const rejects = (run: Promise<unknown>, message: string) =>
  run.then(
    () => assert.unreachable('should fail'),
    (error: Error) => assert.is(error.message, message),
  );

test('opens nothing until used, then reuses the one connection for calls one after another', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 3);
  await tick();
  assert.is(server.opened.length, 0, 'lazy');
  const used: number[] = [];
  for (let i = 0; i < 4; i++) used.push(await pool.use(async (c) => fake(c).id));
  assert.equal(used, [1, 1, 1, 1]);
  assert.is(server.opened.length, 1);
  await pool.close();
});

test('never more than `size` callbacks or logins at once, and never two callers on one connection', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 3);
  let running = 0;
  let most = 0;
  const holders = new Set<ImapConnection>();
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      pool.use(async (c) => {
        assert.not.ok(holders.has(c), 'a connection is used by one caller at a time');
        holders.add(c);
        most = Math.max(most, ++running);
        for (let t = 0; t < 1 + (i % 3); t++) await tick();
        running--;
        holders.delete(c);
      }),
    ),
  );
  assert.is(most, 3);
  assert.is(server.opened.length, 3);
  assert.ok(server.logins.most <= 3);
  await pool.close();
});

test('a size below 1 is a pool of one', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 0);
  let running = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 4 }, () =>
      pool.use(async () => {
        most = Math.max(most, ++running);
        await tick();
        running--;
      }),
    ),
  );
  assert.is(most, 1);
  await pool.close();
});

test('waiters are served in the order they came, and a newcomer does not overtake them', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  const order: string[] = [];
  const hold = deferred();
  const first = pool.use(async () => {
    order.push('first');
    await hold.promise;
  });
  await tick();
  await tick();
  const waiters = ['a', 'b', 'c'].map((name) =>
    pool.use(async () => {
      order.push(name);
      await tick();
    }),
  );
  let late: Promise<void> = Promise.resolve();
  void first.then(() => (late = pool.use(async () => void order.push('newcomer'))));
  hold.resolve();
  await Promise.all([first, ...waiters]);
  await late;
  assert.equal(order, ['first', 'a', 'b', 'c', 'newcomer']);
  await pool.close();
});

test('a connection that broke while idle is not handed out again; a new login replaces it', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  await pool.prime();
  server.opened[0]!.break();
  const second = await pool.use(async (c) => {
    assert.ok(c.usable);
    return fake(c).id;
  });
  assert.is(second, 2);
  assert.is(server.opened.length, 2);
  assert.is(await pool.use(async (c) => fake(c).id), 2, 'the replacement is kept for later calls');
  assert.is(server.opened[0]!.drops, 1, 'the broken one is dropped: its socket does not linger, unreached by close()');
  await pool.close();
});

test('a connection that broke during a call is closed, not kept, and the next call gets a new one', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  await pool.use(async (c) => fake(c).break()).catch(() => undefined);
  assert.is(server.opened[0]!.closes, 1, 'closed on return (close never throws)');
  assert.is(await pool.use(async (c) => fake(c).id), 2);
  await pool.close();
});

test('with the last returned idle connection broken, the pool takes a healthy idle one before logging in again', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 2);
  const [one, two] = [deferred(), deferred()];
  const calls = [one, two].map((hold) =>
    pool.use(async (c) => {
      await hold.promise;
      return fake(c);
    }),
  );
  while (server.opened.length < 2) await tick();
  one.resolve();
  const firstBack = await calls[0]!;
  two.resolve();
  const lastBack = await calls[1]!;
  lastBack.break();
  assert.is(await pool.use(async (c) => fake(c)), firstBack);
  assert.is(server.opened.length, 2, 'no login needed');
  await pool.close();
});

test('a failing callback gives its connection back; a failing login frees its slot and fails only its caller', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  await rejects(
    pool.use(async () => {
      throw new Error('boom');
    }),
    'boom',
  );
  assert.is(await pool.use(async (c) => fake(c).id), 1, 'reused after the failed callback');

  const failing = fakeServer();
  const fresh = new ConnectionPool(failing.open, 1);
  failing.fail.next = 1;
  const [a, b] = [fresh.use(async (c) => fake(c).id), fresh.use(async (c) => fake(c).id)];
  await rejects(a, 'no login');
  assert.is(await b, 1, 'the waiter got the slot and logged in itself');
  await Promise.all([pool.close(), fresh.close()]);
});

test('prime logs in at once and keeps that connection for the first use', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 2);
  await pool.prime();
  assert.is(server.opened.length, 1);
  assert.is(await pool.use(async (c) => fake(c).id), 1);
  assert.is(server.opened.length, 1);
  await pool.close();

  const refused = fakeServer();
  refused.fail.next = 1;
  await rejects(new ConnectionPool(refused.open, 2).prime(), 'no login');
});

test('openAhead logs in together up to the size (counting open and opening ones), without waiting', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 3);
  await pool.prime();
  server.gate.login = deferred();
  pool.openAhead(10);
  pool.openAhead(10);
  await tick();
  assert.is(server.logins.running, 2, 'two more, logging in together; the second call added none');
  server.gate.login.resolve();
  while (server.opened.length < 3) await tick();
  await tick();
  assert.is(server.opened.length, 3);
  const used = new Set<number>();
  await Promise.all(
    [0, 1, 2].map(() =>
      pool.use(async (c) => {
        used.add(fake(c).id);
        await tick();
      }),
    ),
  );
  assert.equal([...used].sort(), [1, 2, 3], 'the work took the connections opened ahead');
  assert.is(server.opened.length, 3, 'no login of its own');
  pool.openAhead(3);
  await tick();
  assert.is(server.logins.running, 0, 'nothing to open when enough are open');
  await pool.close();
});

test('openAhead takes only the free slots: busy callers keep theirs, and a failed login frees its slot', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 2);
  const hold = deferred();
  const busy = pool.use(async () => hold.promise);
  await tick();
  await tick();
  server.fail.next = 1;
  pool.openAhead(5);
  await tick();
  await tick();
  assert.is(server.opened.length, 1, 'one slot was free; its login failed');
  hold.resolve();
  await busy;
  const ids = await Promise.all(
    [0, 1].map(() =>
      pool.use(async (c) => {
        await tick();
        return fake(c).id;
      }),
    ),
  );
  assert.equal(ids.sort(), [1, 2], 'both slots free again');
  await pool.close();
});

test('close logs every connection out, fails the waiters and every later use', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  const hold = deferred();
  const busy = pool.use(async () => hold.promise);
  await tick();
  await tick();
  const waiter = pool.use(async () => 'ran');
  const closing = pool.close();
  await rejects(waiter, 'connection pool is closed');
  hold.resolve();
  await Promise.all([busy, closing]);
  assert.ok(
    server.opened.every((c) => c.closes >= 1),
    'logged out',
  );
  await rejects(
    pool.use(async () => 'ran'),
    'connection pool is closed',
  );
});

test('a login that finishes after close is logged out again, not handed out', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 1);
  server.gate.login = deferred();
  const use = pool.use(async () => 'ran');
  await tick();
  await pool.close();
  server.gate.login.resolve();
  await rejects(use, 'connection pool is closed');
  assert.is(server.opened.length, 1);
  assert.is(server.opened[0]!.closes, 1);
});

test('drop cuts every connection, busy ones too, and later uses fail', async () => {
  const server = fakeServer();
  const pool = new ConnectionPool(server.open, 2);
  const hold = deferred();
  const busy = pool.use(async () => hold.promise);
  await pool.use(async () => tick()); // a second connection, now idle
  assert.is(server.opened.length, 2);
  pool.drop();
  assert.equal(
    server.opened.map((c) => c.drops),
    [1, 1],
  );
  hold.resolve();
  await busy;
  await rejects(
    pool.use(async () => 'ran'),
    'connection pool is closed',
  );
});

test.run();
