// A source server whose FETCH answers are malformed in the ways issue 17 found (a scripted fault
// injector: test/support/scripted-imap-server.ts) and a real Dovecot target. Whatever the fault,
// mailshift either plans exactly what is there or fails the folder loudly: never an exit-0 plan
// that is wrong, never a message silently dropped.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { startScriptedServer, type Script, type ScriptedFolder } from '../support/scripted-imap-server.ts';
import { dovecotPair } from '../support/servers.ts';
import { onPublicApi, wireTest } from '../support/wire.ts';

const message = (uid: number, flags: string[] = []) => ({
  uid,
  flags,
  raw: `Message-ID: <m${uid}@example.org>\r\nSubject: message ${uid}\r\nFrom: a@example.org\r\n\r\nBody of ${uid}.\r\n`,
});

const inbox = (): ScriptedFolder => ({
  name: 'INBOX',
  uidValidity: 7,
  messages: [message(10, ['\\Seen']), message(20), message(30, ['\\Flagged'])],
});

async function migrationFrom(name: string, script: Script) {
  const source = await startScriptedServer(script);
  const m = await newMigration(
    name,
    { phases: [{ name: 'presync' }] },
    { sourceServer: source, targetServer: (await dovecotPair()).dot },
  );
  return {
    m,
    source,
    remove: async () => {
      m.remove();
      await source.stop();
    },
  };
}

test('the scripted source answers correctly: plan copies all 3, apply stores them, re-plan converges', async () => {
  const { m, remove } = await migrationFrom('wire-baseline', { folders: [inbox()] });
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.output);
    assert.match(planned.stdout, /copy 3 messages/);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    const stored = await mailboxState(m.target.server, m.target);
    assert.equal(stored.INBOX?.map((row) => row.messageId).sort(), [
      '<m10@example.org>',
      '<m20@example.org>',
      '<m30@example.org>',
    ]);
    const replanned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode'], {
      env: m.env,
    });
    assert.is(replanned.code, 0, replanned.output);
  } finally {
    await remove();
  }
});

const IDENTITY_FETCH = /HEADER\.FIELDS \(MESSAGE-ID/i;
const BODY_FETCH = /BODY\.PEEK\[\]/i;

/** A script whose rows of the FETCHes matching `which` go through `change` (row text, uid) first. */
function faulty(
  which: RegExp,
  change: (text: string, uid: number, rows: ReadonlyArray<{ uid: number; text: string }>) => string,
): Script {
  return {
    folders: [inbox()],
    rewriteFetch: (rows, request) =>
      which.test(request.items)
        ? rows.map((row) => change(row.text, row.uid, rows)).join('')
        : rows.map((row) => row.text).join(''),
  };
}

/** Plan must fail the folder loudly (exit 1, INBOX named, `why` said) and write no copies of it. */
async function planFailsLoudly(name: string, script: Script, why: RegExp): Promise<void> {
  const { m, remove } = await migrationFrom(name, script);
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 1, planned.output);
    assert.match(planned.stderr, /folder "INBOX"/);
    assert.match(planned.stderr, why);
    assert.not.match(planned.stdout, /copy \d+ message/, planned.output);
  } finally {
    await remove();
  }
}

/** The literal of one row's body section announced as `length(old)` instead of what follows. */
const withLiteralLength = (text: string, length: (old: number) => number) =>
  text.replace(/\{(\d+)\}\r\n/, (_, old: string) => `{${length(Number(old))}}\r\n`);

test('a header literal announced longer than sent (it swallows the next row): the folder fails, UID 20 not lost', async () => {
  await planFailsLoudly(
    'wire-long-literal',
    faulty(IDENTITY_FETCH, (text, uid, rows) => {
      // UID 20's row is still sent: UID 10's literal swallows all of it but its closing ")".
      if (uid !== 10) return text;
      const next = rows.find((row) => row.uid === 20)!.text;
      return withLiteralLength(text, (old) => old + next.length);
    }),
    /UID 20|cannot be read|malformed/,
  );
});

test('a header literal announced shorter than sent: the folder fails, UID 10 not dropped', async () => {
  await planFailsLoudly(
    'wire-short-literal',
    faulty(IDENTITY_FETCH, (text, uid) => (uid === 10 ? withLiteralLength(text, (old) => old - 9) : text)),
    /UID 10|cannot be read|malformed/,
  );
});

test('a row lacking an item asked for (RFC822.SIZE): the folder fails naming UID 20', async () => {
  await planFailsLoudly(
    'wire-lacking-item',
    faulty(IDENTITY_FETCH, (text, uid) => (uid === 20 ? text.replace(/RFC822\.SIZE \d+ /, '') : text)),
    /UID 20/,
  );
});

test('UIDs above UIDNEXT (5 rows from a 3-message folder): the folder fails', async () => {
  await planFailsLoudly(
    'wire-above-uidnext',
    faulty(IDENTITY_FETCH, (text, uid) =>
      uid === 30
        ? text +
          text.replace('* 3 FETCH (UID 30', '* 4 FETCH (UID 99') +
          text.replace('* 3 FETCH (UID 30', '* 5 FETCH (UID 100')
        : text,
    ),
    /UID 99|UIDNEXT/,
  );
});

