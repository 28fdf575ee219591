// A server whose STATUS answer cannot be read for one folder (GNU mailutils sends `* STATUS Old
// Stuff (…)`, the name unquoted), here Dovecot behind a proxy speaking that dialect: the folder's
// state comes from EXAMINE instead, as imapsync gets it, and the account is planned and copied.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

test('an unreadable STATUS for one folder: its state from EXAMINE, the account planned and applied', async () => {
  const { slash } = await dovecotPair();
  const proxy = await startTcpProxy(slash.ports.plain, {
    // No LIST-STATUS: one STATUS per folder, as on servers without it.
    hideCapabilities: ['LIST-STATUS', 'LIST-EXTENDED'],
    rewriteServerLine: (line) => line.replace(/^\* STATUS "([^"]*)" \(/, '* STATUS $1 ('),
  });
  const m = await newMigration(
    'status-dialect',
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$', '^Old Stuff$'] } },
    { source: { port: proxy.port } },
  );
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [{ name: 'new' }],
      'Old Stuff': [{ name: 'old-1' }, { name: 'old-2' }],
    });
    const checked = await runMailshift(['check', m.manifest], { env: m.env });
    assert.is(checked.code, 0, checked.output);
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.output);
    assert.match(planned.stdout, /Old Stuff → INBOX\.Old Stuff.*copy 2 messages/);
    assert.is((await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env })).code, 0);
    assert.is((await mailboxState(m.target.server, m.target))['INBOX.Old Stuff']?.length, 2);
  } finally {
    m.remove();
    await proxy.stop();
  }
});

test.run();
