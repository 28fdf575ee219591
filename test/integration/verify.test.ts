// `verify` against the real Dovecot pair: source '/' without prefix, target '.' under INBOX.,
// filled with the same messages (names translated) and then with one difference at a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyPhase, verifyResult, type VerifyReport } from '../../src/engine/verify.ts';
import { readManifest } from '../../src/manifest/read.ts';
import { BODY_PIECE } from '../../src/imap/hash-bodies.ts';
import { addedMessageIdFor, identityOf, parseIdentityHeaders } from '../../src/plan/identity.ts';
import type { Difference, FolderVerification } from '../../src/plan/verify-compare.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { fillMailbox, rawMessage, type MailboxContent, type TestMessage } from '../support/mailbox-builder.ts';
import { manifestFolder, NO_STATE } from '../support/manifests.ts';
import { plainClient, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

const m = (name: string, extra: Partial<TestMessage> = {}): TestMessage => ({ name, ...extra });

/** The source mailbox every case starts from, and the same content as the dot target spells it. */
const SOURCE: MailboxContent = {
  INBOX: [m('a', { flags: ['\\Seen'] }), m('b'), m('c', { flags: ['\\Flagged', '$Forwarded'] })],
  'Lists.Dev': [m('l1'), m('l2', { flags: ['\\Seen'] })],
  Sent: [m('s1', { flags: ['\\Seen'] })],
};
const TARGET: MailboxContent = {
  INBOX: SOURCE.INBOX!,
  'INBOX.Lists_Dev': SOURCE['Lists.Dev']!,
  'INBOX.Sent Items': SOURCE.Sent!,
};

interface Case {
  source?: MailboxContent;
  target?: MailboxContent;
  /** Raw messages appended after `source` and `target`, by folder. */
  sourceRaw?: Record<string, Buffer[]>;
  targetRaw?: Record<string, Buffer[]>;
  phase?: Record<string, unknown>;
  messages?: Record<string, unknown>;
  content?: boolean;
}

async function appendRaw(server: DovecotServer, account: Account, raws: Record<string, Buffer[]>): Promise<void> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    for (const [name, list] of Object.entries(raws))
      for (const raw of list) await client.append(name, raw, [], new Date('2026-11-01T10:00:00Z'));
  } finally {
    await client.logout();
  }
}

let counter = 0;
async function verifyCase(c: Case): Promise<{ report: VerifyReport; source: Account; target: Account }> {
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'vsrc'), freshUser(dot, 'vtgt')]);
  await Promise.all([fillMailbox(slash, source, c.source ?? SOURCE), fillMailbox(dot, target, c.target ?? TARGET)]);
  await Promise.all([appendRaw(slash, source, c.sourceRaw ?? {}), appendRaw(dot, target, c.targetRaw ?? {})]);
  const file = folder.write(`verify-${++counter}.json`, {
    apiVersion: 'mailshift/v1',
    name: 'verify',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'a',
        source: { user: source.user, password: { env: 'SRC_PW' } },
        target: { user: target.user, password: { env: 'TGT_PW' } },
      },
    ],
    // Archive has no counterpart on the dot server; the other special folders automap to theirs.
    folders: { automap: true, exclude: ['^Archive$'] },
    ...(c.messages ? { messages: c.messages } : {}),
    phases: [{ name: 'final', ...c.phase }],
  });
  const manifest = await readManifest(file);
  assert.equal(
    manifest.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const report = await verifyPhase({
    manifest: manifest as any,
    phase: 'final',
    accountIds: [],
    content: c.content ?? false,
    now: new Date('2026-11-23T12:00:00Z'),
    env: { SRC_PW: source.password, TGT_PW: target.password },
    concurrency: 2,
    state: NO_STATE,
  });
  return { report, source, target };
}

function folderOf(report: VerifyReport, source: string): FolderVerification {
  const found = report.accounts[0]!.folders?.find((f) => f.source === source);
  if (!found) throw new Error(`no folder ${source}: ${JSON.stringify(report.accounts[0])}`);
  return found;
}

/** Every difference of the report, as "source folder: difference". */
function differences(report: VerifyReport): Array<[string | null, Difference]> {
  return (report.accounts[0]!.folders ?? []).flatMap((f) =>
    f.differences.map((d): [string | null, Difference] => [f.source, d]),
  );
}

