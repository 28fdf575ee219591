// `mailshift apply --state-dir DIR` when the state folder refuses writes: read-only, impossible to
// create, or full mid-apply. The error names the path (STATE_WRITE), never "internal error", and
// the summary line counts what was actually done. Read-only and full need a tmpfs of their own:
// the harness runs as root (which ignores file modes), so they mount one; without root they skip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift, type CliResult } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';

const root = process.getuid?.() === 0;
// \Deleted source messages are not copied.
const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');

async function planned(name: string, messages: number): Promise<{ m: Migration; planFile: string }> {
  const m = await newMigration(name, { phases: [{ name: 'presync' }] });
  await seedMailbox(m.source.server, m.source, { seed: 61, messages, otherDelimiter: '.' });
  const result = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
  assert.ok(result.code === 0 || result.code === 2, result.stderr);
  return { m, planFile: m.planPath('presync') };
}

/** A tmpfs mounted on a new temporary folder for the test's duration. */
function withTmpfs(options: string): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mailshift-state-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  return { dir, unmount: () => (execFileSync('umount', [dir]), rmSync(dir, { recursive: true })) };
}

function assertRefusedWithPath(result: CliResult, path: string): void {
  assert.is(result.code, 1, result.output);
  assert.match(result.stderr, `cannot write`);
  assert.ok(result.stderr.includes(path), `the error names the path ${path}:\n${result.output}`);
  assert.not.match(result.output, /internal error/i);
  assert.not.ok(hasStackTrace(result.output), result.output);
}

async function targetMessages(m: Migration): Promise<number> {
  return Object.values(await mailboxState(m.target.server, m.target)).reduce(
    (sum, messages) => sum + messages.length,
    0,
  );
}

test('a state dir that does not exist yet is made; one that cannot be made (a file on its path) is refused with its path, nothing copied', async () => {
  const { m, planFile } = await planned('state-missing', 20);
  try {
    writeFileSync(join(m.dir, 'not-a-folder'), '');
    const blocked = join(m.dir, 'not-a-folder', 'state');
    const refused = await runMailshift(['apply', planFile, '--state-dir', blocked], { env: m.env });
    assertRefusedWithPath(refused, join(m.dir, 'not-a-folder'));
    assert.is(await targetMessages(m), 0, 'refused before the first copy');
    const fresh = join(m.dir, 'new', 'state');
    const applied = await runMailshift(['apply', planFile, '--state-dir', fresh], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    assert.ok(readdirSync(join(fresh, 'state-missing')).includes('journal'), 'the journal is in the new state dir');
  } finally {
    m.remove();
  }
});

test('a read-only state dir is refused with its path, nothing copied', async () => {
  if (!root) return console.log('  skipped: mounting a read-only tmpfs needs root');
  const { m, planFile } = await planned('state-readonly', 20);
  const tmpfs = withTmpfs('ro,size=1m');
  try {
    const refused = await runMailshift(['apply', planFile, '--state-dir', tmpfs.dir], { env: m.env });
    assertRefusedWithPath(refused, tmpfs.dir);
    assert.match(refused.stderr, 'read-only');
    assert.is(await targetMessages(m), 0, 'refused before the first copy');
  } finally {
    tmpfs.unmount();
    m.remove();
  }
});

test('a state dir that fills up mid-apply: STATE_WRITE naming the journal, the summary counts the copies made; re-applying elsewhere converges', async () => {
  if (!root) return console.log('  skipped: mounting a small tmpfs needs root');
  const { m, planFile } = await planned('state-full', 400);
  // Room for the lock and about a hundred journal entries, not for 400.
  const tmpfs = withTmpfs('size=32k');
  try {
    const failed = await runMailshift(['apply', planFile, '--state-dir', tmpfs.dir], { env: m.env });
    assertRefusedWithPath(failed, join(tmpfs.dir, 'state-full', 'journal'));
    assert.match(failed.stderr, 'no space left on the device (ENOSPC)');
    const copied = Number(/Apply finished with failures: (\d+) copied/.exec(failed.stdout)?.[1]);
    const onTarget = await targetMessages(m);
    assert.ok(onTarget > 0, 'some copies were made before the disk filled');
    assert.is(copied, onTarget, `the summary counts every copy made:\n${failed.stdout}`);
    // A new state dir has an empty journal: the copies already made are recognised on the target, not made twice.
    const finished = await runMailshift(['apply', planFile, '--state-dir', join(m.dir, 'roomy')], { env: m.env });
    assert.is(finished.code, 0, finished.output);
    const [source, target] = await Promise.all([
      mailboxState(m.source.server, m.source),
      mailboxState(m.target.server, m.target),
    ]);
    assert.equal(contentMultiset(target), contentMultiset(source).filter(notDeleted), 'no duplicates, nothing lost');
  } finally {
    tmpfs.unmount();
    m.remove();
  }
});

test.run();
