import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFolders, readListing, openAccountSession, type AccountSession } from '../../src/imap/read-account.ts';
import type { AccountSettings, EndpointSettings } from '../../src/manifest/settings.ts';
import {
  hasIdentityHeaders,
  headerDigestIdentity,
  identityOf,
  parseIdentityHeaders,
  addedMessageIdFor,
} from '../../src/plan/identity.ts';
import type { FolderListing, FolderSnapshot, MessageSnapshot } from '../../src/plan/snapshot.ts';
import { recordCommands } from '../support/command-spy.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { deliver } from '../support/deliver.ts';
import {
  generateFolders,
  generateMessages,
  type GeneratedMessage,
  type MailboxSpec,
} from '../support/mailbox-generator.ts';
import { plainClient, resolveFolders, seedMailbox, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

function endpoint(server: DovecotServer, user: string, env: string): EndpointSettings {
  return {
    host: server.host,
    port: server.ports.plain,
    tls: 'none',
    tlsVerify: true,
    allowPlaintext: true,
    user,
    credential: { mechanism: 'PLAIN', password: { env } },
    connections: 3,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 30,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  };
}

async function session(source: [DovecotServer, Account], target: [DovecotServer, Account]): Promise<AccountSession> {
  const account: AccountSettings = {
    id: 'alice',
    description: null,
    source: endpoint(source[0], source[1].user, 'SOURCE_PW'),
    target: endpoint(target[0], target[1].user, 'TARGET_PW'),
  };
  return openAccountSession(account, {
    manifestDir: tmpdir(),
    env: { SOURCE_PW: source[1].password, TARGET_PW: target[1].password },
  });
}

/** The generated messages by server folder name, in append (= UID) order. */
async function expectedMailbox(
  server: DovecotServer,
  account: Account,
  spec: MailboxSpec,
): Promise<Map<string, GeneratedMessage[]>> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const paths = await resolveFolders(client, server, generateFolders(spec));
    const byFolder = new Map<string, GeneratedMessage[]>([...paths.values()].map((path) => [path, []]));
    for (const message of generateMessages(spec)) byFolder.get(paths.get(message.folder.join('\0'))!)!.push(message);
    return byFolder;
  } finally {
    await client.logout();
  }
}

function headerOf(raw: Buffer): Buffer {
  return raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
}

/** The commands sent while `fn` runs, with their arguments as JSON. */
async function commandsOf<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; commands: Array<{ command: string; args: string }> }> {
  const { result, sent } = await recordCommands(fn);
  return {
    result,
    commands: sent.map(({ command, attributes }) => ({ command, args: JSON.stringify(attributes ?? null) })),
  };
}

/** Neither Message-ID nor Received: identified by a digest of the whole header. */
function isBare(message: MessageSnapshot): boolean {
  return (
    message.addedMessageId !== undefined &&
    message.addedMessageId.identity === identityOf({ messageId: message.addedMessageId.messageId, received: [] })
  );
}

async function unsubscribe(server: DovecotServer, account: Account, folder: string): Promise<void> {
  const client = plainClient(server, account);
  await client.connect();
  await client.mailboxUnsubscribe(folder);
  await client.logout();
}

const slashSpec: MailboxSpec = { seed: 21, messages: 60, otherDelimiter: '.' };
const dotSpec: MailboxSpec = { seed: 22, messages: 60, otherDelimiter: '/' };

const seeded = (async () => {
  const { slash, dot } = await dovecotPair();
  const [slashUser, dotUser] = await Promise.all([freshUser(slash), freshUser(dot)]);
  await Promise.all([seedMailbox(slash, slashUser, slashSpec), seedMailbox(dot, dotUser, dotSpec)]);
  await unsubscribe(slash, slashUser, 'Empty');
  return {
    slash,
    dot,
    slashUser,
    dotUser,
    slashExpected: await expectedMailbox(slash, slashUser, slashSpec),
    dotExpected: await expectedMailbox(dot, dotUser, dotSpec),
  };
})();

