// `mailshift apply` as a user runs it, against the Dovecot pair: exact copies, idempotent re-runs,
// kill -9 at several points, stale plans, the lock, and deleteSource's confirmation rule.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AccountPlan } from '../../src/plan/types.ts';
import { localStateStore, stateDirFor } from '../../src/state/store.ts';
import { BIN, REPO, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { auditRecords } from '../support/audit-files.ts';
import { addAccount, newMigration, type Migration } from '../support/migration.ts';
import { plainClient, seedMailbox } from '../support/seed.ts';

/** One account's two logins. */
interface Logins {
  source: { user: string; password: string };
  target: { user: string; password: string };
}

/**
 * Start `mailshift apply planFile` and send it `signal` once its journal holds `entries` finished
 * actions: on progress, not on a clock (a fast machine would finish before a timer fires).
 */
async function signalMidway(
  m: Migration,
  planFile: string,
  entries: number,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { name: string };
  const journal = join(
    stateDirFor(m.manifest, plan.name),
    'journal',
    `${createHash('sha256').update(readFileSync(planFile)).digest('hex')}.jsonl`,
  );
  const child = spawn(process.execPath, [BIN, 'apply', planFile, '--quiet'], {
    cwd: REPO,
    env: { ...process.env, ...m.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, sent) => resolve({ code, signal: sent })),
  );
  let running = true;
  void exited.then(() => (running = false));
  while (running && journalEntries(journal) < entries) await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill(signal);
  return { ...(await exited), stdout };
}

/** kill -9 the apply of `planFile` once its journal holds each of `points` entries (plus up to `jitter`), then apply it to the end. */
async function killThenFinish(
  m: Migration,
  planFile: string,
  points: readonly number[],
  jitter: number,
): Promise<void> {
  for (const entries of points) {
    const { code, signal } = await signalMidway(m, planFile, entries + Math.floor(Math.random() * jitter), 'SIGKILL');
    assert.equal({ code, signal }, { code: null, signal: 'SIGKILL' }, 'the apply was killed midway');
  }
  const finished = await runMailshift(['apply', planFile], { env: m.env });
  assert.is(finished.code, 0, finished.stderr + finished.stdout);
}

function journalEntries(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');

async function plan(m: Migration, phase: string, extra: string[] = []) {
  const result = await runMailshift(['plan', m.manifest, '--phase', phase, '--quiet', ...extra], { env: m.env });
  assert.ok(result.code === 0 || result.code === 2, result.stderr);
  return m.planPath(phase);
}

/** Source messages that must be on the target (not \Deleted, \Deleted flag never copied) vs the target's. */
async function assertTargetMirrorsSource(m: Migration, pair: Logins = m): Promise<void> {
  const [source, target] = await Promise.all([
    mailboxState(m.source.server, pair.source),
    mailboxState(m.target.server, pair.target),
  ]);
  assert.equal(
    contentMultiset(target),
    contentMultiset(source).filter(notDeleted),
    `${pair.source.user}: same bodies (SHA-256), flags and INTERNALDATEs; no duplicates, nothing lost`,
  );
}

test('plan → apply → the target holds exactly the source; a second plan has nothing to do; re-applying changes nothing', async () => {
  const m = await newMigration('apply-full', {
    folders: { automap: true },
    phases: [{ name: 'presync', deleteTarget: true, deleteTargetFolders: true }],
  });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 31, messages: 80, otherDelimiter: '.' });
    const planFile = await plan(m, 'presync');
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    assert.match(applied.stdout, /Apply complete: \d+ copied/);
    await assertTargetMirrorsSource(m);
    const again = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--quiet'], {
      env: m.env,
    });
    assert.is(again.code, 0, 'no changes after apply');
    const before = await mailboxState(m.target.server, m.target);
    const reapplied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(reapplied.code, 0, reapplied.stderr);
    assert.match(reapplied.stdout, 'Apply complete: 0 copied');
    assert.equal(await mailboxState(m.target.server, m.target), before, 'the journal makes a re-run a no-op');
  } finally {
    m.remove();
  }
});

