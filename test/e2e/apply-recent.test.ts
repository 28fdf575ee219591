// \Recent belongs to the user's mail client: an apply that deletes on the source reads each folder
// read-only (EXAMINE) and SELECTs it only to expunge confirmed copies. Mail arrives the way an MDA
// delivers it (doveadm save), so it is \Recent until some session SELECTs its folder.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { deliver, doveadm } from '../support/deliver.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { fillMailbox, rawMessage } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';
import { plainClient, type Account } from '../support/seed.ts';

type Json = Record<string, any>;

/** STATUS (RECENT) and the UIDs an EXAMINE shows \Recent: neither takes \Recent away. */
async function recentOf(
  server: DovecotServer,
  account: Account,
  folder: string,
): Promise<{ status: number; uids: number[] }> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const status = await client.status(folder, { recent: true });
    await client.mailboxOpen(folder, { readOnly: true });
    const uids: number[] = [];
    for await (const row of client.fetch('1:*', { uid: true, flags: true }))
      if (row.flags?.has('\\Recent')) uids.push(row.uid);
    return { status: status ? (status.recent ?? -1) : -1, uids };
  } finally {
    await client.logout();
  }
}

test('deleteSource with no confirmed copy in a folder leaves its \\Recent; a folder it expunges loses all of it', async () => {
  const m = await newMigration('apply-recent', { phases: [{ name: 'move', deleteSource: true }] });
  try {
    const names = ['r1', 'r2', 'r3'];
    for (const name of names) deliver(m.source.server, m.source, 'INBOX', rawMessage({ name }));
    await fillMailbox(m.target.server, m.target, { INBOX: names.map((name) => ({ name })) });
    doveadm(m.source.server, ['mailbox', 'create', '-u', m.source.user, 'Work']);
    for (const name of ['w1', 'w2']) deliver(m.source.server, m.source, 'Work', rawMessage({ name }));
    const before = await recentOf(m.source.server, m.source, 'INBOX');
    assert.ok(before.status > 0 && before.uids.length === before.status, 'delivered mail is \\Recent');

    const planned = await runMailshift(['plan', m.manifest, '--phase', 'move', '--quiet'], { env: m.env });
    assert.ok(planned.code === 0 || planned.code === 2, planned.stderr);
    const plan: Json = JSON.parse(readFileSync(m.planPath('move'), 'utf8'));
    const inbox = plan.accounts[0].folders.find((folder: Json) => folder.source === 'INBOX');
    assert.equal(
      inbox.actions.map((a: Json) => `${a.op} ${a.targetUid}`),
      ['deleteSource 1', 'deleteSource 2', 'deleteSource 3'],
      'INBOX: each message is matched on the target',
    );
    // The copies go away after the plan: no deletion in INBOX can be confirmed. New mail reaches Work.
    doveadm(m.target.server, ['expunge', '-u', m.target.user, 'mailbox', 'INBOX', 'all']);
    deliver(m.source.server, m.source, 'Work', rawMessage({ name: 'w3-late' }));

    const applied = await runMailshift(['apply', m.planPath('move'), '--quiet'], { env: m.env });
    assert.is(applied.code, 1, 'the unconfirmed deletions fail');
    assert.match(applied.stdout, '3 actions failed: its copy is no longer on the target; kept');

    assert.equal(
      await recentOf(m.source.server, m.source, 'INBOX'),
      before,
      'INBOX was never SELECTed: still \\Recent',
    );
    // Work's two planned messages were copied and expunged; the SELECT before that expunge took
    // \Recent from the whole folder (RFC 3501: the first read-write session claims it), w3-late too.
    assert.equal(await recentOf(m.source.server, m.source, 'Work'), { status: 0, uids: [] });
  } finally {
    m.remove();
  }
});

test.run();
