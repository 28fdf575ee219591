// `mailshift apply` when the target refuses one message in the middle of a batch (mailutils'
// "BAD APPEND Unrecognized flag", a NO [OVERQUOTA]): what it stored before and after the refusal
// is journaled, audited and counted as copied, the refused one fails with the server's words, and
// a second apply finishes without a duplicate. A proxy in front of the target turns the answer to
// one APPEND into the refusal (the server itself stored the message: the second apply must find
// it there, not append it again).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { runMailshift } from '../support/cli.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { OFFICE365_CAPABILITIES } from '../support/dovecot-config.ts';
import { seedMailbox } from '../support/seed.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { onPublicApi } from '../support/wire.ts';
import { auditRecords } from '../support/audit-files.ts';

/** A rewrite that turns the server's `nth` OK [APPENDUID …] into `refusal` (same tag). */
function refuseNthAppend(nth: number, refusal: string): (line: string) => string {
  let seen = 0;
  return (line) => {
    const match = /^(\S+) OK \[APPENDUID /.exec(line);
    if (!match || ++seen !== nth) return line;
    return `${match[1]} ${refusal}`;
  };
}

async function withProxiedTarget(
  name: string,
  server: DovecotServer | undefined,
  proxyOptions: Parameters<typeof startTcpProxy>[1],
  run: (m: Migration, proxy: TcpProxy) => Promise<void>,
): Promise<void> {
  const target = server ?? (await dovecotPair()).dot;
  const proxy = await startTcpProxy(target.ports.plain, proxyOptions);
  const m = await newMigration(
    name,
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } },
    { targetServer: target, target: { port: proxy.port, connections: 1 } },
  );
  try {
    await run(m, proxy);
  } finally {
    await proxy.stop();
    m.remove();
  }
}

async function plan(m: Migration): Promise<string> {
  const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
  assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
  return m.planPath('presync');
}

/** The refused message audited failed with the server's words; every other one done; a second apply completes, and the target holds each message once. */
async function assertRefusedAloneThenConverges(
  m: Migration,
  name: string,
  planFile: string,
  words: RegExp,
  copied: number,
): Promise<void> {
  const first = auditRecords(m.manifest, name).filter((r) => r.op === 'copy');
  const failed = first.filter((r) => r.result === 'failed');
  assert.is(failed.length, 1, `one copy failed: ${JSON.stringify(failed)}`);
  assert.match(String(failed[0]!.reason), words, "in the server's words");
  assert.is(first.filter((r) => r.result === 'done').length, copied, 'every other message audited done');
  assert.ok(
    first
      .filter((r) => r.result === 'done' && !/found on the target/.test(String(r.reason)))
      .every((r) => typeof r.targetUid === 'number'),
    'each answered one with its APPENDUID',
  );
  assert.is(first.find((r) => r.result === 'done')!.uid, 1, 'the message stored before the refusal is kept');

  const again = await runMailshift(['apply', planFile], { env: m.env });
  assert.is(again.code, 0, again.stdout + again.stderr);
  const [source, target] = await Promise.all([
    mailboxState(m.source.server, m.source),
    mailboxState(m.target.server, m.target),
  ]);
  assert.equal(
    contentMultiset(target),
    contentMultiset(source),
    'every message on the target once: none lost, none duplicated',
  );
  const second = auditRecords(m.manifest, name)
    .filter((r) => r.op === 'copy')
    .slice(first.length);
  assert.equal(
    second.map((r) => [r.uid, r.result]),
    [[failed[0]!.uid, 'done']],
    'the second apply only settles the refused one',
  );
  assert.match(
    String(second[0]!.reason),
    /found on the target/,
    'found where the server had put it, not appended again',
  );
}

const MESSAGES = {
  INBOX: [{ name: 'a' }, { name: 'b', flags: ['\\Seen'] }, { name: 'c' }, { name: 'd', flags: ['\\Flagged'] }],
};

for (const { label, hide } of [
  { label: 'pipelined (LITERAL+, no MULTIAPPEND)', hide: ['MULTIAPPEND'] },
  { label: 'one APPEND at a time (neither LITERAL+ nor MULTIAPPEND)', hide: ['MULTIAPPEND', 'LITERAL+'] },
]) {
  for (const { refusal, words } of [
    { refusal: 'BAD Unrecognized flag', words: /the target refused it: Unrecognized flag/ },
  ]) {
    test(`${label}: a ${refusal.split(' ')[0]} for the 2nd of 4 APPENDs fails that message alone; the others are copied, audited and counted; a re-run adds no duplicate`, async () => {
      const name = `refused-${hide.length}-${refusal.startsWith('BAD') ? 'bad' : 'no'}`;
      await withProxiedTarget(
        name,
        undefined,
        { hideCapabilities: ['COMPRESS=DEFLATE', ...hide], rewriteServerLine: refuseNthAppend(2, refusal) },
        async (m) => {
          await fillMailbox(m.source.server, m.source, MESSAGES);
          const planFile = await plan(m);
          const applied = await runMailshift(['apply', planFile], { env: m.env });
          assert.is(applied.code, 1, applied.stdout + applied.stderr);
          assert.match(
            applied.stdout,
            /Apply finished with failures: 3 copied .*· 1 failed\./,
            applied.stdout + applied.stderr,
          );
          await assertRefusedAloneThenConverges(m, name, planFile, words, 3);
        },
      );
    });
  }
  test(`${label}: a NO [OVERQUOTA] for the 2nd of 4 APPENDs stops the account (the mailbox is full): what was stored is kept, a re-run after room is made adds no duplicate`, async () => {
    const name = `refused-${hide.length}-quota`;
    await withProxiedTarget(
      name,
      undefined,
      {
        hideCapabilities: ['COMPRESS=DEFLATE', ...hide],
        rewriteServerLine: refuseNthAppend(2, 'NO [OVERQUOTA] Quota exceeded'),
      },
      async (m) => {
        await fillMailbox(m.source.server, m.source, MESSAGES);
        const planFile = await plan(m);
        const applied = await runMailshift(['apply', planFile], { env: m.env });
        assert.is(applied.code, 1, applied.stdout + applied.stderr);
        assert.match(applied.stderr, /error: account alice: target mailbox of account alice at \S+ is full/);
        const first = auditRecords(m.manifest, name).filter((r) => r.op === 'copy');
        assert.is(first.find((r) => r.result === 'done')!.uid, 1, 'the message stored before the refusal is kept');
        assert.ok(
          first.filter((r) => r.result === 'failed').every((r) => /is full.*OVERQUOTA/.test(String(r.reason))),
          'what was not copied failed for the full mailbox',
        );
        // The proxy's refusal was a one-off: the mailbox has room again.
        const again = await runMailshift(['apply', planFile], { env: m.env });
        assert.is(again.code, 0, again.stdout + again.stderr);
        const [source, target] = await Promise.all([
          mailboxState(m.source.server, m.source),
          mailboxState(m.target.server, m.target),
        ]);
        assert.equal(contentMultiset(target), contentMultiset(source), 'every message on the target once');
      },
    );
  });
}