test("apply leaves the copies \\Recent for the user's mail client: it only ever EXAMINEs the folders it reads back", async () => {
  const m = await newMigration('apply-recent', { phases: [{ name: 'presync' }] });
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [{ name: 'one' }, { name: 'two', flags: ['\\Seen'] }],
      Projects: [{ name: 'three' }],
    });
    const applied = await runMailshift(['apply', await plan(m, 'presync')], { env: m.env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    const client = plainClient(m.target.server, m.target);
    await client.connect();
    try {
      // INBOX was there before the apply (its UIDVALIDITY was checked), Projects was created by it.
      for (const [folder, count] of [
        ['INBOX', 2],
        ['Projects', 1],
      ] as const) {
        await client.mailboxOpen(folder);
        const recent: number[] = [];
        for await (const message of client.fetch('1:*', { uid: true, flags: true }))
          if (message.flags?.has('\\Recent')) recent.push(message.uid);
        assert.is(recent.length, count, `every copy in ${folder} is \\Recent at the user's first SELECT`);
      }
    } finally {
      await client.logout();
    }
  } finally {
    m.remove();
  }
});

test('kill -9 at several points, then re-apply: the target equals the source, zero duplicates', async () => {
  const m = await newMigration('apply-kill', { phases: [{ name: 'presync' }] });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 32, messages: 1500, otherDelimiter: '.' });
    const planFile = await plan(m, 'presync');
    await killThenFinish(m, planFile, [150, 600, 1000], 50);
    await assertTargetMirrorsSource(m);
    const again = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--quiet'], {
      env: m.env,
    });
    assert.is(again.code, 0, 'nothing left to copy');
  } finally {
    m.remove();
  }
});

test('kill -9 at several points of a three-account apply, then re-apply: every account exact, every copy audited once', async () => {
  const m = await newMigration('apply-kill-wave', { phases: [{ name: 'presync' }] });
  try {
    const accounts: Array<{ id: string } & Logins> = [{ id: 'alice', source: m.source, target: m.target }];
    for (const id of ['bob', 'carol']) accounts.push({ id, ...(await addAccount(m, id)) });
    for (const [index, account] of accounts.entries())
      await seedMailbox(m.source.server, account.source, { seed: 40 + index, messages: 300, otherDelimiter: '.' });
    const planFile = await plan(m, 'presync');
    // The three accounts run at once (--concurrency 4): each kill lands in the middle of all of them.
    await killThenFinish(m, planFile, [60, 300, 600], 30);
    for (const account of accounts) await assertTargetMirrorsSource(m, account);

    const copies = auditRecords(m.manifest).filter((record) => record.op === 'copy' && record.result === 'done');
    const keys = copies.map((record) => `${record.account} ${record.folder} ${record.uid}`);
    assert.is(new Set(keys).size, keys.length, 'no copy audited twice');
    const planned = JSON.parse(readFileSync(planFile, 'utf8')).accounts.flatMap((account: AccountPlan) =>
      account.folders.flatMap((folder) =>
        folder.actions
          .filter((action) => action.op === 'copy')
          .map((action) => `${account.id} ${folder.source} ${action.uid}`),
      ),
    );
    assert.equal(keys.sort(), planned.sort(), 'every planned copy audited once');
  } finally {
    m.remove();
  }
});

test('Ctrl-C stops cleanly: exit 130, the audit sealed as interrupted, the lock released; the same plan then finishes the work', async () => {
  const m = await newMigration('apply-interrupt', { phases: [{ name: 'presync' }] });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 33, messages: 800, otherDelimiter: '.' });
    const planFile = await plan(m, 'presync');
    const interrupted = await signalMidway(m, planFile, 200, 'SIGINT');
    assert.is(interrupted.code, 130, 'exit code 130 on Ctrl-C');
    const shown = await runMailshift(['audit', m.manifest, '--format', 'json'], { env: m.env });
    const applies = JSON.parse(shown.stdout).applies as Array<{ result: string; endedAt: string | null }>;
    assert.equal(
      applies.map((a) => a.result),
      ['interrupted'],
      shown.stdout,
    );
    assert.ok(applies[0]!.endedAt, 'the audit file has its end record');
    const lock = await localStateStore(stateDirFor(m.manifest, 'apply-interrupt')).lock({
      operator: 'test',
      pid: process.pid,
      host: 'test',
    });
    assert.is(lock.tookOverFrom, null, 'the lock was released, not left behind');
    await lock.release();
    const finished = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(finished.code, 0, finished.stderr + finished.stdout);
    await assertTargetMirrorsSource(m);
  } finally {
    m.remove();
  }
});

