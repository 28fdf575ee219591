// Ctrl-C and SIGTERM in the middle of `mailshift apply`, as a user sends them: the apply starts
// nothing new, lets the batches in flight finish, records every copy that reached the target, seals
// the audit as interrupted and says how to resume; a second signal exits at once. The same plan
// then finishes the work, and every message on the target is in exactly one audit copy record.
// (kill -9 mid-apply is covered by apply.test.ts.)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { stateDirFor } from '../../src/state/store.ts';
import { BIN, REPO, runMailshift, type CliResult } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration, type MigrationEndpoints } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { auditFiles } from '../support/audit-files.ts';

// Enough that the copies are still in flight when the signal comes, on a fast machine too.
const MESSAGES = 1200;
// \Deleted source messages are not copied.
const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');

/** A planned migration of `messages` messages. */
async function plannedMigration(
  name: string,
  messages = MESSAGES,
  endpoints: MigrationEndpoints = {},
): Promise<{ m: Migration; planFile: string }> {
  const m = await newMigration(name, { phases: [{ name: 'presync' }] }, endpoints);
  await seedMailbox(m.source.server, m.source, { seed: 51, messages, otherDelimiter: '.' });
  const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
  assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
  return { m, planFile: m.planPath('presync') };
}

/**
 * Start `mailshift apply planFile`; once its journal holds `entries` finished actions and `ready`
 * says so (progress, not a clock), send `signals` 50 ms apart.
 */
