// What an apply asks the target server, counted command by command (the CLI run in-process, every
// imapflow command recorded): the target connections are what an apply waits on, so it must not
// spend them on questions whose answer it already has.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localStateStore, stateDirFor } from '../../src/state/store.ts';
import { runMailshift } from '../support/cli.ts';
import { applyRecordingCommands } from '../support/command-spy.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';
import { uidValidityOf } from '../support/seed.ts';

test('a folder the apply creates is not asked about again: no check for earlier copies, its UIDVALIDITY taken from APPENDUID', async () => {
  const m = await newMigration('apply-commands', { phases: [{ name: 'presync' }] });
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [{ name: 'one' }, { name: 'two' }],
      Projects: [{ name: 'three' }, { name: 'four' }, { name: 'five' }],
    });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);

    const { code, output, sent } = await applyRecordingCommands(m.planPath('presync'), m.env);
    assert.is(code, 0, output);

    const onTarget = sent.filter((command) => command.port === m.target.server.ports.plain);
    // LOGOUT ends whichever session last had the folder open: not a question about the folder.
    const about = (folder: string) =>
      onTarget
        .filter((command) => command.folder === folder && command.command !== 'LOGOUT')
        .map((command) => command.command);
    assert.equal(
      about('INBOX.Projects'),
      ['CREATE', 'SUBSCRIBE', 'APPEND'],
      'created, subscribed, filled: nothing read back',
    );
    // INBOX was there at plan time: its UIDVALIDITY is checked, and messages that came since are
    // counted (copies an interrupted run may have left), as before every first attempt.
    // (Examined once more where the count runs on another connection than the check.)
    // (CLOSE: an APPEND does not go into the folder its session has open read-only.)
    const inbox = about('INBOX').filter((command) => command !== 'APPEND' && command !== 'CLOSE');
    assert.equal([...new Set(inbox)], ['EXAMINE', 'UID FETCH'], 'examined first, then counted');
    assert.is(inbox.filter((command) => command === 'UID FETCH').length, 1);

    const maps = await localStateStore(stateDirFor(m.manifest, 'apply-commands')).uidMaps('alice');
    for (const [source, target] of [
      ['Projects', 'INBOX.Projects'],
      ['INBOX', 'INBOX'],
    ] as const) {
      assert.is(
        maps[source]?.targetUidValidity,
        await uidValidityOf(m.target.server, m.target, target),
        `${source}: the UID map names the target folder's UIDVALIDITY`,
      );
      assert.equal(
        maps[source]?.pairs.map(([, targetUid]) => targetUid).sort(),
        source === 'INBOX' ? [1, 2] : [1, 2, 3],
      );
    }
  } finally {
    m.remove();
  }
});

test('no APPEND into a folder its session has open read-only (Courier refuses it), also on one target connection', async () => {
  const m = await newMigration(
    'apply-read-only',
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } },
    { target: { connections: 1 } },
  );
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'one' }, { name: 'two' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'there' }] });
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
    const { code, output, sent } = await applyRecordingCommands(m.planPath('presync'), m.env);
    assert.is(code, 0, output);
    const onTarget = sent.filter((command) => command.port === m.target.server.ports.plain);
    assert.ok(
      onTarget.some((command) => command.command === 'EXAMINE' && command.folder === 'INBOX'),
      'INBOX is examined first',
    );
    const appends = onTarget.filter((command) => command.command === 'APPEND');
    assert.ok(appends.length > 0);
    assert.equal(
      appends.filter((command) => command.openReadOnly === command.folder).map((command) => command.folder),
      [],
      'no APPEND into a folder open read-only',
    );
  } finally {
    m.remove();
  }
});

test.run();
