// identity 'uid' (imapsync --useuid) through the CLI: apply records source-UID → target-UID maps in
// the state dir, and plan and verify pair messages through them, even when the headers disagree.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localStateStore, stateDirFor } from '../../src/state/store.ts';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';

const PHASES = [{ name: 'presync', deleteTarget: true }];

test("identity 'uid': plan and verify use the UID maps apply recorded; without a map the same pair would be a copy and a deletion", async () => {
  const m = await newMigration('uid-maps', { messages: { identity: 'uid' }, phases: PHASES });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }, { name: 'two' }] });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);

    const state = localStateStore(stateDirFor(m.manifest, 'uid-maps'));
    const inbox = (await state.uidMaps('alice')).INBOX;
    assert.ok(inbox, 'apply recorded a UID map for INBOX');
    assert.equal(inbox.pairs.map(([source]) => source).sort(), [1, 2]);
    assert.is(inbox.target, 'INBOX');

    // A target message whose headers no longer match its source (a server that rewrote them):
    // only the UID map still says it is the copy of source UID 3.
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'three' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'three-rewritten' }] });
    await state.recordUidPairs(
      'alice',
      'INBOX',
      { sourceUidValidity: inbox.sourceUidValidity, target: 'INBOX', targetUidValidity: inbox.targetUidValidity },
      [[3, 3]],
    );

    const again = await runMailshift(
      ['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--format', 'json'],
      { env: m.env },
    );
    assert.is(again.code, 0, `no changes through the map:\n${again.stdout}`);
    const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(verified.code, 0, verified.stdout + verified.stderr);

    // Drop the maps: the same mailbox matched by headers is a copy of UID 3 and a deletion of target UID 3.
    const headersOnly = await runMailshift(
      ['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode', '--state-dir', `${m.dir}/empty-state`],
      { env: m.env },
    );
    assert.is(headersOnly.code, 2, headersOnly.stderr);
    const ops = JSON.parse(readFileSync(m.planPath('presync'), 'utf8')).accounts[0].folders.flatMap(
      (f: { actions: Array<{ op: string; uid?: number }> }) => f.actions.map((a) => `${a.op} ${a.uid ?? ''}`.trim()),
    );
    assert.equal(ops.sort(), ['copy 3', 'deleteTarget 3']);
  } finally {
    m.remove();
  }
});

test.run();
