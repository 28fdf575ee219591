import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  appendMessages as appendRun,
  supportsMultiappend,
  type AppendItem,
  type AppendResult,
} from '../../src/imap/append.ts';
import { appendCommand, expandUidSet } from '../../src/imap/append-command.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { createFolder } from '../../src/imap/create-folder.ts';
import { hasCapability } from '../../src/imap/fetch-identities.ts';
import { selectFolder } from '../../src/imap/select.ts';
import { storeFlags } from '../../src/imap/store-flags.ts';
import { recordCommands } from '../support/command-spy.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { rawMessage } from '../support/mailbox-builder.ts';
import { plainClient, uidValidityOf, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { openPlainConnection } from '../support/imap-connection.ts';

const connect = openPlainConnection;

/** appendMessages' results, its failure thrown: for the cases where no message is left without a result. */
async function appendMessages(
  connection: ImapConnection,
  folder: string,
  items: readonly AppendItem[],
): Promise<AppendResult[]> {
  const run = await appendRun(connection, folder, items);
  if (run.failure !== null) throw run.failure;
  return run.results as AppendResult[];
}

/** A connection to a fresh, empty account, and the account. */
async function target(server: DovecotServer): Promise<{ account: Account; connection: ImapConnection }> {
  const account = await freshUser(server);
  return { account, connection: await connect(server, account) };
}

interface Stored {
  uid: number;
  flags: string[];
  internalDate: string;
  sha256: string;
}

/** The folder as another client reads it, in UID order (\Recent left out). */
async function storedIn(server: DovecotServer, account: Account, folder: string): Promise<Stored[]> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const stored: Stored[] = [];
    for await (const row of client.fetch(
      '1:*',
      { uid: true, flags: true, internalDate: true, source: true },
      { uid: true },
    )) {
      stored.push({
        uid: row.uid,
        flags: [...(row.flags ?? [])].filter((flag) => flag !== '\\Recent').sort(),
        internalDate: new Date(row.internalDate ?? 0).toISOString(),
        sha256: sha256(row.source!),
      });
    }
    return stored;
  } finally {
    await client.logout();
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What an item should look like once stored with UID `uid`. */
function expected(item: AppendItem, uid: number): Stored {
  return {
    uid,
    flags: [...item.flags].filter((flag) => flag !== '\\Recent').sort(),
    internalDate: item.internalDate.toISOString(),
    sha256: sha256(item.raw),
  };
}

/** The literal size markers ({n} or {n+}) this client writes while `fn` runs. */
async function literalMarkers<T>(
  connection: ImapConnection,
  fn: () => Promise<T>,
): Promise<{ result: T; markers: string[] }> {
  const flow = flowOf(connection) as unknown as { write: (chunk: Buffer) => unknown };
  const write = flow.write;
  const markers: string[] = [];
  flow.write = function (this: unknown, chunk: Buffer) {
    // Command text only: the test messages hold no braces.
    markers.push(...(chunk.toString('latin1').match(/~?\{\d+\+?\}\r\n/g) ?? []).map((marker) => marker.trim()));
    return write.call(this, chunk);
  };
  try {
    return { result: await fn(), markers };
  } finally {
    flow.write = write;
  }
}

/** The APPEND commands sent while `fn` runs, as their message counts. */
async function countAppends<T>(fn: () => Promise<T>): Promise<{ result: T; appends: number[] }> {
  const { result, sent } = await recordCommands(fn);
  // APPEND <folder> then (flags) "date" literal per message.
  return {
    result,
    appends: sent
      .filter((command) => command.command === 'APPEND')
      .map((command) => ((command.attributes as unknown[]).length - 1) / 3),
  };
}

function item(name: string, flags: string[] = [], seconds = 0, padding = 0): AppendItem {
  return { raw: rawMessage({ name, padding }), flags, internalDate: new Date(Date.UTC(2025, 0, 15, 8, 30, seconds)) };
}

const uidsOf = (results: AppendResult[]) => results.map((result) => ('uid' in result ? result.uid : result.error));
const LONG_KEYWORD = `Keyword-${'x'.repeat(60)}`; // Dovecot's mail_max_keyword_length is 50

test('one MULTIAPPEND stores a batch: UIDs in order, flags, keywords, INTERNALDATE and bytes exact', async () => {
  const { dot } = await dovecotPair();
  const { account, connection } = await target(dot);
  const folder = 'INBOX.Archive';
  try {
    assert.ok(
      supportsMultiappend(connection) && hasCapability(connection, 'literal+') && hasCapability(connection, 'UIDPLUS'),
    );
    await createFolder(connection, folder);
    const items = [
      item('plain'),
      item('seen', ['\\Seen'], 1),
      // Over 4096 bytes: imapflow waits for the server's "+" before sending this literal.
      item('large', ['\\Answered', '\\Flagged', '$Forwarded'], 2, 200_000),
      item('keywords', ['Project-X', '$Junk', '\\Seen'], 3, 5000),
      item('draft', ['\\Draft', '\\Deleted'], 59),
      {
        raw: Buffer.from('Subject: no headers to speak of\r\n\r\nä ö ü in 8 bit\r\n'),
        flags: ['$label1'],
        internalDate: new Date('1999-12-31T23:59:58.000Z'),
      },
    ];
    const {
      result: { result, appends },
      markers,
    } = await literalMarkers(connection, () => countAppends(() => appendMessages(connection, folder, items)));
    assert.equal(appends, [6], 'one APPEND command for the six');
    assert.equal(
      markers,
      items.map((it) => `{${it.raw.length}+}`),
      'LITERAL+: no literal waits for the server',
    );
    assert.equal(uidsOf(result), [1, 2, 3, 4, 5, 6]);
    const uidValidity = await uidValidityOf(dot, account, folder);
    assert.equal(
      result.map((r) => ('uidValidity' in r ? r.uidValidity : null)),
      items.map(() => uidValidity),
      'each UID with the UIDVALIDITY APPENDUID named',
    );
    assert.equal(
      await storedIn(dot, account, folder),
      items.map((it, i) => expected(it, i + 1)),
    );

    const more = await appendMessages(connection, folder, [item('later'), item('later too')]);
    assert.equal(uidsOf(more), [7, 8], 'UIDs go on from APPENDUID, not guessed');

    // NUL bytes go as a literal8 (BINARY); Dovecot keeps them (BODY[] shows each as 0x80).
    const nul = {
      raw: Buffer.from('Subject: nul\r\n\r\nab\0cd\r\n'),
      flags: [],
      internalDate: new Date('2025-01-15T08:30:00Z'),
    };
    const binary = await literalMarkers(connection, () => appendMessages(connection, folder, [nul, item('after')]));
    assert.equal(binary.markers, [`~{${nul.raw.length}+}`, `{${item('after').raw.length}+}`]);
    assert.equal(uidsOf(binary.result), [9, 10]);
    assert.equal((await storedIn(dot, account, folder)).slice(-1), [expected(item('after'), 10)]);
  } finally {
    await connection.close();
  }
});

test('appending to the folder selected on the same connection, then storing flags on the new UIDs', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    await appendMessages(connection, 'INBOX', [item('before')]);
    const selected = await selectFolder(connection, 'INBOX');
    assert.is(selected.messages, 1);
    const results = await appendMessages(connection, 'INBOX', [item('one'), item('two', ['\\Seen'])]);
    assert.equal(uidsOf(results), [2, 3]);
    await storeFlags(connection, 'INBOX', [
      { uid: 2, add: ['$Forwarded'], remove: [] },
      { uid: 3, add: [], remove: ['\\Seen'] },
    ]);
    assert.equal(
      (await storedIn(slash, account, 'INBOX')).map((stored) => stored.flags),
      [[], ['$Forwarded'], []],
    );
  } finally {
    await connection.close();
  }
});