test('identical content on both layouts is equal, with and without --content', async () => {
  for (const content of [false, true]) {
    const { report } = await verifyCase({ content });
    assert.equal(report.accounts[0]!.errors, []);
    assert.equal(differences(report), []);
    assert.is(verifyResult(report), 'equal');
    assert.equal(folderOf(report, 'Lists.Dev').target, 'INBOX.Lists_Dev');
    assert.equal(folderOf(report, 'Sent').target, 'INBOX.Sent Items');
    assert.equal(folderOf(report, 'INBOX').messages, { source: 3, target: 3 });
    assert.equal(report.summary.sourceMessages, 6);
    assert.is(report.summary.bytesHashed > 0, content);
  }
});

test('a message missing on the target', async () => {
  const { report } = await verifyCase({
    target: { ...TARGET, INBOX: [m('a', { flags: ['\\Seen'] }), m('c', { flags: ['\\Flagged', '$Forwarded'] })] },
  });
  assert.equal(differences(report), [['INBOX', { kind: 'missing', uids: [2] }]]);
  assert.is(verifyResult(report), 'differences');
});

test('an extra target message is kept without deleteTarget, a difference with it', async () => {
  const target = { ...TARGET, INBOX: [...TARGET.INBOX!, m('new-on-target')] };
  const kept = (await verifyCase({ target })).report;
  assert.is(verifyResult(kept), 'equal');
  assert.equal(folderOf(kept, 'INBOX').kept, [{ kind: 'extra', uids: [4] }]);
  assert.is(kept.summary.kept, 1);
  const deleting = (await verifyCase({ target, phase: { deleteTarget: true } })).report;
  assert.equal(differences(deleting), [['INBOX', { kind: 'extra', uids: [4] }]]);
  assert.is(verifyResult(deleting), 'differences');
});

test('a message copied twice is a duplicate', async () => {
  const { report } = await verifyCase({
    target: { ...TARGET, INBOX: [...TARGET.INBOX!, m('b')] },
    phase: { deleteTarget: true },
  });
  assert.equal(differences(report), [['INBOX', { kind: 'duplicate', uids: [4] }]]);
});

test('a flag difference', async () => {
  const { report } = await verifyCase({
    target: { ...TARGET, INBOX: [m('a'), m('b', { flags: ['\\Answered'] }), SOURCE.INBOX![2]!] },
  });
  assert.equal(differences(report), [
    [
      'INBOX',
      {
        kind: 'flags',
        messages: [
          { sourceUid: 1, targetUid: 1, sourceOnly: ['\\Seen'], targetOnly: [] },
          { sourceUid: 2, targetUid: 2, sourceOnly: [], targetOnly: ['\\Answered'] },
        ],
      },
    ],
  ]);
});

test('a missing target folder', async () => {
  const { INBOX, 'INBOX.Sent Items': sent } = TARGET;
  const { report } = await verifyCase({ target: { INBOX: INBOX!, 'INBOX.Sent Items': sent! } });
  assert.equal(differences(report), [['Lists.Dev', { kind: 'missingFolder', messages: 2 }]]);
});

test('--content finds a body that differs under the same headers; without it the sides look equal', async () => {
  const target = { ...TARGET, 'INBOX.Lists_Dev': [m('l1', { variant: ' edited' }), TARGET['INBOX.Lists_Dev']![1]!] };
  const headersOnly = (await verifyCase({ target })).report;
  assert.is(verifyResult(headersOnly), 'equal');
  const { report } = await verifyCase({ target, content: true });
  const [[where, difference]] = differences(report) as [[string, Extract<Difference, { kind: 'content' }>]];
  assert.is(where, 'Lists.Dev');
  assert.equal(
    difference.messages.map((d) => [d.sourceUid, d.targetUid]),
    [[1, 1]],
  );
  assert.is.not(difference.messages[0]!.source, difference.messages[0]!.target);
  assert.is(verifyResult(report), 'differences');
});

test('--content reads large messages in pieces and finds a difference past the first piece', async () => {
  const big = (tail: string) =>
    Buffer.concat([rawMessage(m('big', { padding: 2_500_000 })), Buffer.from(`${tail}\r\n`)]);
  const { slash, dot } = await dovecotPair();
  // Same bytes on both sides: equal; the last line changed: another body.
  for (const [targetTail, expected] of [
    ['same', 'equal'],
    ['changed', 'differences'],
  ] as const) {
    const [src, tgt] = await Promise.all([freshUser(slash, 'vbig'), freshUser(dot, 'vbig')]);
    await Promise.all([
      appendRaw(slash, src, { INBOX: [big('same')] }),
      appendRaw(dot, tgt, { INBOX: [big(targetTail)] }),
    ]);
    const file = folder.write(`big-${targetTail}.json`, {
      apiVersion: 'mailshift/v1',
      name: 'big',
      defaults: {
        source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
        target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
      },
      accounts: [
        {
          id: 'a',
          source: { user: src.user, password: { env: 'S' } },
          target: { user: tgt.user, password: { env: 'T' } },
        },
      ],
      folders: { include: ['^INBOX$'] },
      phases: [{ name: 'final' }],
    });
    const report = await verifyPhase({
      manifest: (await readManifest(file)) as any,
      phase: 'final',
      accountIds: [],
      content: true,
      now: new Date(),
      env: { S: src.password, T: tgt.password },
      concurrency: 1,
      state: NO_STATE,
    });
    assert.is(verifyResult(report), expected, JSON.stringify(differences(report)));
    assert.ok(report.summary.bytesHashed > 5_000_000);
  }
});