test('MULTIAPPEND refused for one message over the size limit, then a BAD for another of the one-by-one APPENDs: both fail alone, what was stored is kept, a re-run adds no duplicate', async () => {
  const limited = await startDovecot({ layout: 'dot', maxMessageSize: 64 * 1024 });
  try {
    // The batch's NO [LIMIT] is the server's own; the proxy turns the 2nd APPENDUID (message b, sent alone) into a BAD.
    await withProxiedTarget(
      'refused-multi',
      limited,
      { hideCapabilities: ['COMPRESS=DEFLATE'], rewriteServerLine: refuseNthAppend(2, 'BAD Unrecognized flag') },
      async (m) => {
        await fillMailbox(m.source.server, m.source, {
          INBOX: [{ name: 'a' }, { name: 'b' }, { name: 'big', padding: 200_000 }, { name: 'c' }],
        });
        const planFile = await plan(m);
        const applied = await runMailshift(['apply', planFile], { env: m.env });
        assert.is(applied.code, 1, applied.stdout + applied.stderr);
        assert.match(applied.stdout, /Apply finished with failures: 2 copied .*· 2 failed\./);
        const copies = auditRecords(m.manifest, 'refused-multi').filter((r) => r.op === 'copy');
        assert.equal(
          copies.map((r) => r.result),
          ['done', 'failed', 'failed', 'done'],
          'in source order: a, b, big, c',
        );
        assert.match(String(copies[1]!.reason), /the target refused it: Unrecognized flag/);
        assert.match(String(copies[2]!.reason), /the target refused it: LIMIT/);

        const again = await runMailshift(['apply', planFile], { env: m.env });
        assert.is(again.code, 1, 'the big one is refused again');
        const second = auditRecords(m.manifest, 'refused-multi')
          .filter((r) => r.op === 'copy')
          .slice(copies.length);
        assert.equal(
          second.map((r) => r.result),
          ['done', 'failed'],
          'b found on the target, big refused again',
        );
        const [source, target] = await Promise.all([
          mailboxState(m.source.server, m.source),
          mailboxState(limited, m.target),
        ]);
        assert.equal(contentMultiset(target).length, 3);
        assert.ok(
          contentMultiset(target).every((line) => contentMultiset(source).includes(line)),
          'no duplicates: a, b and c once each',
        );
      },
    );
  } finally {
    await limited.stop();
  }
});

test('Office-365-like target, the connection cut in the middle of a pipeline of APPENDs: the apply resumes, what the unanswered APPENDs stored is found, not appended again', async () => {
  const office = await startDovecot({ layout: 'dot', capabilities: OFFICE365_CAPABILITIES });
  try {
    await withProxiedTarget('cut-pipeline', office, {}, async (m, proxy) => {
      await seedMailbox(m.source.server, m.source, { seed: 44, messages: 60, otherDelimiter: '.' });
      const planFile = await plan(m);
      // Past the logins and EXAMINEs, in the middle of the APPENDs' bytes.
      proxy.cutAfterBytesToServer(200_000);
      const applied = await runMailshift(['apply', planFile], { env: m.env });
      assert.is(proxy.cuts, 1, 'the cut happened');
      assert.is(applied.code, 0, applied.stdout + applied.stderr);
      const [source, target] = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(office, m.target),
      ]);
      // Source messages flagged \Deleted are not copied (messages.skipDeleted).
      const onSource = contentMultiset(source, (folder) => folder === 'INBOX').filter(
        (line) => !line.split(' ')[1]!.split(',').includes('\\Deleted'),
      );
      assert.equal(
        contentMultiset(target, (folder) => folder === 'INBOX'),
        onSource,
        'INBOX on the target once each: none lost, none duplicated',
      );
      const found = auditRecords(m.manifest, 'cut-pipeline').filter(
        (r) => r.op === 'copy' && r.result === 'done' && /after an interruption/.test(String(r.reason)),
      );
      // On imapflow's public API one APPEND waits for the next: a cut in its bytes leaves nothing stored.
      if (!onPublicApi) assert.ok(found.length > 0, 'APPENDs left unanswered by the cut were found on the target');
    });
  } finally {
    await office.stop();
  }
});

test.run();
