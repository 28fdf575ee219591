// Hand-edited plans, applied through the CLI against the Dovecot pair: each kind of edit is
// refused before anything runs (exit 1, no audit file, both mailboxes as they were), also a copy
// or deletion whose UID was edited to name another message (seen from the snapshot cache, or from
// the servers); and a copy added by hand for a message the target already holds is not appended.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { runMailshift } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { seedMailbox } from '../support/seed.ts';

type Json = Record<string, any>;

async function plannedMigration(name: string): Promise<{ m: Migration; plan: Json }> {
  const m = await newMigration(name, { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } });
  await seedMailbox(m.source.server, m.source, { seed: 9, messages: 8, otherDelimiter: '.' });
  const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
  assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
  return { m, plan: JSON.parse(readFileSync(m.planPath('presync'), 'utf8')) };
}

const inboxOf = (plan: Json) => plan.accounts[0].folders.find((folder: Json) => folder.source === 'INBOX');

const edits: Array<[string, (plan: Json) => void, string]> = [
  [
    'an added deleteSource, summary updated',
    (plan) => {
      const copy = inboxOf(plan).actions.find((a: Json) => a.op === 'copy');
      inboxOf(plan).actions.push({ op: 'deleteSource', uid: copy.uid, identity: copy.identity, targetUid: null });
      plan.summary.sourceDeletes++;
    },
    'phase "presync" has no deleteSource',
  ],
  [
    'an added deleteTarget, summary updated',
    (plan) => {
      inboxOf(plan).targetState = { uidValidity: 1, uidNext: 5, highestModseq: null, messages: 4 };
      inboxOf(plan).actions.push({ op: 'deleteTarget', uid: 1, identity: 'e'.repeat(64) });
      plan.summary.targetDeletes++;
    },
    'phase "presync" has no deleteTarget',
  ],
  [
    'a changed summary',
    (plan) => {
      plan.summary.messagesToCopy = 0;
    },
    'its summary says messagesToCopy 0',
  ],
  [
    'an added copy, summary untouched',
    (plan) => {
      const copy = inboxOf(plan).actions.find((a: Json) => a.op === 'copy');
      inboxOf(plan).actions.push({ ...copy, uid: inboxOf(plan).sourceState.uidNext });
    },
    'did not exist when the plan was made',
  ],
  [
    "a phase's delete flags flipped in the settings",
    (plan) => {
      plan.settings.phase.deleteSource = true;
    },
    'its settings for phase "presync"',
  ],
  [
    'an identity edited',
    (plan) => {
      inboxOf(plan).actions.find((a: Json) => a.op === 'copy').identity = 'not-a-hash';
    },
    'is not one mailshift computes',
  ],
];

for (const [name, edit, message] of edits) {
  test(`refused, nothing changed: ${name}`, async () => {
    const { m, plan } = await plannedMigration(`tamper-${edits.findIndex((e) => e[0] === name)}`);
    try {
      const before = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(m.target.server, m.target),
      ]);
      edit(plan);
      writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
      const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
      assert.is(applied.code, 1, applied.stdout + applied.stderr);
      assert.match(applied.stderr, 'the plan cannot be applied');
      assert.match(applied.stderr, message);
      const after = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(m.target.server, m.target),
      ]);
      assert.equal(
        after.map((side) => contentMultiset(side)),
        before.map((side) => contentMultiset(side)),
        'both servers as they were',
      );
      assert.not.ok(existsSync(auditDirFor(m.manifest, plan.name)), 'no audit file');
    } finally {
      m.remove();
    }
  });
}

