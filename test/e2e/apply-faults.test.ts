// `mailshift apply` when things go wrong mid-transfer, as a user runs it: TCP proxies in front of
// both servers cut connections in the middle of a FETCH or a MULTIAPPEND (or swallow the answer to
// one), and a target with a size limit refuses one message. Faults are placed by byte counts and
// by what the servers say, never by timers.
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { localStateStore, stateDirFor } from '../../src/state/store.ts';
import { hasStackTrace, runMailshift, type CliResult } from '../support/cli.ts';
import { startDovecot } from '../support/dovecot.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy, type ProxyOptions, type TcpProxy } from '../support/tcp-proxy.ts';
import { onPublicApi, wireTest } from '../support/wire.ts';
import { auditRecords } from '../support/audit-files.ts';

/** The answer to an APPEND of several messages; one message per APPEND on imapflow's public API. */
const BATCH_APPENDUID = onPublicApi ? / OK \[APPENDUID \d+ \d+\]/ : / OK \[APPENDUID \d+ \d+:\d+\]/;

const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');

async function plan(m: Migration, phase: string): Promise<string> {
  const result = await runMailshift(['plan', m.manifest, '--phase', phase, '--quiet'], { env: m.env });
  assert.ok(result.code === 0 || result.code === 2, result.stderr);
  return m.planPath(phase);
}

/** Source messages that must be on the target (not \Deleted) vs the target's: bodies (SHA-256), flags, INTERNALDATEs, counts. */
async function assertTargetMirrorsSource(m: Migration): Promise<void> {
  const [source, target] = await Promise.all([
    mailboxState(m.source.server, m.source),
    mailboxState(m.target.server, m.target),
  ]);
  assert.equal(
    contentMultiset(target),
    contentMultiset(source).filter(notDeleted),
    'same bodies, flags and INTERNALDATEs; no duplicates, nothing lost',
  );
}

async function assertNothingLeftToPlan(m: Migration, phase: string): Promise<void> {
  const again = await runMailshift(['plan', m.manifest, '--phase', phase, '--detailed-exitcode', '--quiet'], {
    env: m.env,
  });
  assert.is(again.code, 0, `a new plan has nothing to do:\n${again.stdout}${again.stderr}`);
}

/** The apply ids in the migration's audit log, oldest first, from each file's start record. */
function applyIds(m: Migration, name: string): string[] {
  return auditRecords(m.manifest, name)
    .filter((record) => record.type === 'start')
    .map((record) => String(record.applyId));
}

interface AuditedFailure {
  folder: string | null;
  op: string;
  uid?: number;
  reason: string;
}
interface AuditedApply {
  result: string;
  endedAt: string | null;
  counts: Record<string, number>;
  summary: Record<string, number> | null;
  accounts: Array<{ folders: Array<{ source: string | null; failures: AuditedFailure[] }> }>;
}

/** One apply as `mailshift audit <manifest> <id> --format json` shows it, with the whole log's chain check. */
async function auditedApply(
  m: Migration,
  applyId: string,
): Promise<{ apply: AuditedApply; chain: { ok: boolean; problems: unknown[] } }> {
  const shown = await runMailshift(['audit', m.manifest, applyId, '--format', 'json'], { env: m.env });
  assert.is(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout);
}

function failuresOf(apply: AuditedApply): AuditedFailure[] {
  return apply.accounts.flatMap((account) =>
    account.folders.flatMap((folder) => folder.failures.map((failure) => ({ ...failure, folder: folder.source }))),
  );
}

/** A user-facing failure: exit 1, no stack trace anywhere, output that says where to look. */
function assertFailedCleanly(applied: CliResult): void {
  assert.is(applied.code, 1, applied.stdout + applied.stderr);
  assert.not.ok(hasStackTrace(applied.stdout + applied.stderr), `no stack trace:\n${applied.stdout}${applied.stderr}`);
  assert.match(applied.stdout, 'Apply finished with failures');
}

interface Proxied {
  m: Migration;
  source: TcpProxy;
  target: TcpProxy;
  stop(): Promise<void>;
}

