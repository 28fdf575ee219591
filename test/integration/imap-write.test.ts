import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../src/errors.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { createFolder, deleteFolder, subscribeFolder } from '../../src/imap/create-folder.ts';
import { examineFolder } from '../../src/imap/examine.ts';
import { folderExists } from '../../src/imap/wire/exec.ts';
import { deleteMessages } from '../../src/imap/expunge.ts';
import { fetchIdentities, hasCapability } from '../../src/imap/fetch-identities.ts';
import { readBodies } from '../../src/imap/read-bodies.ts';
import { readFolder } from '../../src/imap/read-folder.ts';
import { selectFolder } from '../../src/imap/select.ts';
import { storeFlags } from '../../src/imap/store-flags.ts';
import { responsesFramedHere } from '../../src/imap/wire/stream-takeover.ts';
import { recordCommands } from '../support/command-spy.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { findBinary } from '../support/dovecot-install.ts';
import { fillMailbox, rawMessage, type TestMessage } from '../support/mailbox-builder.ts';
import { plainClient, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { openPlainConnection } from '../support/imap-connection.ts';

const connect = openPlainConnection;

/** A fresh account on the server, filled with `content`, and a connection to it. */
async function mailbox(
  server: DovecotServer,
  content: Record<string, TestMessage[]>,
): Promise<{ account: Account; connection: ImapConnection }> {
  const account = await freshUser(server);
  await fillMailbox(server, account, content);
  return { account, connection: await connect(server, account) };
}

/** What another client sees: UID → flags (sorted, \Recent left out). */
async function flagsOn(server: DovecotServer, account: Account, folder: string): Promise<Record<number, string[]>> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const flags: Record<number, string[]> = {};
    for await (const row of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) {
      flags[row.uid] = [...(row.flags ?? [])].filter((flag) => flag !== '\\Recent').sort();
    }
    return flags;
  } finally {
    await client.logout();
  }
}

async function listed(server: DovecotServer, account: Account): Promise<Map<string, boolean>> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    return new Map((await client.list()).map((entry) => [entry.path, entry.subscribed === true]));
  } finally {
    await client.logout();
  }
}

/** The commands sent while `fn` runs, by name. */
async function commandsOf<T>(fn: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const { result, sent } = await recordCommands(fn);
  return { result, commands: sent.map((command) => command.command) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MailshiftError) return error.code;
    throw error;
  }
  return assert.unreachable('expected a MailshiftError') as never;
}

const named = (count: number, extra: (i: number) => Partial<TestMessage> = () => ({})) =>
  Array.from({ length: count }, (_, i): TestMessage => ({ name: `m${i + 1}`, ...extra(i + 1) }));

for (const layout of ['slash', 'dot'] as const) {
  test(`createFolder, subscribeFolder, deleteFolder are idempotent (${layout} layout)`, async () => {
    const server = (await dovecotPair())[layout];
    const account = await freshUser(server);
    const connection = await connect(server, account);
    try {
      const d = server.delimiter;
      // A space, an ampersand and a non-ASCII letter: modified UTF-7 on the wire.
      const folders = [
        `${server.prefix}Projects`,
        `${server.prefix}Projects${d}2026 Q1`,
        `${server.prefix}Entwürfe & Co`,
      ];
      for (const folder of folders) assert.is(await createFolder(connection, folder), 'created', folder);
      for (const folder of folders) assert.is(await createFolder(connection, folder), 'exists', folder);
      await subscribeFolder(connection, folders[2]!);
      await subscribeFolder(connection, folders[2]!);
      let seen = await listed(server, account);
      for (const folder of folders) assert.ok(seen.has(folder), `${folder} is listed`);
      assert.is(seen.get(folders[0]!), false, 'CREATE alone does not subscribe');
      assert.is(seen.get(folders[2]!), true, 'subscribed');

      await selectFolder(connection, folders[1]!); // deleting the open folder leaves it first
      assert.is(await deleteFolder(connection, folders[1]!), 'deleted');
      assert.is(await deleteFolder(connection, folders[1]!), 'missing');
      assert.is(await deleteFolder(connection, folders[2]!), 'deleted');
      seen = await listed(server, account);
      assert.ok(seen.has(folders[0]!) && !seen.has(folders[1]!) && !seen.has(folders[2]!), [...seen.keys()].join(', '));
      assert.is(await codeOf(deleteFolder(connection, 'INBOX')), 'IMAP_ERROR', 'the server keeps INBOX, and says so');
      // What a bare NO is checked against: LIST "" <name>, exactly that name.
      assert.is(await folderExists(flowOf(connection), 'INBOX'), true);
      assert.is(await folderExists(flowOf(connection), folders[0]!), true);
      assert.is(await folderExists(flowOf(connection), folders[1]!), false);
      assert.is(
        await folderExists(flowOf(connection), `${server.prefix}Proj%`),
        false,
        'a pattern matches only itself',
      );
    } finally {
      await connection.close();
    }
  });
}