test('a copy whose UID was edited to another message is not appended: no duplicate', async () => {
  const { m, plan } = await plannedMigration('tamper-uid');
  try {
    const copies = inboxOf(plan).actions.filter((a: Json) => a.op === 'copy');
    // The last copy now names the first copy's UID under its own identity: two copies of one message.
    const edited = copies.at(-1);
    inboxOf(plan).actions = inboxOf(plan).actions.filter((a: Json) => a !== copies[0]);
    plan.summary.messagesToCopy--;
    plan.summary.bytesToCopy -= copies[0].size;
    const first = { ...copies[0], identity: edited.identity };
    inboxOf(plan).actions.push(first);
    inboxOf(plan).actions = inboxOf(plan).actions.filter((a: Json) => a !== edited);
    inboxOf(plan).actions.push({ ...edited, uid: copies[0].uid, identity: copies[0].identity, size: edited.size });
    writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    // Two actions now name one UID: refused whole before anything runs.
    assert.is(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(applied.stderr, `copy of UID ${copies[0].uid} appears twice`);
    const target = await mailboxState(m.target.server, m.target);
    assert.equal(contentMultiset(target), []);
  } finally {
    m.remove();
  }
});

const planOf = (m: Migration): Json => JSON.parse(readFileSync(m.planPath('presync'), 'utf8'));
const planned = async (m: Migration) =>
  assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
const inboxNames = async (m: Migration) =>
  (await mailboxState(m.target.server, m.target)).INBOX!.map((message) => message.messageId).sort();

// Checked from the snapshot cache of the plan, or (another state dir, no cache) read from the servers.
for (const where of ['the cache', 'the servers'] as const) {
  const stateDir = (m: Migration) => (where === 'the servers' ? ['--state-dir', join(m.dir, 'other-state')] : []);

  test(`a copy whose UID was edited to a message the plan does not copy: refused whole, nothing copied (${where})`, async () => {
    const m = await newMigration(`tamper-uid-other-${where.length}`, {
      phases: [{ name: 'presync' }],
      folders: { include: ['^INBOX$'] },
    });
    try {
      await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }, { name: 'two' }, { name: 'three' }] });
      await planned(m);
      const plan = planOf(m);
      const copies = inboxOf(plan).actions.filter((a: Json) => a.op === 'copy');
      // The first copy is dropped (summary fixed), the last now names its UID: every static check passes.
      const [dropped, edited] = [copies[0], copies.at(-1)];
      inboxOf(plan).actions = inboxOf(plan).actions.filter((a: Json) => a !== dropped);
      plan.summary.messagesToCopy--;
      plan.summary.bytesToCopy -= dropped.size;
      edited.uid = dropped.uid;
      writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
      const applied = await runMailshift(['apply', m.planPath('presync'), ...stateDir(m)], { env: m.env });
      assert.is(applied.code, 1, applied.stdout + applied.stderr);
      assert.match(applied.stderr, 'the plan cannot be applied');
      assert.match(
        applied.stderr,
        `copy of source UID ${dropped.uid} in folder "INBOX" names the message of identity ${edited.identity.slice(0, 12)}`,
      );
      assert.equal(contentMultiset(await mailboxState(m.target.server, m.target)), [], 'nothing copied');
      assert.not.ok(existsSync(auditDirFor(m.manifest, plan.name)), 'no audit file');
    } finally {
      m.remove();
    }
  });

  test(`a deleteTarget whose UID was edited to another target message: refused whole, both servers as they were (${where})`, async () => {
    const m = await newMigration(`tamper-del-other-${where.length}`, {
      phases: [{ name: 'presync', deleteTarget: true }],
      folders: { include: ['^INBOX$'] },
    });
    try {
      await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'kept' }, { name: 'new' }] });
      await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'kept' }, { name: 'stray' }] });
      await planned(m);
      const plan = planOf(m);
      const deletion = inboxOf(plan).actions.find((a: Json) => a.op === 'deleteTarget');
      const strayUid = deletion.uid;
      // Now aimed at "kept", which the source holds too; the identity still names "stray".
      deletion.uid = strayUid === 1 ? 2 : 1;
      writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
      const before = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(m.target.server, m.target),
      ]);
      const applied = await runMailshift(['apply', m.planPath('presync'), ...stateDir(m)], { env: m.env });
      assert.is(applied.code, 1, applied.stdout + applied.stderr);
      assert.match(
        applied.stderr,
        `the plan cannot be applied: deleteTarget of target UID ${deletion.uid} in folder "INBOX"`,
      );
      const after = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(m.target.server, m.target),
      ]);
      assert.equal(
        after.map((side) => contentMultiset(side)),
        before.map((side) => contentMultiset(side)),
        'both servers as they were',
      );
      assert.not.ok(existsSync(auditDirFor(m.manifest, plan.name)), 'no audit file');
    } finally {
      m.remove();
    }
  });
}

test('a hand-added copy of a message the target already holds fails alone: no duplicate', async () => {
  const m = await newMigration('tamper-held', { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }, { name: 'two' }] });
    await planned(m);
    const firstCopy = inboxOf(planOf(m)).actions.find((a: Json) => a.op === 'copy');
    assert.is((await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env })).code, 0);
    // New mail, a new plan, and into it by hand a copy of "one", identity and summary consistent.
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'three' }] });
    await planned(m);
    const plan = planOf(m);
    inboxOf(plan).actions.push(firstCopy);
    plan.summary.messagesToCopy++;
    plan.summary.bytesToCopy += firstCopy.size;
    writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(applied.output, `the target already holds this message (identity ${firstCopy.identity.slice(0, 12)}`);
    assert.match(applied.output, 'a copy would duplicate it; re-plan');
    assert.equal(
      await inboxNames(m),
      ['<one@test>', '<three@test>', '<two@test>'],
      'the planned copy made, the hand-added one not',
    );
  } finally {
    m.remove();
  }
});

test('duplicates in the source are all copied, also next to a copy the target already holds', async () => {
  const m = await newMigration('tamper-dupes', { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'twin' }, { name: 'twin', variant: 'b' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'solo' }] });
    await planned(m);
    assert.is(inboxOf(planOf(m)).actions.filter((a: Json) => a.op === 'copy').length, 2);
    assert.is((await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env })).code, 0);
    assert.equal(await inboxNames(m), ['<solo@test>', '<twin@test>', '<twin@test>']);
    // A third twin on the source: one more copy, allowed while the target holds fewer than the source.
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'twin', variant: 'c' }] });
    await planned(m);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    assert.equal(await inboxNames(m), ['<solo@test>', '<twin@test>', '<twin@test>', '<twin@test>']);
  } finally {
    m.remove();
  }
});

test('with useSize, a message of the same identity but another size on the target is no reason to refuse its copy', async () => {
  const m = await newMigration('tamper-size', {
    phases: [{ name: 'presync' }],
    folders: { include: ['^INBOX$'] },
    messages: { useSize: true },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'twin' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'twin', variant: 'longer' }] });
    await planned(m);
    assert.is(inboxOf(planOf(m)).actions.filter((a: Json) => a.op === 'copy').length, 1);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    assert.equal(await inboxNames(m), ['<twin@test>', '<twin@test>']);
  } finally {
    m.remove();
  }
});

test.run();
