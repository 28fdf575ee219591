// A target folder whose UIDVALIDITY changed between plan and apply (recreated; or, on Courier, an
// INBOX that never held a message, which reports a new one every second): it is refused only where
// the plan relies on its UIDs (flag updates, deletions). Copies into it go ahead, counting what is
// in it now as what they must not duplicate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox, type TestMessage } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';

/** Delete and create the target folder again: same name, new UIDVALIDITY, what `messages` says in it. */
async function recreateTarget(m: Migration, folder: string, messages: Array<{ name: string }> = []): Promise<void> {
  const client = plainClient(m.target.server, m.target);
  await client.connect();
  try {
    const uidValidity = async () =>
      ((await client.status(folder, { uidValidity: true })) || { uidValidity: undefined }).uidValidity;
    const before = await uidValidity();
    await client.mailboxDelete(folder);
    await client.mailboxCreate(folder);
    const after = await uidValidity();
    assert.is.not(after, before, 'a new UIDVALIDITY');
  } finally {
    await client.logout();
  }
  if (messages.length > 0) await fillMailbox(m.target.server, m.target, { [folder]: messages });
}

/** A migration of folder Work into the target's INBOX.Work (which holds `target`), planned. */
async function plannedWork(name: string, source: TestMessage[], target: TestMessage[]): Promise<Migration> {
  const m = await newMigration(name, { phases: [{ name: 'presync' }], folders: { include: ['^Work$'] } });
  await fillMailbox(m.source.server, m.source, { Work: source });
  await fillMailbox(m.target.server, m.target, { 'INBOX.Work': target });
  assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
  return m;
}
const names = async (m: Migration, folder: string) =>
  ((await mailboxState(m.target.server, m.target))[folder] ?? []).map((message) => message.messageId).sort();

test('an empty target folder recreated since the plan: the copies go in, and the re-plan has nothing left', async () => {
  const m = await plannedWork('recreated-empty', [{ name: 'w1' }, { name: 'w2' }], []);
  try {
    await recreateTarget(m, 'INBOX.Work');
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    assert.equal(await names(m, 'INBOX.Work'), ['<w1@test>', '<w2@test>']);
    const again = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--quiet'], {
      env: m.env,
    });
    assert.is(again.code, 0, again.output);
  } finally {
    m.remove();
  }
});

test('recreated with a planned message already in it: that copy is not made twice', async () => {
  const m = await plannedWork('recreated-held', [{ name: 'w1' }, { name: 'w2' }], []);
  try {
    await recreateTarget(m, 'INBOX.Work', [{ name: 'w2' }]);
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    assert.equal(await names(m, 'INBOX.Work'), ['<w1@test>', '<w2@test>'], 'w2 once');
  } finally {
    m.remove();
  }
});

test('recreated where the plan updates flags by target UID: that folder is refused, nothing changed in it', async () => {
  const m = await plannedWork('recreated-flags', [{ name: 'w1', flags: ['\\Seen'] }, { name: 'w2' }], [{ name: 'w1' }]);
  try {
    await recreateTarget(m, 'INBOX.Work', [{ name: 'other' }]);
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 1, applied.output);
    assert.match(applied.output, "the target folder's UIDVALIDITY changed");
    assert.equal(await names(m, 'INBOX.Work'), ['<other@test>'], 'nothing copied or changed');
  } finally {
    m.remove();
  }
});

test.run();