test('selectFolder opens read-write and reports the folder state', async () => {
  const { slash } = await dovecotPair();
  const { connection } = await mailbox(slash, { INBOX: named(3) });
  try {
    const state = await selectFolder(connection, 'INBOX');
    assert.is(state.messages, 3);
    assert.is(state.uidNext, 4);
    assert.ok(state.uidValidity > 0 && state.highestModseq! > 0);
    assert.ok(
      state.permanentFlags?.includes('\\*') && state.permanentFlags.includes('\\Deleted'),
      String(state.permanentFlags),
    );
    assert.is(await codeOf(selectFolder(connection, 'No such folder')), 'IMAP_ERROR');
  } finally {
    await connection.close();
  }
});

test('opening a folder is one command: EXAMINE or SELECT, no LIST or LSUB before it, subscribed or not', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await mailbox(slash, { Work: named(3), Hidden: named(2) });
  const other = plainClient(slash, account);
  await other.connect();
  await other.mailboxUnsubscribe('Hidden'); // imapflow asked LSUB about a folder LIST called unsubscribed
  await other.logout();
  const pooled = await connect(slash, account);
  try {
    const { result: examined, commands: examining } = await commandsOf(() => examineFolder(connection, 'Hidden'));
    assert.equal(examining, ['EXAMINE']);
    assert.is(examined.state.messages, 2);
    const { result: selected, commands: selecting } = await commandsOf(() => selectFolder(connection, 'Work'));
    assert.equal(selecting, ['SELECT']);
    assert.is(selected.messages, 3);
    // A message command opening its folder on a connection that never listed it.
    const { result: identities, commands: fetching } = await commandsOf(() => fetchIdentities(pooled, 'Hidden', '1:*'));
    assert.equal(fetching, ['EXAMINE', 'UID FETCH']);
    assert.equal(
      identities.map((m) => m.uid),
      [1, 2],
    );
    // A folder that is not there still fails as one.
    assert.is(await codeOf(examineFolder(pooled, 'No such folder')), 'IMAP_ERROR');
  } finally {
    await Promise.all([connection.close(), pooled.close()]);
  }
});

test('message commands open their folder on any connection, but not one recreated since it was checked', async () => {
  const { slash } = await dovecotPair();
  const { account, connection: checking } = await mailbox(slash, { Work: named(3) });
  const pooled = await connect(slash, account);
  try {
    await examineFolder(checking, 'Work');
    // Nothing is open on this one: each command opens Work as it needs it (EXAMINE, then SELECT).
    assert.equal(
      (await fetchIdentities(pooled, 'Work', '1:*')).map((m) => m.uid),
      [1, 2, 3],
    );
    assert.is((flowOf(pooled).mailbox || undefined)?.readOnly, true);
    await storeFlags(pooled, 'Work', [{ uid: 1, add: ['\\Flagged'], remove: [] }]);
    assert.is((flowOf(pooled).mailbox || undefined)?.readOnly, false);
    assert.equal(await flagsOn(slash, account, 'Work'), { 1: ['\\Flagged'], 2: [], 3: [] });

    // Another client deletes and recreates Work: UID 1 is another message now.
    const other = plainClient(slash, account);
    await other.connect();
    await other.mailboxDelete('Work');
    await other.mailboxCreate('Work');
    await other.append('Work', rawMessage({ name: 'newcomer' }));
    await other.logout();
    const fresh = await connect(slash, account);
    try {
      assert.is(await codeOf(deleteMessages(fresh, 'Work', [1], true)), 'PLAN_STALE');
      // Where the old Work is still selected, Dovecot refuses ("Mailbox was deleted under us") and hangs
      // up; which of the two the client hears first varies.
      const onOld = await codeOf(storeFlags(pooled, 'Work', [{ uid: 1, add: ['\\Seen'], remove: [] }]));
      assert.ok(onOld === 'IMAP_ERROR' || onOld === 'CONNECTION_LOST', onOld);
      assert.equal(await flagsOn(slash, account, 'Work'), { 1: [] }, 'nothing was changed');
      await selectFolder(checking, 'Work'); // the caller checks the new UIDVALIDITY
      await storeFlags(fresh, 'Work', [{ uid: 1, add: ['\\Seen'], remove: [] }]);
      assert.equal(await flagsOn(slash, account, 'Work'), { 1: ['\\Seen'] });
      assert.is(await deleteMessages(fresh, 'Work', [1], true), 'expunged');
    } finally {
      await fresh.close();
    }
  } finally {
    await Promise.all([checking.close(), pooled.close()]);
  }
});