function checkListing(
  folders: FolderListing[],
  expected: Map<string, GeneratedMessage[]>,
  specialUse: Record<string, string>,
  delimiter: string,
): void {
  assert.equal(
    folders.map((f) => f.name),
    [...expected.keys()].sort(),
    'every folder, sorted by name',
  );
  for (const folder of folders) {
    assert.is(folder.delimiter, delimiter);
    assert.type(folder.subscribed, 'boolean');
    assert.is(folder.specialUse, specialUse[folder.name] ?? null, `special-use of ${folder.name}`);
    assert.ok(folder.selectable && folder.state, folder.name);
    assert.is(folder.state!.messages, expected.get(folder.name)!.length, `STATUS MESSAGES of ${folder.name}`);
    assert.ok(
      folder.state!.uidNext > folder.state!.messages &&
        folder.state!.uidValidity > 0 &&
        folder.state!.highestModseq! > 0,
      folder.name,
    );
  }
}

test("readListing: both sides' server, namespace and folders; special-use only as the server says", async () => {
  const { slash, dot, slashUser, dotUser, slashExpected, dotExpected } = await seeded;
  const open = await session([slash, slashUser], [dot, dotUser]);
  try {
    const listing = await readListing(open);
    assert.is(listing.source.server.delimiter, '/');
    assert.is(listing.source.server.personalPrefix, '');
    assert.is(listing.target.server.delimiter, '.');
    assert.is(listing.target.server.personalPrefix, 'INBOX.');
    assert.is(listing.source.server.name, 'Dovecot');
    assert.ok(listing.target.server.capabilities.includes('LIST-STATUS'));
    assert.is(listing.source.server.appendLimit, null);
    checkListing(
      listing.source.folders,
      slashExpected,
      { Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash', Junk: '\\Junk', Archive: '\\Archive' },
      '/',
    );
    // INBOX.Archive and INBOX.Entwürfe have no attribute on this server (imapflow would guess one).
    checkListing(
      listing.target.folders,
      dotExpected,
      {
        'INBOX.Sent Items': '\\Sent',
        'INBOX.Drafts': '\\Drafts',
        'INBOX.Deleted Items': '\\Trash',
        'INBOX.Junk E-mail': '\\Junk',
      },
      '.',
    );
    assert.ok(
      listing.target.folders.some((f) => f.name === 'INBOX.Проекты'),
      'names decoded from modified UTF-7',
    );
    assert.equal(
      listing.source.folders.filter((f) => !f.subscribed).map((f) => f.name),
      ['Empty'],
    );
  } finally {
    await open.close();
  }
});

test('a parent that exists only as a name: not selectable, no state, not subscribed', async () => {
  const { slash, dot } = await dovecotPair();
  const [owner, other] = await Promise.all([freshUser(slash), freshUser(dot)]);
  const client = plainClient(slash, owner);
  await client.connect();
  await client.mailboxCreate('Outer/Inner');
  await client.logout();
  const open = await session([slash, owner], [dot, other]);
  try {
    const folders = (await readListing(open)).source.folders;
    const outer = folders.find((f) => f.name === 'Outer');
    assert.equal(outer, {
      name: 'Outer',
      delimiter: '/',
      specialUse: null,
      subscribed: false,
      selectable: false,
      state: null,
    });
    assert.equal(folders.find((f) => f.name === 'Outer/Inner')?.state?.messages, 0);
  } finally {
    await open.close();
  }
});

function checkFolder(snapshot: FolderSnapshot, expected: GeneratedMessage[]): void {
  assert.is(snapshot.messages.length, expected.length, snapshot.name);
  assert.equal(
    snapshot.messages.map((m) => m.uid),
    [...snapshot.messages.map((m) => m.uid)].sort((a, b) => a - b),
    'UID order',
  );
  assert.is(snapshot.state.messages, expected.length);
  assert.is(snapshot.permanentFlags, null, 'EXAMINE reports no usable PERMANENTFLAGS');
  snapshot.messages.forEach((message, index) => {
    const generated = expected[index]!;
    const headers = parseIdentityHeaders(generated.raw);
    const identity = hasIdentityHeaders(headers) ? identityOf(headers) : headerDigestIdentity(headerOf(generated.raw));
    assert.is(message.size, generated.raw.length, 'RFC822.SIZE');
    assert.is(message.internalDate, generated.internalDate.toISOString());
    assert.equal(message.flags, [...generated.flags].sort(), `flags of ${snapshot.name} #${index}`);
    assert.is(message.identity, identity, `identity of ${snapshot.name} #${index}`);
    assert.is(message.hasMessageId, headers.messageId !== null);
    if (headers.messageId !== null) {
      assert.is(message.addedMessageId, undefined);
    } else {
      const messageId = addedMessageIdFor(identity);
      assert.equal(message.addedMessageId, {
        messageId,
        identity: identityOf({ messageId, received: headers.received }),
      });
    }
  });
}

test('readFolders: every message with size, date, flags and identity, on both layouts', async () => {
  const { slash, dot, slashUser, dotUser, slashExpected, dotExpected } = await seeded;
  const open = await session([slash, slashUser], [dot, dotUser]);
  try {
    const listing = await readListing(open);
    const everything = (folders: FolderListing[]) => folders.map((folder) => ({ listing: folder, window: null }));
    const [source, target] = await Promise.all([
      readFolders(open, 'source', everything(listing.source.folders)),
      readFolders(open, 'target', everything(listing.target.folders)),
    ]);
    let bare = 0;
    let withoutMessageId = 0;
    let keywords = 0;
    for (const [snapshots, expected] of [
      [source, slashExpected],
      [target, dotExpected],
    ] as const) {
      assert.equal(Object.keys(snapshots).sort(), [...expected.keys()].sort());
      for (const [name, messages] of expected) checkFolder(snapshots[name]!, messages);
      for (const snapshot of Object.values(snapshots)) {
        for (const message of snapshot.messages) {
          if (!message.hasMessageId) withoutMessageId++;
          if (message.flags.includes('Project-X')) keywords++;
          if (isBare(message)) bare++;
        }
      }
    }
    // The generator puts each rare feature into every 60-message mailbox at least once.
    assert.ok(
      bare >= 2 && withoutMessageId > bare && keywords > 0,
      `bare ${bare}, without Message-ID ${withoutMessageId}, keywords ${keywords}`,
    );
  } finally {
    await open.close();
  }
});

test('a window returns the messages inside it (whole days, a superset at most a day wider)', async () => {
  const { slash, dot, slashUser, dotUser, slashExpected } = await seeded;
  const open = await session([slash, slashUser], [dot, dotUser]);
  try {
    const inbox = (await readListing(open)).source.folders.find((f) => f.name === 'INBOX')!;
    const dates = slashExpected
      .get('INBOX')!
      .map((m) => m.internalDate.getTime())
      .sort((a, b) => a - b);
    const day = (time: number) => new Date(time).toISOString().slice(0, 10);
    const window = { since: day(dates[3]!), before: day(dates[dates.length - 4]!) };
    const snapshot = (await readFolders(open, 'source', [{ listing: inbox, window }])).INBOX!;
    const DAY = 86_400_000;
    const [since, before] = [Date.parse(window.since), Date.parse(window.before)];
    const inside = dates.filter((time) => time >= since && time < before);
    const got = snapshot.messages.map((m) => Date.parse(m.internalDate));
    assert.ok(
      got.length >= inside.length && got.length < dates.length,
      `${got.length} of ${dates.length}, ${inside.length} inside`,
    );
    for (const time of inside) assert.ok(got.includes(time), `missing ${new Date(time).toISOString()}`);
    for (const time of got)
      assert.ok(time >= since - DAY && time < before + DAY, `outside: ${new Date(time).toISOString()}`);
    assert.is(snapshot.state.messages, dates.length, "the folder state is the whole folder's");
  } finally {
    await open.close();
  }
});

test('one batched UID FETCH per folder (two with header-only messages), EXAMINE only, PEEK only; an empty folder is known from its STATUS', async () => {
  const { slash, dot, slashUser, dotUser } = await seeded;
  const open = await session([slash, slashUser], [dot, dotUser]);
  try {
    const listing = await readListing(open);
    const { result, commands } = await commandsOf(() =>
      readFolders(
        open,
        'source',
        listing.source.folders.map((listing) => ({ listing, window: null })),
      ),
    );
    const count = (name: string) => commands.filter((c) => c.command === name).length;
    const withMessages = Object.values(result).filter((f) => f.messages.length > 0);
    const withBare = withMessages.filter((f) => f.messages.some(isBare));
    assert.is(count('UID FETCH'), withMessages.length + withBare.length);
    assert.is(count('FETCH'), 0);
    assert.is(count('EXAMINE'), withMessages.length);
    assert.is(count('LIST') + count('LSUB'), 0, 'no folder looked up before its EXAMINE');
    const empty = listing.source.folders.filter((folder) => folder.state?.messages === 0);
    assert.ok(empty.length > 0, 'the seeded mailbox has empty folders');
    for (const folder of empty)
      assert.equal(result[folder.name], { ...folder, state: folder.state, messages: [], permanentFlags: null });
    for (const forbidden of ['SELECT', 'STORE', 'UID STORE', 'EXPUNGE', 'APPEND', 'COPY', 'MOVE'])
      assert.is(count(forbidden), 0, forbidden);
    for (const fetch of commands.filter((c) => c.command === 'UID FETCH'))
      assert.not.match(fetch.args, /"value":"(BODY|BINARY)"/);

    // Read again with what was read as the cache, nothing having changed: no folder is opened at all.
    const again = await commandsOf(() =>
      readFolders(
        open,
        'source',
        listing.source.folders.map((listing) => ({ listing, window: null, cached: result[listing.name] })),
      ),
    );
    assert.equal(again.commands, []);
    assert.equal(again.result, result);
    for (const [name, folder] of Object.entries(again.result))
      assert.ok(folder.messages === result[name]!.messages, `${name}: the cached list itself (so plan saves no cache)`);
  } finally {
    await open.close();
  }
});

/** Every message's flags (\Recent included) and MODSEQ, per folder, as a read-only session sees them. */
async function flagDump(server: DovecotServer, account: Account, select = false): Promise<string> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const dump: Record<string, unknown> = {};
    for (const folder of await client.list({ statusQuery: { highestModseq: true, messages: true } })) {
      if (!folder.status?.messages) continue;
      const opened = await client.mailboxOpen(folder.path, { readOnly: !select });
      const rows = [];
      for await (const row of client.fetch('1:*', { uid: true, flags: true }))
        rows.push([row.uid, [...(row.flags ?? [])].sort(), String(row.modseq)]);
      dump[folder.path] = { highestModseq: String(opened.highestModseq), rows };
    }
    return JSON.stringify(dump);
  } finally {
    await client.logout();
  }
}

