// A server without LIST-EXTENDED answers subscriptions through LSUB, where `\Noselect` on a folder
// means only "not subscribed itself, has subscribed children" (RFC 3501 6.3.9; Courier says so for
// every such parent). Here Dovecot behind a proxy speaking that dialect: the parent is still a
// folder with mail, planned and copied, and it is not subscribed on the target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { dovecotPair } from '../support/servers.ts';

test('an unsubscribed parent that LSUB marks \\Noselect: planned, copied, left unsubscribed', async () => {
  const { slash } = await dovecotPair();
  const proxy = await startTcpProxy(slash.ports.plain, {
    hideCapabilities: ['LIST-EXTENDED', 'LIST-STATUS'],
    rewriteServerLine: (line) =>
      /^\S+ OK Lsub completed/i.test(line) ? `* LSUB (\\Noselect) "/" "Parent"\r\n${line}` : line,
  });
  const m = await newMigration(
    'lsub-noselect',
    { phases: [{ name: 'presync' }], folders: { include: ['^Parent'] } },
    { source: { port: proxy.port } },
  );
  try {
    await fillMailbox(m.source.server, m.source, {
      Parent: [{ name: 'p-1' }, { name: 'p-2' }],
      'Parent/Child': [{ name: 'c-1' }],
    });
    const client = plainClient(m.source.server, m.source);
    await client.connect();
    await client.mailboxUnsubscribe('Parent');
    await client.mailboxSubscribe('Parent/Child');
    await client.logout();

    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.output);
    assert.match(planned.stdout, /Parent → INBOX\.Parent\b.*copy 2 messages/);
    assert.match(planned.stdout, /Parent\/Child → INBOX\.Parent\.Child.*copy 1 message/);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    const target = await mailboxState(m.target.server, m.target);
    assert.is(target['INBOX.Parent']?.length, 2);
    assert.is(target['INBOX.Parent.Child']?.length, 1);

    const targetClient = plainClient(m.target.server, m.target);
    await targetClient.connect();
    const listed = await targetClient.list();
    await targetClient.logout();
    const subscribed = (name: string) => listed.find((entry) => entry.path === name)?.subscribed === true;
    assert.is(subscribed('INBOX.Parent.Child'), true);
    assert.is(subscribed('INBOX.Parent'), false);

    const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(verified.code, 0, verified.output);
  } finally {
    m.remove();
    await proxy.stop();
  }
});

test.run();