test('--content: a message of exactly one piece is read to its end', async () => {
  const head = rawMessage(m('exact'));
  const exact = Buffer.concat([head, Buffer.from('y'.repeat(BODY_PIECE - head.length))]);
  assert.is(exact.length, BODY_PIECE);
  const { report } = await verifyCase({
    source: { INBOX: [] },
    target: { INBOX: [] },
    sourceRaw: { INBOX: [exact] },
    targetRaw: { INBOX: [exact] },
    content: true,
  });
  assert.equal(differences(report), []);
  assert.is(folderOf(report, 'INBOX').messages.target, 1);
});

test('--content: a copy that got its Message-ID from addMessageId has the same body as its source', async () => {
  const plain = m('no-id', { withoutMessageId: true });
  const raw = rawMessage(plain);
  const header = raw.subarray(0, raw.indexOf('\r\n\r\n') + 2);
  const added = addedMessageIdFor(identityOf(parseIdentityHeaders(header)));
  const copy = (body: Buffer) => Buffer.concat([Buffer.from(`Message-ID: ${added}\r\n`), body]);
  const equal = await verifyCase({
    source: { INBOX: [plain] },
    target: { INBOX: [] },
    targetRaw: { INBOX: [copy(raw)] },
    content: true,
    messages: { addMessageId: true },
  });
  assert.equal(
    differences(equal.report).filter(([name]) => name === 'INBOX'),
    [],
  );
  const folded = Buffer.from(
    raw.toString('latin1').replace('\r\nFrom:', `\r\nMessage-ID:\r\n  ${added}\r\nFrom:`),
    'latin1',
  );
  const middle = await verifyCase({
    source: { INBOX: [plain] },
    target: { INBOX: [] },
    targetRaw: { INBOX: [folded] },
    content: true,
  });
  assert.equal(
    differences(middle.report).filter(([name]) => name === 'INBOX'),
    [],
    'a folded Message-ID inside the header is left out too',
  );
  const edited = await verifyCase({
    source: { INBOX: [plain] },
    target: { INBOX: [] },
    targetRaw: { INBOX: [copy(rawMessage({ ...plain, variant: '!' }))] },
    content: true,
  });
  assert.equal(
    differences(edited.report).map(([name, d]) => [name, d.kind]),
    [['INBOX', 'content']],
  );
});

test('verify writes nothing: unseen messages stay unseen after --content on both sides', async () => {
  const { source, target } = await verifyCase({ content: true });
  const { slash, dot } = await dovecotPair();
  for (const [server, account] of [
    [slash, source],
    [dot, target],
  ] as const) {
    const client = plainClient(server, account);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const flags = [];
      for await (const row of client.fetch('1:*', { uid: true, flags: true }))
        flags.push([row.uid, [...(row.flags ?? [])].filter((f) => f !== '\\Recent').sort()]);
      assert.equal(flags, [
        [1, ['\\Seen']],
        [2, []],
        [3, ['$Forwarded', '\\Flagged']],
      ]);
    } finally {
      await client.logout();
    }
  }
});

test("a wrong password is that account's error, named with its secret reference", async () => {
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'vsrc'), freshUser(dot, 'vtgt')]);
  const file = folder.write('wrong.json', {
    apiVersion: 'mailshift/v1',
    name: 'wrong',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'a',
        source: { user: source.user, password: { env: 'S' } },
        target: { user: target.user, password: { env: 'T' } },
      },
    ],
    phases: [{ name: 'final' }],
  });
  const report = await verifyPhase({
    manifest: (await readManifest(file)) as any,
    phase: 'final',
    accountIds: [],
    content: false,
    now: new Date(),
    env: { S: source.password, T: 'wrong' },
    concurrency: 1,
    state: NO_STATE,
  });
  assert.is(verifyResult(report), 'error');
  assert.is(report.accounts[0]!.folders, null);
  assert.equal(
    report.accounts[0]!.errors.map((e) => e.code),
    ['LOGIN_FAILED'],
  );
  assert.match(report.accounts[0]!.errors[0]!.message, 'env T');
});

test.run();