/** A migration that reaches both servers through proxies of its own: plans and applies go through them. */
async function migrationBehindProxies(
  name: string,
  options: { proxy?: ProxyOptions; target?: Record<string, unknown> } = {},
): Promise<Proxied> {
  const { slash, dot } = await dovecotPair();
  const proxies: TcpProxy[] = [];
  const stop = async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  };
  try {
    for (const server of [slash, dot]) proxies.push(await startTcpProxy(server.ports.plain, options.proxy));
    const [source, target] = proxies as [TcpProxy, TcpProxy];
    const m = await newMigration(
      name,
      { phases: [{ name: 'presync' }] },
      { source: { port: source.port }, target: { port: target.port, ...options.target } },
    );
    return { m, source, target, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

test('cut mid-FETCH on the source, mid-MULTIAPPEND on the target, and a MULTIAPPEND stored but never confirmed: the apply resumes on new connections and completes, no duplicates', async () => {
  // Without COMPRESS the proxies can read the servers' answers.
  const { m, source, target, stop } = await migrationBehindProxies('fault-cut', {
    proxy: { hideCapabilities: ['COMPRESS=DEFLATE'] },
  });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 41, messages: 160, otherDelimiter: '.' });
    // The source connection goes as the first message body arrives.
    source.cutOnServerReply(/ BODY\[\] \{\d+\}\r\n/);
    // On the target, first a batch of several messages lands but its "OK [APPENDUID …]" is lost with
    // the connection (what landed must be recognised, not appended again); then, 300 KB later, past
    // the re-checks, logins and SELECTs, every connection is cut in the middle of sending an APPEND.
    target.cutOnServerReply(BATCH_APPENDUID);
    target.cutAfterBytesToServer(300_000);
    const applied = await runMailshift(['apply', m.manifest, '--phase', 'presync', '--auto-approve'], { env: m.env });
    assert.is(source.cuts, 1, 'the source connection was cut');
    assert.is(target.cuts, 2, 'both target cuts happened');
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete: \d+ copied/);
    const recovered = auditRecords(m.manifest, 'fault-cut').filter(
      (r) => r.op === 'copy' && r.result === 'done' && /after an interruption/.test(String(r.reason)),
    );
    // The public-API path appends one message per command, so the lost answer covers one message.
    const lostAnswerCovers = onPublicApi ? 1 : 2;
    assert.ok(
      recovered.length >= lostAnswerCovers,
      'the unconfirmed batch was found on the target and recorded, not appended again',
    );
    await assertTargetMirrorsSource(m);
    await assertNothingLeftToPlan(m, 'presync');
  } finally {
    await stop();
    m.remove();
  }
});

wireTest(
  'a folder the apply created, its MULTIAPPEND stored but never confirmed: the retry counts what landed (only a first attempt may skip that), no duplicates',
  'no MULTIAPPEND',
  async () => {
    const { m, target, stop } = await migrationBehindProxies('fault-created', {
      proxy: { hideCapabilities: ['COMPRESS=DEFLATE'] },
    });
    try {
      // INBOX empty, so the only copies go to a folder the target lacks: the lost answer is in it.
      await fillMailbox(m.source.server, m.source, {
        Projects: Array.from({ length: 12 }, (_, i) => ({ name: `p${i}` })),
      });
      target.cutOnServerReply(/ OK \[APPENDUID \d+ \d+:\d+\]/);
      const applied = await runMailshift(['apply', await plan(m, 'presync')], { env: m.env });
      assert.is(target.cuts, 1, 'the APPENDUID answer was cut');
      assert.is(applied.code, 0, applied.stdout + applied.stderr);
      const copies = auditRecords(m.manifest, 'fault-created').filter((r) => r.op === 'copy' && r.result === 'done');
      assert.is(copies.length, 12);
      assert.ok(
        copies.every((r) => /after an interruption/.test(String(r.reason))),
        'all twelve were found on the target, none appended again',
      );
      await assertTargetMirrorsSource(m);
    } finally {
      await stop();
      m.remove();
    }
  },
);

test('a target that stays unreachable after a cut: the apply fails cleanly (exit 1, audit sealed, lock released); re-applying the plan converges', async () => {
  // A short timeoutSeconds bounds the retries; once cut, the proxy refuses every new connection.
  const { m, target: proxy, stop } = await migrationBehindProxies('fault-down', { target: { timeoutSeconds: 2 } });
  // Loopback skips COMPRESS=DEFLATE by default; this test keeps it on, so a cut lands in a compressed stream.
  m.env['MAILSHIFT_COMPRESS'] = 'always';
  try {
    await seedMailbox(m.source.server, m.source, { seed: 43, messages: 160, otherDelimiter: '.' });
    const planFile = await plan(m, 'presync');
    proxy.cutAfterBytesToServer(300_000, { thenRefuse: Number.POSITIVE_INFINITY });
    const failed = await runMailshift(['apply', planFile], { env: m.env });
    assertFailedCleanly(failed);
    assert.match(
      failed.stdout,
      /Apply finished with failures: .* · \d+ failed\.\n( {2}account alice: \d+ actions? failed: .+\n)+Failed actions are listed in .*\.jsonl \(mailshift audit\)\. Running the same plan again retries them\.\n$/,
    );
    assert.match(
      failed.stdout,
      /account alice: \d+ actions? failed: target connection failed for account alice at 127\.0\.0\.1:\d+/,
      'the summary says why, not only how many',
    );
    assert.ok(proxy.refused > 0, 'the retries reconnected and were refused');
    assert.ok(proxy.compressed > 0, 'the target connections were compressed (MAILSHIFT_COMPRESS=always)');
    const lock = await localStateStore(stateDirFor(m.manifest, 'fault-down')).lock({
      operator: 'test@faults',
      pid: process.pid,
      host: hostname(),
    });
    assert.is(lock.tookOverFrom, null, 'the failed apply released its lock (nothing stale to take over)');
    await lock.release();

    proxy.heal();
    const finished = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(finished.code, 0, finished.stdout + finished.stderr);
    await assertTargetMirrorsSource(m);
    await assertNothingLeftToPlan(m, 'presync');

    const [failedId, finishedId] = applyIds(m, 'fault-down');
    assert.ok(finishedId, 'the second apply has its own audit file');
    const { apply, chain } = await auditedApply(m, failedId!);
    assert.ok(chain.ok, `the hash chain holds across both files: ${JSON.stringify(chain.problems)}`);
    assert.is(apply.result, 'failed');
    assert.ok(apply.endedAt !== null, "the failed apply's audit file is sealed with its end record");
    const reasons = failuresOf(apply).map((failure) => failure.reason);
    assert.ok(reasons.length > 0, 'the copies not made are audited as failed');
    for (const reason of reasons)
      assert.match(reason, /target .*127\.0\.0\.1:\d+.*(connection|reset)/i, 'each says the target connection failed');
  } finally {
    await stop();
    m.remove();
  }
});

