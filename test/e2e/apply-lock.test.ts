// One lock per migration, whichever --state-dir holds its journals: a CI runner's
// MAILSHIFT_STATE_DIR and an operator's laptop default share the manifest's audit chain and its
// target mailboxes, so their applies must never run together.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localStateStore, stateDirFor } from '../../src/state/store.ts';
import { runMailshift } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';

test('an apply with another --state-dir is refused while the migration is locked', async () => {
  const m = await newMigration('lock-elsewhere', { phases: [{ name: 'presync' }] });
  const otherState = mkdtempSync(join(tmpdir(), 'mailshift-state-'));
  try {
    await seedMailbox(m.source.server, m.source, { seed: 5, messages: 4, otherDelimiter: '.' });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
    // The default state dir's holder: an apply running from the manifest's own folder.
    const lock = await localStateStore(stateDirFor(m.manifest, 'lock-elsewhere')).lock({
      operator: 'ci@runner',
      pid: process.pid,
      host: hostname(),
    });
    try {
      const applied = await runMailshift(['apply', m.planPath('presync'), '--state-dir', otherState], { env: m.env });
      assert.is(applied.code, 1, applied.stdout + applied.stderr);
      assert.match(applied.stderr, 'the migration is locked by ci@runner');
      const target = await mailboxState(m.target.server, m.target);
      assert.equal(contentMultiset(target), [], 'nothing was copied');
    } finally {
      await lock.release();
    }
  } finally {
    rmSync(otherState, { recursive: true, force: true });
    m.remove();
  }
});

test('two applies of one plan with different state dirs at once: one runs, no duplicates, the audit chain holds', async () => {
  const m = await newMigration('lock-race', { phases: [{ name: 'presync' }] });
  const states = [mkdtempSync(join(tmpdir(), 'mailshift-state-')), mkdtempSync(join(tmpdir(), 'mailshift-state-'))];
  try {
    await seedMailbox(m.source.server, m.source, { seed: 6, messages: 200, otherDelimiter: '.' });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
    const runs = await Promise.all(
      states.map((dir) =>
        runMailshift(['apply', m.planPath('presync'), '--state-dir', dir, '--quiet'], { env: m.env }),
      ),
    );
    const refused = runs.filter((run) => /the migration is locked/.test(run.stderr));
    assert.ok(
      runs.some((run) => run.code === 0),
      runs.map((run) => run.stdout + run.stderr).join('\n---\n'),
    );
    // Either the second waited for nothing (the first had finished) or the lock refused it.
    for (const run of runs) assert.ok(run.code === 0 || refused.includes(run), run.stdout + run.stderr);
    const [source, target] = await Promise.all([
      mailboxState(m.source.server, m.source),
      mailboxState(m.target.server, m.target),
    ]);
    assert.equal(
      contentMultiset(target),
      contentMultiset(source).filter((line) => !line.split(' ')[1]!.split(',').includes('\\Deleted')),
      'every message once',
    );
    const audit = await runMailshift(['audit', m.manifest], { env: m.env });
    assert.is(audit.code, 0, audit.stdout + audit.stderr);
  } finally {
    for (const dir of states) rmSync(dir, { recursive: true, force: true });
    m.remove();
  }
});

test.run();
