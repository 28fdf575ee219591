// APPEND's flags are checked once per target server (mailutils drops them): on a server that keeps
// them (Dovecot) one read-only FETCH for the whole apply, no SELECT (the copies stay \Recent for the
// user's mail client), no STORE, and the flags are there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { applyRecordingCommands } from '../support/command-spy.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';

test('Dovecot keeps APPEND flags: one read-only check for the whole apply, no SELECT or UID STORE, flags on the copies', async () => {
  const m = await newMigration('apply-flag-check', { phases: [{ name: 'presync' }] });
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [
        { name: 'one', flags: ['\\Seen'] },
        { name: 'two', flags: ['\\Flagged'] },
      ],
      Projects: [{ name: 'three', flags: ['\\Seen'] }, { name: 'four' }],
      Archive: [{ name: 'five', flags: ['\\Seen', '\\Flagged'] }],
    });
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
    const { code, output, sent } = await applyRecordingCommands(m.planPath('presync'), m.env);
    assert.is(code, 0, output);
    const onTarget = sent.filter((command) => command.port === m.target.server.ports.plain);
    assert.is(onTarget.filter((command) => command.command === 'SELECT').length, 0, 'no SELECT');
    const afterCopies = (folder: string) => {
      const commands = onTarget.filter((command) => command.folder === folder).map((command) => command.command);
      return commands
        .slice(commands.lastIndexOf('APPEND') + 1)
        .filter((command) => command !== 'LOGOUT' && command !== 'EXAMINE');
    };
    const checks = ['INBOX', `${m.target.server.prefix}Projects`, `${m.target.server.prefix}Archive`].flatMap(
      afterCopies,
    );
    assert.equal(checks, ['UID FETCH'], 'one FETCH after the copies, in one folder');
    assert.is(onTarget.filter((command) => command.command === 'UID STORE').length, 0);

    const client = plainClient(m.target.server, m.target);
    await client.connect();
    try {
      const flagged: string[] = [];
      for (const folder of ['INBOX', `${m.target.server.prefix}Projects`, `${m.target.server.prefix}Archive`]) {
        await client.mailboxOpen(folder, { readOnly: true });
        for await (const row of client.fetch('1:*', { flags: true }))
          flagged.push(
            [...(row.flags ?? [])]
              .filter((f) => f !== '\\Recent')
              .sort()
              .join(','),
          );
      }
      assert.equal(flagged.sort(), ['', '\\Flagged', '\\Flagged,\\Seen', '\\Seen', '\\Seen']);
    } finally {
      await client.logout();
    }
  } finally {
    m.remove();
  }
});

test.run();