test('a UID above 2^32-1: the folder fails', async () => {
  await planFailsLoudly(
    'wire-huge-uid',
    faulty(IDENTITY_FETCH, (text, uid) => (uid === 30 ? text.replace('UID 30', 'UID 4294967326') : text)),
    /4294967326|UID/,
  );
});

wireTest(
  'an item repeated in one row (FLAGS twice): the folder fails, the last one does not win',
  'imapflow merges the items of a row, the last one wins',
  async () => {
    await planFailsLoudly(
      'wire-repeated-item',
      faulty(IDENTITY_FETCH, (text, uid) => (uid === 20 ? text.replace('FLAGS ()', 'FLAGS () FLAGS (\\Seen)') : text)),
      /FLAGS/,
    );
  },
);

test('a header answered NIL: the plan names UID 20 in a warning and plans the other two exactly', async () => {
  const nil = (text: string) => text.replace(/\{\d+\}\r\n[\s\S]*\)\r\n$/, 'NIL)\r\n');
  const { m, remove } = await migrationFrom('wire-nil-header', {
    folders: [inbox()],
    rewriteFetch: (rows, request) =>
      rows.map((row) => (row.uid === 20 && /HEADER/i.test(request.items) ? nil(row.text) : row.text)).join(''),
  });
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.match(planned.output, /UID 20/);
    assert.match(planned.output, /NIL/);
    assert.match(planned.stdout, /copy 2 messages/, planned.output);
  } finally {
    await remove();
  }
});

test('a body literal announced longer than sent at apply: nothing corrupt stored, UID 20 not skipped as gone', async () => {
  const { m, remove } = await migrationFrom(
    'wire-long-body',
    faulty(BODY_FETCH, (text, uid, rows) => {
      if (uid !== 10) return text;
      return withLiteralLength(text, (old) => old + rows.find((row) => row.uid === 20)!.text.length);
    }),
  );
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.output);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 1, applied.output);
    assert.match(applied.output, /folder "INBOX"/);
    const stored = await mailboxState(m.target.server, m.target);
    const sources = new Set(
      inbox().messages.map((m) => createHash('sha256').update(Buffer.from(m.raw, 'latin1')).digest('hex')),
    );
    for (const row of stored.INBOX ?? [])
      assert.ok(sources.has(row.sha256), `a corrupt body was stored for ${row.messageId}`);
  } finally {
    await remove();
  }
});

test('a body answered NIL at apply: that message fails by name, the others are copied', async () => {
  const { m, remove } = await migrationFrom(
    'wire-nil-body',
    faulty(BODY_FETCH, (text, uid) => (uid === 20 ? text.replace(/\{\d+\}\r\n[\s\S]*\)\r\n$/, 'NIL)\r\n') : text)),
  );
  try {
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env })).code, 0);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 1, applied.output);
    assert.match(applied.output, /UID 20/);
    const stored = await mailboxState(m.target.server, m.target);
    assert.equal(stored.INBOX?.map((row) => row.messageId).sort(), ['<m10@example.org>', '<m30@example.org>']);
  } finally {
    await remove();
  }
});

// D5: what a server sends is bounded; past a bound the error says what came, not "Connection not available".

test('a line longer than 16 MiB: the command fails at once, saying so', async () => {
  const { m, remove } = await migrationFrom('wire-long-line', {
    folders: [inbox()],
    rewriteLine: (line) => (line.startsWith('* STATUS') ? `${line} ${'x'.repeat(17 * 1024 * 1024)}` : line),
  });
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 1, planned.output);
    assert.match(planned.stderr, /the server sent a line longer than 16 MiB, so mailshift closed the connection/);
    assert.match(planned.stderr, /--trace FILE/);
  } finally {
    await remove();
  }
});

test('a header literal announced as 10 GB: the folder fails naming the size and the 8 MiB limit', async () => {
  await planFailsLoudly(
    'wire-huge-header',
    faulty(IDENTITY_FETCH, (text, uid) => (uid === 20 ? withLiteralLength(text, () => 9_999_999_999) : text)),
    // imapflow's public API has one literal limit, set when the client is made: a message body's.
    onPublicApi
      ? /a literal announced as 9999999999 bytes, over the limit of 1024 MiB/
      : /a literal announced as 9999999999 bytes, over the limit of 8 MiB/,
  );
});

test('a body literal announced as 2 GiB at apply: the folder fails naming it, not retried as a lost connection', async () => {
  const { m, remove } = await migrationFrom(
    'wire-huge-body',
    faulty(BODY_FETCH, (text, uid) => (uid === 10 ? withLiteralLength(text, () => 2 * 1024 ** 3) : text)),
  );
  try {
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env })).code, 0);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 1, applied.output);
    assert.match(applied.output, /a literal announced as 2147483648 bytes, over the limit of 1024 MiB/);
    assert.not.match(applied.output, /Connection not available|was cut off/);
  } finally {
    await remove();
  }
});

test.run();