async function signalMidway(
  m: Migration,
  planFile: string,
  entries: number,
  signals: NodeJS.Signals[],
  ready = () => true,
): Promise<CliResult & { journaledAtSignal: number; signalledAt: number }> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { name: string };
  const journal = join(
    stateDirFor(m.manifest, plan.name),
    'journal',
    `${createHash('sha256').update(readFileSync(planFile)).digest('hex')}.jsonl`,
  );
  const child = spawn(process.execPath, [BIN, 'apply', planFile], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', ...m.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let [stdout, stderr, output] = ['', '', ''];
  child.stdout.on('data', (chunk) => ((stdout += chunk), (output += chunk)));
  child.stderr.on('data', (chunk) => ((stderr += chunk), (output += chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  while (running && (journalEntries(journal) < entries || !ready()))
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(running, `the apply was still running when the signal was due:\n${output}`);
  const journaledAtSignal = journalEntries(journal);
  const signalledAt = Date.now();
  for (const [index, signal] of signals.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill(signal);
  }
  return { code: await exited, stdout, stderr, output, journaledAtSignal, signalledAt };
}

function journalEntries(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

function assertStoppedCleanly(stopped: CliResult, planFile: string): void {
  assert.is(stopped.code, 130, stopped.output);
  assert.ok(
    stopped.stdout.includes(`Resume with: mailshift apply ${planFile}`),
    `the resume command is printed:\n${stopped.output}`,
  );
  assert.not.match(stopped.output, /closed log|internal error/i);
}

/** Re-apply to completion; then the target equals the source and each target message has exactly one audit copy record. */
async function assertResumesCompletely(m: Migration, name: string, planFile: string): Promise<void> {
  const finished = await runMailshift(['apply', planFile], { env: m.env });
  assert.is(finished.code, 0, finished.output);
  const [source, target] = await Promise.all([
    mailboxState(m.source.server, m.source),
    mailboxState(m.target.server, m.target),
  ]);
  const copied = contentMultiset(source).filter(notDeleted);
  assert.equal(contentMultiset(target), copied, "the target holds the source's messages: none lost, no duplicates");
  const onTarget = Object.values(target).reduce((sum, messages) => sum + messages.length, 0);
  assert.is(onTarget, copied.length);
  const copies = auditFiles(m.manifest, name)
    .flat()
    .filter((r) => r.type === 'action' && r.op === 'copy' && r.result === 'done');
  const sourceMessages = copies.map((r) => `${r.folder}/${r.uid}`);
  assert.is(new Set(sourceMessages).size, sourceMessages.length, 'no message has two audit copy records');
  assert.is(copies.length, onTarget, 'every message on the target has an audit copy record');
}

async function assertSealedInterrupted(m: Migration, name: string, stopped: CliResult): Promise<void> {
  const [first] = auditFiles(m.manifest, name);
  const end = first!.at(-1)!;
  assert.is(end.type, 'end', "the interrupted apply's audit file is sealed");
  assert.is(end.result, 'interrupted');
  const copied = first!.filter((r) => r.op === 'copy' && r.result === 'done').length;
  assert.ok(copied > 0 && copied < MESSAGES, `stopped midway (${copied} copies)`);
  assert.is(
    (end.summary as Record<string, number>).messagesCopied,
    copied,
    'the sealed summary counts the copies recorded',
  );
  assert.match(
    stopped.stdout,
    new RegExp(`Apply interrupted: ${copied} copied`),
    'the summary printed says what was done',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} mid-copy: exit 130, the copies in flight recorded, the audit sealed interrupted, resume command shown; the same plan completes, every copy audited once`, async () => {
    const name = `signal-${signal.toLowerCase()}`;
    const { m, planFile } = await plannedMigration(name);
    try {
      const stopped = await signalMidway(m, planFile, 200, [signal]);
      assertStoppedCleanly(stopped, planFile);
      await assertSealedInterrupted(m, name, stopped);
      await assertResumesCompletely(m, name, planFile);
    } finally {
      m.remove();
    }
  });
}

test('SIGINT while the target has stopped answering: the connections are dropped after the grace period, the audit sealed; what the target stored unanswered is found and audited once', async () => {
  const { dot } = await dovecotPair();
  const proxy = await startTcpProxy(dot.ports.plain);
  const { m, planFile } = await plannedMigration('signal-forced', MESSAGES, { target: { port: proxy.port } });
  try {
    // Held in the middle of the copies' bytes: an APPEND is then in flight, and stays unanswered.
    proxy.holdAnswersAfterBytesToServer(3_000_000);
    const stopped = await signalMidway(m, planFile, 1, ['SIGINT'], () => proxy.holding);
    const seconds = (Date.now() - stopped.signalledAt) / 1000;
    assertStoppedCleanly(stopped, planFile);
    assert.ok(
      seconds >= 3.5 && seconds < 30,
      `waited for the batches in flight about 4 s, then dropped them (${seconds.toFixed(1)} s)`,
    );
    await assertSealedInterrupted(m, 'signal-forced', stopped);
    const audited = auditFiles(m.manifest, 'signal-forced')[0]!.filter(
      (r) => r.op === 'copy' && r.result === 'done',
    ).length;
    const stored = Object.values(await mailboxState(dot, m.target)).reduce((sum, messages) => sum + messages.length, 0);
    assert.ok(
      stored > audited,
      `the target stored copies it never acknowledged (${stored} stored, ${audited} audited)`,
    );
    proxy.heal();
    await assertResumesCompletely(m, 'signal-forced', planFile);
  } finally {
    m.remove();
    await proxy.stop();
  }
});

test('two Ctrl-Cs in quick succession: exit 130 at once; the next run of the plan leaves no duplicates and every copy audited once', async () => {
  // Throttled, so that the batches in flight are still finishing when the second Ctrl-C comes.
  const { m, planFile } = await plannedMigration('signal-twice', MESSAGES, { target: { maxMessagesPerSecond: 150 } });
  try {
    const stopped = await signalMidway(m, planFile, 200, ['SIGINT', 'SIGINT']);
    assert.is(stopped.code, 130, stopped.output);
    assert.not.match(
      stopped.stdout,
      'Apply interrupted',
      'the second Ctrl-C exits at once, without waiting for the summary',
    );
    assert.not.match(stopped.output, /closed log|internal error/i);
    await assertResumesCompletely(m, 'signal-twice', planFile);
  } finally {
    m.remove();
  }
});

test('killed between journal and audit (the last records and the end record lost): the next apply audits what the journal has, once', async () => {
  const { m, planFile } = await plannedMigration('signal-unaudited', 60);
  try {
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    const dir = auditDirFor(m.manifest, 'signal-unaudited');
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
    const lines = readFileSync(join(dir, file!), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    writeFileSync(
      join(dir, file!),
      lines
        .slice(0, -11)
        .map((line) => `${line}\n`)
        .join(''),
    );
    await assertResumesCompletely(m, 'signal-unaudited', planFile);
    const recovered = auditFiles(m.manifest, 'signal-unaudited')[1]!.filter(
      (r) => r.type === 'action' && /ended before auditing it/.test(String(r.reason)),
    );
    assert.is(recovered.length, 10, 'the ten lost records are audited by the next apply');
  } finally {
    m.remove();
  }
});

test('Ctrl-C while the apply starts up (its checks reading the servers): nothing starts, the lock is released, the audit sealed interrupted', async () => {
  const m = await newMigration('signal-startup', { phases: [{ name: 'presync' }] });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 52, messages: 20, otherDelimiter: '.' });
    // The source secret comes from a command that says when it runs and takes its time: the
    // signal is sent while the identity check logs in (no snapshot cache in another state dir).
    const marker = join(m.dir, 'secret-asked');
    const manifest = JSON.parse(readFileSync(m.manifest, 'utf8'));
    manifest.accounts[0].source.password = {
      command: ['sh', '-c', `touch ${marker}; sleep 2; printf %s "$MIG_SOURCE_PW"`],
    };
    writeFileSync(m.manifest, JSON.stringify(manifest));
    const planFile = m.planPath('presync');
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
    rmSync(marker);
    const child = spawn(process.execPath, [BIN, 'apply', planFile, '--state-dir', join(m.dir, 'other-state')], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', ...m.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    const code = await exited;
    assert.is(code, 130, output);
    assert.match(output, 'Apply interrupted: 0 copied');
    assert.match(output, `Resume with: mailshift apply ${planFile}`);
    assert.equal(contentMultiset(await mailboxState(m.target.server, m.target)), [], 'nothing copied');
    const [records] = auditFiles(m.manifest, 'signal-startup');
    assert.equal(
      records!.map((r) => r.type),
      ['start', 'end'],
      'no action audited',
    );
    assert.is(records!.at(-1)!.result, 'interrupted');
    assert.not.ok(existsSync(join(stateDirFor(m.manifest, 'signal-startup'), 'lock')), 'the lock is released');
    await assertResumesCompletely(m, 'signal-startup', planFile);
  } finally {
    m.remove();
  }
});

test.run();