test('a folder whose UIDVALIDITY changed since the plan is not touched; the others are applied', async () => {
  const m = await newMigration('apply-stale', {
    phases: [{ name: 'presync' }],
    folders: { exclude: ['^(Drafts|Sent|Trash|Junk|Archive)$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }], Work: [{ name: 'w1' }] });
    const planFile = await plan(m, 'presync');
    const client = plainClient(m.source.server, m.source);
    await client.connect();
    await client.mailboxDelete('Work');
    await client.mailboxCreate('Work');
    await client.logout();
    await fillMailbox(m.source.server, m.source, { Work: [{ name: 'w2' }] });
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 1);
    assert.match(applied.stdout, 'finished with failures');
    const target = await mailboxState(m.target.server, m.target);
    assert.is(target.INBOX!.length, 1, 'INBOX applied');
    assert.is(target['INBOX.Work'], undefined, 'the stale folder was not created or filled');
    const audit = await runMailshift(['audit', m.manifest], { env: m.env });
    assert.is(audit.code, 0, audit.stderr);
  } finally {
    m.remove();
  }
});

test('deleteSource never removes a message whose copy is not confirmed on the target', async () => {
  const m = await newMigration('apply-drain', {
    phases: [{ name: 'drain', deleteSource: true }],
    folders: { include: ['^INBOX$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'a' }] });
    const planFile = await plan(m, 'drain');
    // The copy of "a" the plan relies on disappears before apply.
    const client = plainClient(m.target.server, m.target);
    await client.connect();
    await client.mailboxOpen('INBOX');
    await client.messageDelete('1:*');
    await client.logout();
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 1, 'the kept message counts as not done');
    const source = await mailboxState(m.source.server, m.source);
    assert.equal(
      source.INBOX!.map((x) => x.messageId),
      ['<a@test>'],
      '"a" kept (its copy is gone), "b" deleted after its copy',
    );
    const target = await mailboxState(m.target.server, m.target);
    assert.equal(
      target.INBOX!.map((x) => x.messageId),
      ['<b@test>'],
    );
  } finally {
    m.remove();
  }
});

test('a plan whose manifest changed since is refused', async () => {
  const m = await newMigration('apply-changed', { phases: [{ name: 'presync' }] });
  try {
    const planFile = await plan(m, 'presync');
    const manifest = JSON.parse(readFileSync(m.manifest, 'utf8'));
    writeFileSync(m.manifest, JSON.stringify({ ...manifest, description: 'edited after the plan' }));
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 1);
    assert.match(applied.stderr, 'changed since this plan was made');
  } finally {
    m.remove();
  }
});

test('two applies of one migration never run together', async () => {
  const m = await newMigration('apply-lock', { phases: [{ name: 'presync' }] });
  try {
    const planFile = await plan(m, 'presync');
    const lock = await localStateStore(stateDirFor(m.manifest, 'apply-lock')).lock({
      operator: 'someone@elsewhere',
      pid: process.pid,
      host: (await import('node:os')).hostname(),
    });
    try {
      const applied = await runMailshift(['apply', planFile], { env: m.env });
      assert.is(applied.code, 1);
      assert.match(applied.stderr, /lock/i);
    } finally {
      await lock.release();
    }
  } finally {
    m.remove();
  }
});

test('apply <manifest> --phase refuses without a terminal unless --auto-approve', async () => {
  const m = await newMigration('apply-approve', { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }] });
    const refused = await runMailshift(['apply', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(refused.code, 1);
    assert.match(refused.stderr, 'refusing to apply without confirmation: not on a terminal');
    const approved = await runMailshift(['apply', m.manifest, '--phase', 'presync', '--auto-approve'], { env: m.env });
    assert.is(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, 'Apply complete: 1 copied');
    const nothing = await runMailshift(['apply', m.manifest, '--phase', 'presync', '--auto-approve'], { env: m.env });
    assert.match(nothing.stdout, 'Nothing to do.');
  } finally {
    m.remove();
  }
});

test.run();
