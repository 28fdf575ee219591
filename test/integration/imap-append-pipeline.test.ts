// Pipelined APPEND against a real Dovecot advertising Office 365's capability list (LITERAL+, no
// MULTIAPPEND): the APPENDs go back to back, and each answer is its own message's, a refusal in
// the middle included.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendMessages, supportsMultiappend, type AppendItem, type AppendResult } from '../../src/imap/append.ts';
import { openConnection } from '../../src/imap/connect.ts';
import { flowOf, type ImapConnection } from '../../src/imap/connection.ts';
import { recordCommands } from '../support/command-spy.ts';
import { startDelayProxy } from '../support/delay-proxy.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { NO_UIDPLUS_CAPABILITIES, OFFICE365_CAPABILITIES } from '../support/dovecot-config.ts';
import { plainEndpoint } from '../support/imap-connection.ts';
import { rawMessage } from '../support/mailbox-builder.ts';
import { plainClient, type Account } from '../support/seed.ts';
import { freshUser } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

let office: DovecotServer;
let noUidplus: DovecotServer;

test.before(async () => {
  [office, noUidplus] = await Promise.all([
    startDovecot({ layout: 'dot', capabilities: OFFICE365_CAPABILITIES }),
    startDovecot({ layout: 'dot', capabilities: NO_UIDPLUS_CAPABILITIES }),
  ]);
});

test.after(async () => {
  await Promise.all([office?.stop(), noUidplus?.stop()]);
});

function connectTo(server: DovecotServer, account: Account, port = server.ports.plain): Promise<ImapConnection> {
  return openConnection(
    { ...plainEndpoint(server, account), port },
    { side: 'target', accountId: 'alice', manifestDir: tmpdir(), env: { PW: account.password } },
  );
}

function item(name: string, flags: string[] = [], padding = 0): AppendItem {
  return { raw: rawMessage({ name, padding }), flags, internalDate: new Date(Date.UTC(2025, 0, 15, 8, 30, 0)) };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const uidsOf = (results: ReadonlyArray<AppendResult | undefined>) =>
  results.map((result) => (result === undefined ? undefined : 'uid' in result ? result.uid : result.error));

/** The folder as another client reads it: UID → body digest. */
async function storedIn(server: DovecotServer, account: Account, folder = 'INBOX'): Promise<Array<[number, string]>> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const stored: Array<[number, string]> = [];
    for await (const row of client.fetch('1:*', { uid: true, source: true }, { uid: true }))
      stored.push([row.uid, sha256(row.source!)]);
    return stored;
  } finally {
    await client.logout();
  }
}

const LONG_KEYWORD = `Keyword-${'x'.repeat(60)}`; // Dovecot's mail_max_keyword_length is 50: NO [CANNOT]

test('without MULTIAPPEND but with LITERAL+, the APPENDs go out before the first answer is back (20 ms each way), each message stored once under its UID', async () => {
  const account = await freshUser(office);
  let appendsSent = 0;
  let sentBeforeFirstAnswer: number | null = null;
  const proxy = await startDelayProxy(office.ports.plain, {
    delayMs: 20,
    onClientChunk: (chunk) => {
      appendsSent += (chunk.toString('latin1').match(/(^|\r\n)\S+ APPEND /g) ?? []).length;
    },
    onServerChunk: (chunk) => {
      if (sentBeforeFirstAnswer === null && /(^|\r\n)M\S+ (OK|NO|BAD) /.test(chunk.toString('latin1')))
        sentBeforeFirstAnswer = appendsSent;
    },
  });
  const connection = await connectTo(office, account, proxy.port);
  try {
    assert.is(supportsMultiappend(connection), false);
    assert.ok(flowOf(connection).capabilities.has('LITERAL+'));
    const items = Array.from({ length: 20 }, (_, i) => item(`m${i}`, i % 3 === 0 ? ['\\Seen'] : []));
    const run = await appendMessages(connection, 'INBOX', items);
    assert.is(run.failure, null);
    assert.equal(
      uidsOf(run.results),
      items.map((_, i) => i + 1),
    );
    assert.is(sentBeforeFirstAnswer, 20, 'all 20 APPENDs were on the wire before the first answer came back');
    assert.equal(
      await storedIn(office, account),
      items.map((it, i) => [i + 1, sha256(it.raw)]),
    );
    // The connection is in step after the pipeline: another command works.
    const more = await appendMessages(connection, 'INBOX', [item('later')]);
    assert.equal(uidsOf(more.results), [21]);
  } finally {
    await connection.close();
    await proxy.stop();
  }
});

test('a NO for one message in the middle of the window fails that message alone; every other one is stored once, under the UID its answer named', async () => {
  const account = await freshUser(office);
  const connection = await connectTo(office, account);
  try {
    const items = Array.from({ length: 9 }, (_, i) => item(`n${i}`, i === 4 ? [LONG_KEYWORD] : []));
    const run = await appendMessages(connection, 'INBOX', items);
    assert.is(run.failure, null);
    assert.equal(uidsOf(run.results), [1, 2, 3, 4, 'CANNOT Keyword length too long', 5, 6, 7, 8]);
    const stored = items.filter((_, i) => i !== 4).map((it, i) => [i + 1, sha256(it.raw)]);
    assert.equal(await storedIn(office, account), stored, "the UIDs each answer named are the stored messages' own");
  } finally {
    await connection.close();
  }
});

