// A manifest kept in git, its plan written with --out outside the repository (a CI artifact
// folder, say): apply still finds the manifest, and the plan still names the commit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';

test("plan --out outside the manifest's repository: apply finds the manifest", async () => {
  const m = await newMigration('out-of-repo', { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } });
  const elsewhere = mkdtempSync(join(tmpdir(), 'mailshift-artifacts-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@example.test', '-c', 'user.name=CI', ...args], {
        cwd: m.dir,
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'the migration');
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }] });
    const planFile = join(elsewhere, 'presync.plan.json');
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--out', planFile, '--quiet'], {
      env: m.env,
    });
    assert.is(planned.code, 0, planned.output);
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    assert.is(plan.manifest.relativeTo, 'plan');
    assert.ok(plan.manifest.git?.commit, 'the commit is still recorded');
    const applied = await runMailshift(['apply', planFile, '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
    m.remove();
  }
});

test.run();