test('batches are bounded by 100 messages and by 8 MB: one APPEND command per batch', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    const small = Array.from({ length: 230 }, (_, i) => item(`small ${i}`, i % 2 ? ['\\Seen'] : [], i % 60));
    const counted = await countAppends(() => appendMessages(connection, 'INBOX', small));
    assert.equal(counted.appends, [100, 100, 30]);
    assert.equal(
      uidsOf(counted.result),
      Array.from({ length: 230 }, (_, i) => i + 1),
    );

    const large = Array.from({ length: 3 }, (_, i) => item(`large ${i}`, [], i, 3 * 1024 * 1024));
    const bounded = await countAppends(() => appendMessages(connection, 'INBOX', large));
    assert.equal(bounded.appends, [2, 1], '6 MB fit in a batch, 9 MB do not');
    assert.equal(uidsOf(bounded.result), [231, 232, 233]);
    const stored = await storedIn(slash, account, 'INBOX');
    assert.equal(
      stored,
      [...small, ...large].map((it, i) => expected(it, i + 1)),
    );
  } finally {
    await connection.close();
  }
});

test('a message the server refuses fails alone: the batch is retried message by message', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    const items = [
      item('first', ['\\Seen']),
      item('keyword too long', [LONG_KEYWORD], 1, 10_000),
      item('large after the refused one', ['$Forwarded'], 2, 50_000),
      { raw: Buffer.alloc(0), flags: [], internalDate: new Date('2025-01-15T08:30:03Z') },
      item('last', [], 4),
    ];
    const { result, appends } = await countAppends(() => appendMessages(connection, 'INBOX', items));
    assert.equal(appends, [5, 1, 1, 1, 1, 1], 'the refused batch, then each message on its own');
    const uidValidity = await uidValidityOf(slash, account, 'INBOX');
    assert.equal(result, [
      { uid: 1, uidValidity },
      { error: 'CANNOT Keyword length too long' },
      { uid: 2, uidValidity },
      { error: "Can't save a zero byte message" },
      { uid: 3, uidValidity },
    ]);
    assert.equal(
      await storedIn(slash, account, 'INBOX'),
      [expected(items[0]!, 1), expected(items[2]!, 2), expected(items[4]!, 3)],
      'nothing of the refused batch was stored',
    );
    assert.equal(
      uidsOf(await appendMessages(connection, 'INBOX', [item('afterwards')])),
      [4],
      'the connection is in step',
    );
  } finally {
    await connection.close();
  }
});