test("a BAD for one message in the middle: the ones answered before keep their UIDs, that one fails in the server's words, the ones behind it are unsure (they may be stored) and the connection is closed", async () => {
  const account = await freshUser(office);
  // The answer to the 5th APPEND of the pipeline (tag M<n>.4) becomes a BAD; the server stored it.
  const proxy = await startTcpProxy(office.ports.plain, {
    rewriteServerLine: (line) => line.replace(/^(M\d+\.4) OK .*$/, '$1 BAD Unrecognized flag'),
  });
  const connection = await connectTo(office, account, proxy.port);
  try {
    const items = Array.from({ length: 8 }, (_, i) => item(`b${i}`));
    const run = await appendMessages(connection, 'INBOX', items);
    assert.equal(uidsOf(run.results).slice(0, 5), [1, 2, 3, 4, 'Unrecognized flag']);
    assert.equal(
      uidsOf(run.results).slice(5),
      [undefined, undefined, undefined],
      'no result is guessed for what was behind the BAD',
    );
    assert.equal(run.unsure, [5, 6, 7]);
    assert.is(run.failure?.code, 'CONNECTION_LOST', 'retried like a drop: what they stored is counted on the target');
    assert.is(connection.usable, false);
  } finally {
    await connection.close();
    await proxy.stop();
  }
});

test('a folder refused (NO [TRYCREATE]) stops the pipeline: the run fails for the folder, no message is given a result', async () => {
  const account = await freshUser(office);
  const connection = await connectTo(office, account);
  try {
    const run = await appendMessages(connection, 'INBOX.Nowhere', [item('a'), item('b'), item('c')]);
    assert.is(run.failure?.code, 'IMAP_ERROR');
    assert.match(run.failure!.message, /TRYCREATE/);
    assert.equal(uidsOf(run.results), [undefined, undefined, undefined]);
    assert.is(connection.usable, true, 'a NO leaves the connection in step');
    assert.equal(uidsOf((await appendMessages(connection, 'INBOX', [item('d')])).results), [1]);
  } finally {
    await connection.close();
  }
});

test('without UIDPLUS, pipelined: every message stored once, with no UID claimed', async () => {
  const account = await freshUser(noUidplus);
  // Dovecot names the UIDs even where imap_capability hides UIDPLUS: as a server without it, no [APPENDUID].
  const proxy = await startTcpProxy(noUidplus.ports.plain, {
    rewriteServerLine: (line) => line.replace(/ \[APPENDUID [^\]]*\]/, ''),
  });
  const connection = await connectTo(noUidplus, account, proxy.port);
  try {
    flowOf(connection).capabilities.delete('MULTIAPPEND'); // pipelined, not one MULTIAPPEND
    const items = [item('u1'), item('u2', [LONG_KEYWORD]), item('u3'), item('u4')];
    const run = await appendMessages(connection, 'INBOX', items);
    assert.is(run.failure, null);
    assert.equal(uidsOf(run.results), [null, 'CANNOT Keyword length too long', null, null]);
    assert.equal(
      (await storedIn(noUidplus, account)).map(([, digest]) => digest),
      [items[0]!, items[2]!, items[3]!].map((it) => sha256(it.raw)),
    );
  } finally {
    await connection.close();
    await proxy.stop();
  }
});

test('with LITERAL- only, messages of at most 4096 bytes are pipelined; a larger one sends the APPENDs one answer at a time', async () => {
  const account = await freshUser(office);
  const connection = await connectTo(office, account);
  try {
    const capabilities = flowOf(connection).capabilities;
    capabilities.delete('LITERAL+');
    capabilities.set('LITERAL-', true); // as on an IMAP4rev2 server
    const small = [item('s1'), item('s2'), item('s3')];
    const pipelined = await recordCommands(() => appendMessages(connection, 'INBOX', small));
    assert.equal(uidsOf(pipelined.result.results), [1, 2, 3]);
    assert.equal(
      pipelined.sent.map((command) => command.command),
      ['NOOP'],
      'the APPENDs went under one NOOP request, back to back',
    );
    const mixed = [item('m1'), item('m2', [], 6000)];
    const awaited = await recordCommands(() => appendMessages(connection, 'INBOX', mixed));
    assert.equal(uidsOf(awaited.result.results), [4, 5]);
    assert.equal(
      awaited.sent.map((command) => command.command),
      ['APPEND', 'APPEND'],
      'one APPEND at a time, each literal waiting for its "+" where needed',
    );
    assert.equal(
      (await storedIn(office, account)).map(([, digest]) => digest),
      [...small, ...mixed].map((it) => sha256(it.raw)),
    );
  } finally {
    await connection.close();
  }
});

test.run();