test("a message over the target's size limit fails alone: the rest of its folder and the other folders are copied, exit 1, audited with the reason, re-planned", async () => {
  // The target refuses messages over 64 KB with NO [LIMIT], as a mail host's size limit does
  // (Dovecot does not advertise APPENDLIMIT: the refusal comes from the server, mid-MULTIAPPEND).
  const limited = await startDovecot({ layout: 'dot', maxMessageSize: 64 * 1024 });
  try {
    const m = await newMigration(
      'fault-too-big',
      { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$', '^Work$'] } },
      { targetServer: limited },
    );
    try {
      await fillMailbox(m.source.server, m.source, {
        INBOX: [
          { name: 'a' },
          { name: 'b', flags: ['\\Seen'] },
          { name: 'big', padding: 200_000 },
          { name: 'c', flags: ['\\Flagged'] },
        ],
        Work: [{ name: 'w1' }, { name: 'w2', flags: ['\\Answered'] }],
      });
      const applied = await runMailshift(['apply', m.manifest, '--phase', 'presync', '--auto-approve'], { env: m.env });
      assertFailedCleanly(applied);
      assert.match(applied.stdout, /Apply finished with failures: 5 copied .*· 1 failed\./);
      assert.match(applied.stdout, /account alice: 1 action failed: the target refused it: LIMIT/);

      const [source, target] = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(limited, m.target),
      ]);
      assert.equal(
        target.INBOX!.map((x) => x.messageId),
        ['<a@test>', '<b@test>', '<c@test>'],
        'the rest of INBOX is copied, in order',
      );
      assert.equal(
        target['INBOX.Work']!.map((x) => x.messageId),
        ['<w1@test>', '<w2@test>'],
        'the other folder is copied',
      );
      const big = source.INBOX!.find((x) => x.messageId === '<big@test>')!;
      assert.equal(
        contentMultiset(target),
        contentMultiset(source).filter((line) => !line.startsWith(big.sha256)),
        'what was copied is exact: bodies, flags, dates',
      );

      const [applyId] = applyIds(m, 'fault-too-big');
      const { apply, chain } = await auditedApply(m, applyId!);
      assert.ok(chain.ok);
      assert.is(apply.result, 'failed');
      assert.is(apply.counts.messagesCopied, 5);
      assert.is(apply.counts.failed, 1);
      const { subscribed: _subscribed, ...recounted } = apply.counts;
      assert.equal(
        apply.summary,
        recounted,
        'the summary apply printed and sealed matches what its action records add up to',
      );
      const failures = failuresOf(apply);
      assert.equal(
        failures.map(({ folder, op, uid }) => ({ folder, op, uid })),
        [{ folder: 'INBOX', op: 'copy', uid: big.uid }],
        'the refused copy, and only it, is audited as failed',
      );
      assert.match(
        failures[0]!.reason,
        'the target refused it: LIMIT Mail size is larger than the maximum size allowed by server configuration',
      );

      const replanned = await runMailshift(
        ['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--quiet'],
        { env: m.env },
      );
      assert.is(replanned.code, 2, replanned.stderr);
      const again = JSON.parse(readFileSync(m.planPath('presync'), 'utf8')) as {
        accounts: Array<{ folders: Array<{ source: string; actions: Array<{ op: string; uid?: number }> }> }>;
      };
      const actions = again.accounts[0]!.folders.flatMap((folder) =>
        folder.actions.map((action) => ({ folder: folder.source, op: action.op, uid: action.uid })),
      );
      assert.equal(
        actions,
        [{ folder: 'INBOX', op: 'copy', uid: big.uid }],
        're-planning lists exactly the refused copy',
      );
    } finally {
      m.remove();
    }
  } finally {
    await limited.stop();
  }
});

test.run();