test('readBodies: byte-identical bodies, one UID FETCH per 100, \\Seen untouched, vanished UIDs absent', async () => {
  const { slash } = await dovecotPair();
  const messages = named(130, (i) => ({ padding: i * 37, ...(i % 3 === 0 ? { flags: ['\\Seen'] } : {}) }));
  const { account, connection } = await mailbox(slash, { INBOX: messages });
  try {
    const before = await flagsOn(slash, account, 'INBOX');
    await examineFolder(connection, 'INBOX');
    // Expunged by another session after the EXAMINE: the server leaves it out.
    const other = plainClient(slash, account);
    await other.connect();
    await other.mailboxOpen('INBOX');
    await other.messageDelete('7', { uid: true });
    await other.logout();

    const uids = [...Array.from({ length: 130 }, (_, i) => 130 - i), 500];
    const { result: read, commands } = await commandsOf(async () => {
      const bodies = await readBodies(connection, 'INBOX', uids);
      return [...bodies].map(([uid, raw]) => ({ uid, raw }));
    });
    assert.equal(
      commands,
      ['UID FETCH', 'UID FETCH', 'UID SEARCH'],
      'one UID FETCH per batch of 100, then one UID SEARCH: are the unanswered 7 and 500 gone?',
    );
    assert.equal(
      read.map((m) => m.uid),
      Array.from({ length: 130 }, (_, i) => i + 1).filter((uid) => uid !== 7),
      'in UID order, 7 and 500 absent',
    );
    for (const { uid, raw } of read) assert.ok(raw!.equals(rawMessage(messages[uid - 1]!)), `body of UID ${uid}`);
    assert.ok(
      responsesFramedHere(flowOf(connection)) >= 129,
      'the answers were framed by the takeover, not by imapflow',
    );
    const after = await flagsOn(slash, account, 'INBOX');
    delete before[7];
    assert.equal(after, before, 'no flag changed');
  } finally {
    await connection.close();
  }
});

test('storeFlags: adds and removes flags and keywords, one UID STORE per distinct change', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await mailbox(slash, { INBOX: named(5, () => ({ flags: ['\\Seen'] })) });
  try {
    await selectFolder(connection, 'INBOX');
    const { commands } = await commandsOf(() =>
      storeFlags(connection, 'INBOX', [
        { uid: 1, add: ['\\Flagged', 'Project-X'], remove: [] },
        { uid: 3, add: ['Project-X', '\\flagged'], remove: [] }, // the same change: one command for both
        { uid: 2, add: [], remove: ['\\Seen'] },
        { uid: 4, add: ['$Forwarded', '\\Recent'], remove: ['\\Seen'] },
        { uid: 5, add: [], remove: [] },
        { uid: 99, add: ['\\Answered'], remove: [] }, // gone: the server skips it
      ]),
    );
    assert.equal(commands, ['UID STORE', 'UID STORE', 'UID STORE', 'UID STORE', 'UID STORE']);
    assert.equal(await flagsOn(slash, account, 'INBOX'), {
      1: ['Project-X', '\\Flagged', '\\Seen'],
      2: [],
      3: ['Project-X', '\\Flagged', '\\Seen'],
      4: ['$Forwarded'],
      5: ['\\Seen'],
    });
    assert.is(
      await codeOf(storeFlags(connection, 'INBOX', [{ uid: 1, add: ['two words'], remove: [] }])),
      'IMAP_ERROR',
      'not a keyword',
    );
  } finally {
    await connection.close();
  }
});

test('deleteMessages removes exactly the given UIDs (UID EXPUNGE), never another \\Deleted message', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await mailbox(slash, {
    INBOX: named(6, (i) => (i === 2 ? { flags: ['\\Deleted'] } : {})),
  });
  try {
    await selectFolder(connection, 'INBOX');
    const { result, commands } = await commandsOf(() => deleteMessages(connection, 'INBOX', [4, 1, 77], true));
    assert.is(result, 'expunged');
    assert.equal(commands, ['UID STORE', 'UID EXPUNGE']);
    assert.equal(await flagsOn(slash, account, 'INBOX'), { 2: ['\\Deleted'], 3: [], 5: [], 6: [] });

    assert.is(await deleteMessages(connection, 'INBOX', [3], false), 'flagged-only');
    flowOf(connection).capabilities.delete('UIDPLUS'); // as on a server without UIDPLUS
    assert.is(hasCapability(connection, 'uidplus'), false);
    const without = await commandsOf(() => deleteMessages(connection, 'INBOX', [5], true));
    assert.is(without.result, 'flagged-only');
    assert.equal(without.commands, ['UID STORE'], 'no EXPUNGE of any kind');
    assert.equal(await flagsOn(slash, account, 'INBOX'), {
      2: ['\\Deleted'],
      3: ['\\Deleted'],
      5: ['\\Deleted'],
      6: [],
    });
  } finally {
    await connection.close();
  }
});