test('READ-ONLY: a snapshot changes no flag, no MODSEQ, and leaves \\Recent to the mail client', async () => {
  const { slash, dot } = await dovecotPair();
  const [owner, other] = await Promise.all([freshUser(slash), freshUser(dot)]);
  await seedMailbox(slash, owner, { seed: 23, messages: 60, otherDelimiter: '.' });
  // IMAP APPEND hands \Recent to the appending session; mail delivered by the MDA keeps it.
  const fresh = ['INBOX', 'INBOX', 'INBOX', 'Sent'].map((folder, i) => ({
    folder,
    raw: `Message-ID: <fresh-${i}@mailshift.test>\r\nFrom: a@example.org\r\nSubject: new ${i}\r\n\r\nnew mail\r\n`,
  }));
  for (const { folder, raw } of fresh) deliver(slash, owner, folder, raw);
  const before = await flagDump(slash, owner);
  const open = await session([slash, owner], [dot, other]);
  try {
    const listing = await readListing(open);
    await readFolders(
      open,
      'source',
      listing.source.folders.map((listing) => ({ listing, window: null })),
    );
  } finally {
    await open.close();
  }
  assert.is(await flagDump(slash, owner), before, 'flags and MODSEQs byte-identical');
  // EXAMINE shows \Recent without taking it; the first read-write session takes it. That session
  // still finds \Recent exactly where it was before the snapshot, the delivered mail included.
  const recentIn = (dump: string) =>
    Object.entries(JSON.parse(dump) as Record<string, { rows: Array<[number, string[]]> }>).flatMap(
      ([folder, { rows }]) => rows.filter(([, flags]) => flags.includes('\\Recent')).map(([uid]) => `${folder}:${uid}`),
    );
  const inboxFresh = fresh.filter((m) => m.folder === 'INBOX').length;
  assert.ok(
    recentIn(before).filter((key) => key.startsWith('INBOX:')).length >= inboxFresh,
    'the delivered mail is \\Recent',
  );
  assert.ok(recentIn(before).some((key) => key.startsWith('Sent:')));
  assert.is(
    await flagDump(slash, owner, true),
    before,
    "the mail client's SELECT sees the same flags, \\Recent included",
  );
  assert.equal(recentIn(await flagDump(slash, owner, true)), [], 'and took \\Recent (so the check can fail)');
});

test.run();
