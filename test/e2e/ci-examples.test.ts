// The pull-request workflow of examples/ci/, run as the GitHub Actions jobs run it (the scripts
// the workflows call, with mailshift from this checkout) against the Dovecot pair: the plan job's
// comment, the apply job after merge, the runbook moving on to the next phase and to a gate.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, hasStackTrace, REPO, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration, type Migration } from '../support/migration.ts';

const PHASES = [
  { name: 'presync', deleteTarget: true },
  { name: 'final', requires: ['presync'], deleteTarget: true },
  { name: 'switch-mx', requires: ['final'], manual: 'Point the MX at the new server.' },
];

/** Run one of examples/ci/*.sh in the migration's folder, as the workflow step does. */
function runScript(
  m: Migration,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string; comment: string }> {
  const commentFile = join(m.dir, 'comment.md');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO, 'examples', 'ci', script), ...args], {
      cwd: m.dir,
      env: {
        ...process.env,
        ...m.env,
        NO_COLOR: '1',
        MAILSHIFT: `${process.execPath} ${BIN}`,
        COMMENT_FILE: commentFile,
        TABLES_DIR: join(m.dir, 'tables'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, output, comment: existsSync(commentFile) ? readFileSync(commentFile, 'utf8') : '' }),
    );
  });
}

test('the review loop: the plan job comments the next phase, the apply job applies the merged plan, the runbook moves on to final and then to the gate', async () => {
  const m = await newMigration('ci-loop', { phases: PHASES });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }, { name: 'two' }] });
    const manifest = 'ci-loop.json';

    const presync = await runScript(m, 'plan-pr.sh', [manifest]);
    assert.is(presync.code, 0, presync.output + presync.comment);
    assert.match(presync.comment, '## mailshift: `ci-loop.json`');
    assert.match(presync.comment, 'Phase **presync** is next');
    assert.match(presync.comment, /copy/i, 'the plan markdown is in the comment');
    const presyncPlan = 'plans/ci-loop.presync.plan.json';
    assert.ok(existsSync(join(m.dir, presyncPlan)), 'the plan file is there for the workflow to commit');
    assert.not.match(presync.comment, m.source.password);
    const tables = readFileSync(join(m.dir, 'tables', `${manifest}.presync.md`), 'utf8');
    assert.match(tables, '<details><summary><b>alice</b>', 'the full tables are there for the workflow to upload');
    assert.match(presync.comment, tables, 'a plan that fits is in the comment whole');

    const applied = await runScript(m, 'apply-merged.sh', [presyncPlan]);
    assert.is(applied.code, 0, applied.output);
    assert.match(applied.output, '::group::mailshift apply plans/ci-loop.presync.plan.json');
    assert.is(
      readdirSync(join(m.dir, 'audit', 'ci-loop')).length,
      1,
      'the apply wrote its audit log for the workflow to commit',
    );

    const final = await runScript(m, 'plan-pr.sh', [manifest]);
    assert.is(final.code, 0, final.output + final.comment);
    assert.match(final.comment, 'Phase **final**: no changes');
    const finalApplied = await runScript(m, 'apply-merged.sh', ['plans/ci-loop.final.plan.json']);
    assert.is(finalApplied.code, 0, finalApplied.output);

    const gate = await runScript(m, 'plan-pr.sh', [manifest]);
    assert.is(gate.code, 0, gate.output + gate.comment);
    assert.match(gate.comment, 'The runbook waits for the manual phase **switch-mx**');
    assert.match(gate.comment, 'mailshift gate ci-loop.json switch-mx');

    const gated = await runMailshift(['gate', join(m.dir, manifest), 'switch-mx', '--note', 'MX switched'], {
      env: m.env,
    });
    assert.is(gated.code, 0, gated.stderr);
    const complete = await runScript(m, 'plan-pr.sh', [manifest]);
    assert.match(complete.comment, 'The runbook is complete');
  } finally {
    m.remove();
  }
});

test('a plan longer than the comment budget: the comment keeps the totals and names the full tables, which hold every folder', async () => {
  const m = await newMigration('ci-long', { phases: PHASES });
  try {
    const folders = Object.fromEntries(Array.from({ length: 30 }, (_, n) => [`Project-${n}`, [{ name: `m${n}` }]]));
    await fillMailbox(m.source.server, m.source, folders);
    const result = await runScript(m, 'plan-pr.sh', ['ci-long.json'], { MAX_COMMENT_CHARS: '2600' });
    assert.is(result.code, 0, result.output + result.comment);
    assert.ok(result.comment.length <= 2_600, `${result.comment.length} characters`);
    assert.match(result.comment, 'Phase **presync** is next');
    assert.match(result.comment, /\| 1 \| \d+ \| 0 \| 30 \| 6\.0 KB \|/, 'the totals');
    assert.match(result.comment, 'Shortened to fit a pull-request comment: 0 of 1 accounts shown');
    assert.match(result.comment, '`mailshift show plans/ci-long.presync.plan.json --format markdown --full`');
    assert.match(result.comment, '… and 1 more account with folder creations, copies and subscriptions');
    const tables = readFileSync(join(m.dir, 'tables', 'ci-long.json.presync.md'), 'utf8');
    for (let n = 0; n < 30; n++) assert.match(tables, `| \`Project-${n}\` |`);

    // Three plans at their 2,000-character floor pass the budget: the script cuts the whole comment.
    const many = await runScript(m, 'plan-pr.sh', ['ci-long.json', 'ci-long.json', 'ci-long.json'], {
      MAX_COMMENT_CHARS: '2600',
    });
    assert.ok(Array.from(many.comment).length <= 2_600, `${many.comment.length} characters`);
    assert.match(many.comment, /… cut: the comment passed 2600 characters\. Every plan is whole in the full tables/);
  } finally {
    m.remove();
  }
});

test('the plan job fails, with the errors in the comment, on an invalid manifest; other manifests are still planned', async () => {
  const m = await newMigration('ci-bad', { phases: PHASES });
  try {
    writeFileSync(
      join(m.dir, 'broken.json'),
      JSON.stringify({ apiVersion: 'mailshift/v1', name: 'broken', acounts: [] }),
    );
    const result = await runScript(m, 'plan-pr.sh', ['broken.json', 'ci-bad.json']);
    assert.is(result.code, 1);
    assert.match(result.comment, '**The manifest is not valid**');
    assert.match(result.comment, 'acounts');
    assert.not.ok(hasStackTrace(result.comment));
    assert.match(result.comment, 'Phase **presync**', 'the valid manifest is planned all the same');
  } finally {
    m.remove();
  }
});

test('the apply job exits 1 when the runbook refuses a plan (phase order), and applies nothing', async () => {
  const m = await newMigration('ci-order', { phases: PHASES });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }] });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'final', '--quiet'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);
    const result = await runScript(m, 'apply-merged.sh', ['plans/ci-order.final.plan.json']);
    assert.is(result.code, 1, result.output);
    assert.match(result.output, 'presync');
    assert.not.ok(existsSync(join(m.dir, 'audit')), 'nothing applied, nothing audited');
  } finally {
    m.remove();
  }
});

test.run();
