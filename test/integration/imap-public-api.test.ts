// The same IMAP layer calls on both wire paths against one Dovecot: mailshift's own wire (imapflow's
// internals) and imapflow's public API (MAILSHIFT_WIRE=imapflow, what a client gets when an imapflow
// lacks a member the wire layer relies on). Every answer must be the same; only the way differs.
import { ImapFlow } from 'imapflow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendMessages } from '../../src/imap/append.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { createFolder, subscribeFolder } from '../../src/imap/create-folder.ts';
import { examineFolder } from '../../src/imap/examine.ts';
import { deleteMessages } from '../../src/imap/expunge.ts';
import { fetchFlags, fetchHeaderDigests, fetchMessages, fetchShownHeaders } from '../../src/imap/fetch-messages.ts';
import { readBodies } from '../../src/imap/read-bodies.ts';
import { selectFolder } from '../../src/imap/select.ts';
import { storeFlags } from '../../src/imap/store-flags.ts';
import { chooseWire, missingMembers, publicApiNotice, usesInternals } from '../../src/imap/wire/internals.ts';
import { responsesFramedHere } from '../../src/imap/wire/stream-takeover.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { fillMailbox, rawMessage, type TestMessage } from '../support/mailbox-builder.ts';
import { openPlainConnection } from '../support/imap-connection.ts';
import type { Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const PATHS = { internals: {}, imapflow: { MAILSHIFT_WIRE: 'imapflow' } } as const;
type Path = keyof typeof PATHS;

const MESSAGES: TestMessage[] = [
  { name: 'a', flags: ['\\Seen', '$Label1'] },
  { name: 'b', withoutMessageId: 'bare', padding: 5000 },
  { name: 'c', flags: ['\\Flagged'], date: new Date('2025-03-04T05:06:07Z') },
];

let server: DovecotServer;

test.before(async () => {
  server = (await dovecotPair()).slash;
});

async function onBothPaths<T>(account: Account, work: (connection: ImapConnection, path: Path) => Promise<T>) {
  const results: Partial<Record<Path, T>> = {};
  for (const path of Object.keys(PATHS) as Path[]) {
    const connection = await openPlainConnection(server, account, PATHS[path]);
    try {
      assert.is(usesInternals(flowOf(connection)), path === 'internals', `${path}: the path chosen`);
      results[path] = await work(connection, path);
      if (path === 'imapflow') assert.is(responsesFramedHere(flowOf(connection)), 0, 'nothing framed by mailshift');
    } finally {
      await connection.close();
    }
  }
  return results as Record<Path, T>;
}

test("this imapflow has every member the wire layer uses; a client lacking one goes the public API's way", () => {
  const flow = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
  assert.equal(missingMembers(flow), [], 'upgrading imapflow? these are what mailshift reaches into');
  assert.is(chooseWire(flow, {}), 'internals');
  const changed = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
  const streamer = (changed as unknown as { streamer: Record<string, unknown> }).streamer;
  streamer['inputQueue'] = undefined;
  assert.equal(missingMembers(changed), ['streamer.inputQueue']);
  assert.is(chooseWire(changed, {}), 'imapflow');
  assert.is(usesInternals(changed), false);
  assert.match(String(publicApiNotice()), /imapflow's public API/);
});

test('reads: snapshots, header digests, shown headers, flags and bodies are the same on both paths', async () => {
  const account = await freshUser(server);
  await fillMailbox(server, account, { INBOX: MESSAGES });
  const read = await onBothPaths(account, async (connection) => {
    const { state } = await examineFolder(connection, 'INBOX');
    const { messages, bare } = await fetchMessages(connection, 'INBOX', ['1:*'], { examined: state });
    return {
      messages,
      digests: [...(await fetchHeaderDigests(connection, 'INBOX', bare)).digests],
      shown: [...(await fetchShownHeaders(connection, 'INBOX', ['1:*']))],
      flags: await fetchFlags(connection, 'INBOX', state),
      bodies: [...(await readBodies(connection, 'INBOX', [1, 2, 3]))].map(([uid, body]) => [uid, body?.toString()]),
    };
  });
  assert.is(read.internals.messages.length, 3);
  assert.is(read.internals.digests.length, 1, 'the bare message has a header digest');
  assert.equal(read.imapflow, read.internals);
  assert.equal(read.imapflow.bodies[1], [2, rawMessage(MESSAGES[1]!).toString()]);
});

test('writes: CREATE, SUBSCRIBE, APPEND, STORE and UID EXPUNGE come to the same on both paths', async () => {
  const written = await onBothPaths(await freshUser(server), async (connection, path) => {
    const folder = `Archive-${path}`;
    const created = [await createFolder(connection, folder), await createFolder(connection, folder)];
    await subscribeFolder(connection, folder);
    const items = MESSAGES.map((message) => ({
      raw: rawMessage(message),
      flags: message.flags ?? [],
      internalDate: message.date ?? new Date('2026-11-01T00:00:00Z'),
    }));
    const appended = await appendMessages(connection, folder, items);
    const uids = appended.results.map((result) => (result && 'uid' in result ? result.uid : null));
    await selectFolder(connection, folder);
    await storeFlags(connection, folder, [
      { uid: uids[0]!, add: ['$Done'], remove: ['\\Seen'] },
      { uid: uids[1]!, add: ['\\Answered'], remove: [] },
    ]);
    const expunged = await deleteMessages(connection, folder, [uids[2]!], true);
    const { state } = await examineFolder(connection, folder);
    const { messages } = await fetchMessages(connection, folder, ['1:*'], { examined: state });
    return {
      created,
      failure: appended.failure,
      expunged,
      left: messages.map(({ uid, flags, internalDate, size }) => ({ uid, flags, internalDate, size })),
    };
  });
  assert.equal(written.internals.created, ['created', 'exists']);
  assert.is(written.internals.failure, null);
  assert.is(written.internals.expunged, 'expunged');
  assert.equal(
    written.internals.left.map((message) => message.flags),
    [['$Done', '$Label1'], ['\\Answered']],
  );
  assert.equal(written.imapflow, written.internals);
});

test.run();
