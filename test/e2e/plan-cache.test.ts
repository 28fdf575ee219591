// plan keeps what it read in the state folder (snapshots/<account>.json) and, next time, fetches
// only what can have changed: nothing for a folder whose UIDVALIDITY, UIDNEXT, count and
// HIGHESTMODSEQ are the same, only UID FLAGS (plus new UIDs in full) otherwise. A poisoned cache
// entry shows which path a plan took: an unchanged folder keeps the poisoned identity, a changed
// one keeps it too (identities never change under one UIDVALIDITY) but gets today's flags, and a
// recreated folder (new UIDVALIDITY) or another login is read afresh.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';

const POISON = 'f'.repeat(64);

async function planActions(m: Migration): Promise<string[]> {
  const result = await runMailshift(['plan', m.manifest, '--phase', 'mirror', '--quiet'], { env: m.env });
  assert.ok(result.code === 0, result.stderr);
  const plan = JSON.parse(readFileSync(m.planPath('mirror'), 'utf8'));
  return plan.accounts[0].folders.flatMap(
    (f: { source: string; actions: Array<{ op: string; uid?: number; add?: string[] }> }) =>
      f.actions.map(
        (a) => `${f.source} ${a.op}${a.uid ? ` ${a.uid}` : ''}${a.add?.length ? ` +${a.add.join(',')}` : ''}`,
      ),
  );
}

function cacheFile(m: Migration): string {
  return join(m.dir, '.mailshift', 'plan-cache', 'snapshots', 'alice.json');
}

/** Give source INBOX UID 1 a made-up identity in the cache: a plan that trusts the cache copies it again. */
function poisonSourceInbox(m: Migration): void {
  const cache = JSON.parse(readFileSync(cacheFile(m), 'utf8'));
  cache.source.folders.INBOX.messages.find((message: { uid: number }) => message.uid === 1).identity = POISON;
  writeFileSync(cacheFile(m), JSON.stringify(cache));
}

test('plan reuses what it read: unchanged folders are not fetched again, changed ones only for flags and new UIDs, recreated ones afresh', async () => {
  const m = await newMigration('plan-cache', { phases: [{ name: 'mirror', deleteTarget: true }] });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }], Work: [{ name: 'w' }] });
    assert.equal(
      (await planActions(m)).filter((a) => a.includes('copy')),
      ['INBOX copy 1', 'INBOX copy 2', 'Work copy 1'],
    );
    const applied = await runMailshift(['apply', m.planPath('mirror')], { env: m.env });
    assert.is(applied.code, 0, applied.stderr);
    const seeded = JSON.parse(readFileSync(cacheFile(m), 'utf8')).target.folders;
    assert.equal(
      seeded.INBOX.messages.map((message: { uid: number }) => message.uid),
      [1, 2],
      'apply taught the cache its copies (target UIDs from APPENDUID)',
    );
    assert.is(seeded.INBOX.state.highestModseq, null, 'so the next plan reads their flags, not their headers');
    assert.equal(await planActions(m), [], 'nothing left after apply');

    poisonSourceInbox(m);
    assert.equal(
      await planActions(m),
      ['INBOX copy 1', 'INBOX deleteTarget 1'],
      'an unchanged folder is taken from the cache as it is',
    );

    const client = plainClient(m.source.server, m.source);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('2', ['\\Flagged'], { uid: true });
    } finally {
      await client.logout();
    }
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'c' }] });
    assert.equal(
      await planActions(m),
      ['INBOX copy 1', 'INBOX copy 3', 'INBOX setFlags 2 +\\Flagged', 'INBOX deleteTarget 1'],
      'a changed folder: cached identities kept, flags read again, the new UID read in full',
    );

    // Recreate INBOX's twin folder Work: new UIDVALIDITY, so its cache entry is worthless.
    const cache = JSON.parse(readFileSync(cacheFile(m), 'utf8'));
    cache.source.folders.Work.messages[0].identity = POISON;
    writeFileSync(cacheFile(m), JSON.stringify(cache));
    const again = plainClient(m.source.server, m.source);
    await again.connect();
    try {
      await again.mailboxDelete('Work');
      await again.mailboxCreate('Work');
    } finally {
      await again.logout();
    }
    await fillMailbox(m.source.server, m.source, { Work: [{ name: 'w' }] });
    assert.not.ok(
      (await planActions(m)).some((a) => a.startsWith('Work')),
      'a recreated folder is read afresh: its message matches the target copy',
    );

    // A cache read from another server or login for the same account id is not used.
    poisonSourceInbox(m);
    const moved = JSON.parse(readFileSync(cacheFile(m), 'utf8'));
    moved.source.endpoint = `${m.source.user}@imap.old.example:993`;
    writeFileSync(cacheFile(m), JSON.stringify(moved));
    assert.not.ok((await planActions(m)).includes('INBOX copy 1'), 'a cache of another endpoint is not used');
  } finally {
    m.remove();
  }
});

test('a cache file a crash left empty or half written is no cache: the plan reads the servers and writes it anew', async () => {
  const m = await newMigration('plan-cache', { phases: [{ name: 'mirror', deleteTarget: true }] });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }] });
    await planActions(m);
    const applied = await runMailshift(['apply', m.planPath('mirror')], { env: m.env });
    assert.is(applied.code, 0, applied.stderr);
    const whole = readFileSync(cacheFile(m), 'utf8');
    // Written without fsync (a cache): after a power loss it may hold nothing, or part of the new text.
    for (const torn of ['', whole.slice(0, Math.floor(whole.length / 2))]) {
      writeFileSync(cacheFile(m), torn);
      assert.equal(await planActions(m), [], `nothing to do (cache of ${torn.length} bytes)`);
      assert.ok(
        JSON.parse(readFileSync(cacheFile(m), 'utf8')).source.folders.INBOX.messages.length === 2,
        'written anew',
      );
    }
  } finally {
    m.remove();
  }
});

test.run();