test('a flag another session sets meanwhile: its unasked FETCH is no message of the answer', async () => {
  const { slash } = await dovecotPair();
  const { account, connection } = await mailbox(slash, { INBOX: named(4, () => ({})) });
  try {
    await examineFolder(connection, 'INBOX');
    const other = plainClient(slash, account);
    await other.connect();
    await other.mailboxOpen('INBOX');
    await other.messageFlagsAdd('4', ['\\Flagged'], { uid: true });
    await other.logout();
    // The server tells this session about message 4 with its answer: "* 4 FETCH (FLAGS (\Flagged))"
    // (no UID from Dovecot; test/unit/imap/uid-fetch.test.ts has the kind that carries one).
    const messages = await fetchIdentities(connection, 'INBOX', '1:2');
    assert.equal(
      messages.map((m) => m.uid),
      [1, 2],
    );
    const bodies = await readBodies(connection, 'INBOX', [1, 2]);
    assert.equal([...bodies.keys()], [1, 2]);
    const all = await fetchIdentities(connection, 'INBOX', '1:*');
    assert.equal(
      all.map((m) => [m.uid, m.flags]),
      [
        [1, []],
        [2, []],
        [3, []],
        [4, ['\\Flagged']],
      ],
    );
    assert.ok(
      all.every((m) => m.size > 0 && m.identity !== ''),
      'every row whole',
    );
  } finally {
    await connection.close();
  }
});

test('fetchIdentities describes messages as the snapshot reader does, only inside the UID range', async () => {
  const { dot } = await dovecotPair();
  const folder = 'INBOX.Archive';
  const { connection } = await mailbox(dot, {
    [folder]: [
      { name: 'a', flags: ['\\Seen'] },
      { name: 'b', withoutMessageId: true },
      { name: 'c', withoutMessageId: 'bare' },
      { name: 'd', flags: ['$Forwarded'] },
    ],
  });
  try {
    const listing = { name: folder, delimiter: '.', specialUse: null, subscribed: true, selectable: true, state: null };
    const snapshot = await readFolder(connection, listing, null);
    assert.is(snapshot.messages.length, 4);
    assert.equal(await fetchIdentities(connection, folder, '1:*'), snapshot.messages);
    assert.equal(
      await fetchIdentities(connection, folder, '3,2'),
      snapshot.messages.slice(1, 3),
      'the bare one gets its header digest',
    );
    assert.equal(await fetchIdentities(connection, folder, '*'), snapshot.messages.slice(3));
    assert.equal(
      await fetchIdentities(connection, folder, '5:*'),
      [],
      'not the last message, as the server would answer',
    );
    await selectFolder(connection, folder);
    assert.equal(
      await fetchIdentities(connection, folder, '2:3'),
      snapshot.messages.slice(1, 3),
      'on a selected folder too',
    );
    assert.is(await codeOf(fetchIdentities(connection, folder, '1:x')), 'INTERNAL');
  } finally {
    await connection.close();
  }
});

test('a connection the server drops fails reads and writes with CONNECTION_LOST', async () => {
  const { slash } = await dovecotPair();
  // Bodies larger than the socket buffers, so the FETCH is still running when the server hangs up.
  const { account, connection } = await mailbox(slash, { INBOX: named(30, () => ({ padding: 400_000 })) });
  const kick = () =>
    execFileSync(findBinary('doveadm') ?? 'doveadm', ['-c', `${slash.dir}/dovecot.conf`, 'kick', account.user], {
      stdio: 'ignore',
    });
  try {
    await examineFolder(connection, 'INBOX');
    // Kicked as the first bytes of the answer arrive: the rest of the FETCH never comes.
    const socket = (flowOf(connection) as unknown as { socket: NodeJS.EventEmitter }).socket;
    const reading = readBodies(
      connection,
      'INBOX',
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    socket.once('data', kick);
    assert.is(await codeOf(reading), 'CONNECTION_LOST');
    assert.is(connection.usable, false);
    assert.is(
      await codeOf(storeFlags(connection, 'INBOX', [{ uid: 1, add: ['\\Seen'], remove: [] }])),
      'CONNECTION_LOST',
    );
    assert.is(await codeOf(createFolder(connection, 'Later')), 'CONNECTION_LOST');
    assert.is(await codeOf(deleteFolder(connection, 'Later')), 'CONNECTION_LOST');
    assert.is(await codeOf(selectFolder(connection, 'INBOX')), 'CONNECTION_LOST');
  } finally {
    await connection.close();
  }
});

test.run();
