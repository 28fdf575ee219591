// The cutover rule through the CLI, as an admin meets it: after the MX gate, mail delivered to the
// new server is never deleted, whichever phase runs (issue 15, finding 1), a plan made before the
// gate is refused once the gate is recorded (finding 2), and --force overrides only loudly.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import type { Plan } from '../../src/plan/types.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';

const NAME = 'cutover';
const PHASES = [
  { name: 'presync', deleteTarget: true, deleteTargetFolders: true },
  { name: 'final', requires: ['presync'], deleteTarget: true, deleteTargetFolders: true },
  { name: 'switch-mx', manual: 'Switch the MX record to the new host.' },
  { name: 'drain-source', requires: ['switch-mx'], folders: { include: ['^INBOX$'] }, deleteSource: true },
];

const mailshift = (m: Migration, args: string[]) => runMailshift(args, { env: m.env });
const auditFiles = (m: Migration) =>
  existsSync(auditDirFor(m.manifest, NAME)) ? readdirSync(auditDirFor(m.manifest, NAME)).sort() : [];
const readPlan = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Plan;
const ids = (messages: Array<{ messageId: string | null }> = []) => messages.map((x) => x.messageId).sort();

async function ok(m: Migration, args: string[]) {
  const result = await mailshift(m, args);
  assert.is(result.code, 0, `mailshift ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result;
}

async function planAndApply(m: Migration, phase: string): Promise<void> {
  await ok(m, ['plan', m.manifest, '--phase', phase, '--quiet']);
  await ok(m, ['apply', m.planPath(phase)]);
}

/** The user deletes a message on the old server (expunged at once). */
async function deleteOnSource(m: Migration, messageId: string): Promise<void> {
  const client = plainClient(m.source.server, m.source);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    assert.ok(Array.isArray(uids) && uids.length === 1, `one source message ${messageId}`);
    await client.messageDelete(uids, { uid: true });
  } finally {
    await client.logout();
  }
}

/** The UIDs the plan deletes on the target, by target folder. */
function targetDeletions(plan: Plan): Record<string, number[]> {
  const deletions: Record<string, number[]> = {};
  for (const folder of plan.accounts.flatMap((account) => account.folders)) {
    for (const action of folder.actions) {
      if (action.op === 'deleteTarget') (deletions[folder.target] ??= []).push(action.uid);
      if (action.op === 'deleteFolder') (deletions[folder.target] ??= []).push(-1);
    }
  }
  return deletions;
}

test('after the MX gate, a re-run of final keeps mail delivered to the new server and folders made there; --force deletes them only when asked twice', async () => {
  const m = await newMigration(NAME, { phases: PHASES });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    await planAndApply(m, 'presync');
    await planAndApply(m, 'final');
    await ok(m, ['gate', m.manifest, 'switch-mx', '--note', 'MX switched']);

    // The new server now gets mail by itself; a user files some of it in a folder of their own.
    await fillMailbox(m.target.server, m.target, {
      INBOX: [{ name: 'delivered-after-mx' }],
      'INBOX.Projects': [{ name: 'project-note' }],
    });
    // And the admin re-runs final because the user deleted b on the old server meanwhile.
    await deleteOnSource(m, '<b@test>');
    const before = await mailboxState(m.target.server, m.target);
    const newUid = before.INBOX!.find((x) => x.messageId === '<delivered-after-mx@test>')!.uid;
    const bUid = before.INBOX!.find((x) => x.messageId === '<b@test>')!.uid;

    const planned = await ok(m, ['plan', m.manifest, '--phase', 'final']);
    const plan = readPlan(m.planPath('final'));
    assert.equal(targetDeletions(plan), { INBOX: [bUid] }, 'only the copy of b, which mailshift made, goes');
    assert.match(planned.stdout, '1 message (INBOX 1): kept on the target although the phase has deleteTarget');
    assert.match(planned.stdout, 'gate "switch-mx"');
    assert.match(planned.stdout, 'target folder "INBOX.Projects" is kept');
    assert.equal(plan.runbook?.cutover?.gate, 'switch-mx');
    assert.equal(
      plan.runbook?.after.map((mark) => [mark.kind, mark.phase]),
      [
        ['apply', 'presync'],
        ['apply', 'final'],
        ['gate', 'switch-mx'],
      ],
    );

    await ok(m, ['apply', m.planPath('final')]);
    let after = await mailboxState(m.target.server, m.target);
    assert.equal(ids(after.INBOX), ['<a@test>', '<c@test>', '<delivered-after-mx@test>']);
    assert.equal(ids(after['INBOX.Projects']), ['<project-note@test>']);

    // A hand-added deletion of the new message (summary fixed to match) is refused by apply's own check.
    const edited = readPlan(m.planPath('final'));
    const inbox = edited.accounts[0]!.folders.find((f) => f.source === 'INBOX')!;
    const identity = inbox.actions.find((a) => a.op === 'deleteTarget')!.identity; // of the right shape; apply checks identities only before deleting
    inbox.actions.push({ op: 'deleteTarget', uid: newUid, identity });
    edited.summary.targetDeletes += 1;
    const editedFile = join(dirname(m.planPath('final')), 'edited.plan.json');
    writeFileSync(editedFile, JSON.stringify(edited, null, 2));
    const filesBefore = auditFiles(m);
    const refused = await mailshift(m, ['apply', editedFile]);
    assert.is(refused.code, 1, refused.stderr);
    assert.match(
      refused.stderr,
      `deleteTarget of UID ${newUid} in target folder "INBOX", a message mailshift did not copy there`,
    );
    assert.match(refused.stderr, 'nothing was applied');
    assert.not.ok(hasStackTrace(refused.stderr));
    assert.equal(auditFiles(m), filesBefore, 'a refused apply writes no audit file');

    // plan --force plans the deletions, but apply refuses them without --force.
    const forcedPlan = await ok(m, ['plan', m.manifest, '--phase', 'final', '--force']);
    assert.match(forcedPlan.stdout, 'deleted on the target although mailshift did not copy them there');
    assert.equal(targetDeletions(readPlan(m.planPath('final'))), { INBOX: [newUid], 'INBOX.Projects': [-1] });
    const unforced = await mailshift(m, ['apply', m.planPath('final')]);
    assert.is(unforced.code, 1);
    assert.match(unforced.stderr, `the plan cannot be applied: deleteTarget of UID ${newUid} in target folder "INBOX"`);
    assert.match(unforced.stderr, '(2 such deletions)');
    assert.equal(await mailboxState(m.target.server, m.target), after, 'refused: nothing changed');

    const forced = await ok(m, ['apply', m.planPath('final'), '--force']);
    assert.match(forced.stderr, 'warning: --force: 2 target deletions of mail mailshift did not copy there');
    after = await mailboxState(m.target.server, m.target);
    assert.equal(ids(after.INBOX), ['<a@test>', '<c@test>']);
    assert.not.ok('INBOX.Projects' in after);
    const start = JSON.parse(
      readFileSync(join(auditDirFor(m.manifest, NAME), auditFiles(m).at(-1)!), 'utf8').split('\n')[0]!,
    );
    assert.equal([start.forced, start.cutoverOverride], [true, 2]);
    const audit = await ok(m, ['audit', m.manifest, start.applyId]);
    assert.match(audit.stdout, 'FORCED    with 2 target deletions the cutover rule forbids (--force)');
  } finally {
    m.remove();
  }
});

test('a plan made before a gate is refused once the gate is recorded, naming the re-plan command', async () => {
  const m = await newMigration(`${NAME}-stale`, { phases: PHASES, folders: { include: ['^INBOX$'] } });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }] });
    await planAndApply(m, 'presync');
    await ok(m, ['plan', m.manifest, '--phase', 'drain-source', '--quiet']);
    await ok(m, ['gate', m.manifest, 'switch-mx']);
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'arrived-at-old-host' }] });
    const [source, target, files] = [
      await mailboxState(m.source.server, m.source),
      await mailboxState(m.target.server, m.target),
      auditFiles(m),
    ];

    const refused = await mailshift(m, ['apply', m.planPath('drain-source')]);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, 'before the gate "switch-mx" (recorded ');
    assert.match(refused.stderr, `mailshift plan ${m.manifest} --phase drain-source`);
    assert.not.ok(hasStackTrace(refused.stderr));
    assert.equal(
      [await mailboxState(m.source.server, m.source), await mailboxState(m.target.server, m.target), auditFiles(m)],
      [source, target, files],
    );

    const status = await ok(m, ['status', m.manifest]);
    assert.match(
      status.stdout,
      /\ndrain-source\s+sync\s+ready\s+switch-mx ✓\s+\S+ \S+: 1 deletion, made before switch-mx/,
      'status agrees with apply',
    );

    // Planned again after the gate, it applies, and sees the mail that arrived meanwhile.
    await planAndApply(m, 'drain-source');
    assert.equal(ids((await mailboxState(m.target.server, m.target)).INBOX), [
      '<a@test>',
      '<arrived-at-old-host@test>',
    ]);
  } finally {
    m.remove();
  }
});

test.run();