test('flags no server can store are refused without sending them; \\Recent is dropped', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    // Dovecot answers an unknown system flag with BAD and then reads the rest of the command
    // (message text included) as commands: such a message must never reach the wire.
    const items = [
      item('bogus', ['\\Bogus']),
      item('recent', ['\\Recent', '\\Seen']),
      item('space', ['two words']),
      item('fine'),
    ];
    const { result, appends } = await countAppends(() => appendMessages(connection, 'INBOX', items));
    assert.equal(appends, [2]);
    assert.equal(uidsOf(result), [
      'flag "\\\\Bogus" cannot be stored over IMAP (not a system flag, or not a valid keyword)',
      1,
      'flag "two words" cannot be stored over IMAP (not a system flag, or not a valid keyword)',
      2,
    ]);
    assert.equal(await storedIn(slash, account, 'INBOX'), [expected(items[1]!, 1), expected(items[3]!, 2)]);
  } finally {
    await connection.close();
  }
});

test('without MULTIAPPEND or LITERAL+: one APPEND per message, each answer awaited, same results', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    flowOf(connection).capabilities.delete('MULTIAPPEND'); // as on a server without it
    flowOf(connection).capabilities.delete('LITERAL+'); // (with it, the APPENDs are pipelined: imap-append-pipeline.test.ts)
    assert.is(supportsMultiappend(connection), false);
    const items = [
      item('one', ['\\Seen', 'Project-X']),
      item('two', [LONG_KEYWORD], 1),
      item('three', ['\\Flagged'], 2, 30_000),
    ];
    const { result, appends } = await countAppends(() => appendMessages(connection, 'INBOX', items));
    assert.equal(appends, [1, 1, 1]);
    assert.equal(uidsOf(result), [1, 'CANNOT Keyword length too long', 2]);
    assert.equal(await storedIn(slash, account, 'INBOX'), [expected(items[0]!, 1), expected(items[2]!, 2)]);
  } finally {
    await connection.close();
  }
});

test('without LITERAL+: the same MULTIAPPEND, each literal waiting for the server\'s "+"', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await target(slash);
  try {
    flowOf(connection).capabilities.delete('LITERAL+'); // as on a server without it
    const items = [
      item('one', ['\\Seen']),
      item('two', [LONG_KEYWORD], 1),
      item('three', [], 2, 30_000),
      item('four', ['$Forwarded'], 3),
    ];
    const {
      result: { result, appends },
      markers,
    } = await literalMarkers(connection, () => countAppends(() => appendMessages(connection, 'INBOX', items)));
    assert.equal(appends, [4, 1, 1, 1, 1]);
    assert.ok(markers.length > 0 && markers.every((marker) => !marker.includes('+')), markers.join(' '));
    assert.equal(uidsOf(result), [1, 'CANNOT Keyword length too long', 2, 3]);
    assert.equal(await storedIn(slash, account, 'INBOX'), [
      expected(items[0]!, 1),
      expected(items[2]!, 2),
      expected(items[3]!, 3),
    ]);
  } finally {
    await connection.close();
  }
});

test('a missing folder fails the call, naming the folder, rather than every message', async () => {
  const { slash } = await dovecotPair();
  const { connection } = await target(slash);
  try {
    const failed = await appendMessages(connection, 'Nowhere', [item('a'), item('b')]).then(
      () => null,
      (error: unknown) => error,
    );
    assert.is((failed as { code?: string }).code, 'IMAP_ERROR');
    assert.match(String((failed as Error).message), /APPEND failed .*folder "Nowhere".*TRYCREATE/);
  } finally {
    await connection.close();
  }
});

test('a BAD closes the connection (the server may be reading message text as commands); a drop is CONNECTION_LOST', async () => {
  const { slash } = await dovecotPair();
  const { connection } = await target(slash);
  try {
    // appendCommand trusts its caller's flags; appendMessages never hands it one like this.
    const bad = await appendCommand(connection, 'INBOX', [{ ...item('a'), flags: ['\\Bogus'] }]);
    assert.ok('refused' in bad && bad.closed, 'refused, and the connection closed for it');
    assert.is(bad.closed!.code, 'IMAP_ERROR');
    assert.match(bad.closed!.message, /rejected as malformed: Error in IMAP command APPEND: Invalid system flag/);
    assert.is(connection.usable, false, 'closed');
    const lost = await appendMessages(connection, 'INBOX', [item('b')]).then(
      () => null,
      (error: unknown) => error,
    );
    assert.is((lost as { code?: string }).code, 'CONNECTION_LOST');
  } finally {
    await connection.close();
  }
});

test('APPENDUID sets expand in the order written', () => {
  assert.equal(expandUidSet('4:6,9'), [4, 5, 6, 9]);
  assert.equal(expandUidSet('12'), [12]);
  assert.equal(expandUidSet('8:6'), [8, 7, 6]);
  assert.equal(expandUidSet('1:x'), []);
  assert.equal(expandUidSet('0:3'), []);
  assert.equal(expandUidSet('1:4294967295'), [], 'not a list to build');
});

test.run();
