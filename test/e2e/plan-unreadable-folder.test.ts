// A folder the server lists but will not open (on Cyrus: the user may look it up, not read it, so
// STATUS and EXAMINE answer NO): that folder is an error of its own, named with what the server
// said; the rest of the account is planned, applied and verified, and the exit code says 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { cyrusServer, setAclAsAdmin } from '../support/cyrus.ts';
import { serverClient } from '../support/imap-server.ts';
import { newMigration } from '../support/migration.ts';
import { mailboxState } from '../support/mailbox-state.ts';

test('an unreadable source folder fails alone: the rest planned and applied, exit 1 naming it', async () => {
  const cyrus = await cyrusServer('A');
  const m = await newMigration('locked', { phases: [{ name: 'presync' }] }, { sourceServer: cyrus });
  const [dot, source, target, env] = [m.target.server, m.source, m.target, m.env];
  try {
    const client = serverClient(cyrus, source);
    await client.connect();
    for (const name of ['INBOX.Locked', 'INBOX.Open']) {
      await client.mailboxCreate(name);
      await client.append(name, `Subject: in ${name}\r\nMessage-ID: <${name}@example.org>\r\n\r\nHello.\r\n`);
    }
    await client.append('INBOX', 'Subject: inbox\r\nMessage-ID: <inbox@example.org>\r\n\r\nHello.\r\n');
    await client.logout();
    await setAclAsAdmin(cyrus, `user.${source.user}.Locked`, source.user, 'l');

    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env });
    assert.is(planned.code, 1, planned.output);
    assert.match(
      planned.stderr,
      /source EXAMINE failed .*folder "INBOX\.Locked".*nothing is planned for this folder; the rest of the account is/s,
    );
    assert.match(planned.stdout, /INBOX\.Open → .*copy 1 message/);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env });
    assert.is(applied.code, 0, applied.output);
    const stored = await mailboxState(dot, target);
    assert.is(stored.INBOX?.length, 1);
    assert.is(stored['INBOX.Open']?.length, 1);

    const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync'], { env });
    assert.is(verified.code, 1, verified.output);
    assert.match(verified.output, /folder "INBOX\.Locked".*this folder was not verified/s);
  } finally {
    m.remove();
  }
});

test.run();
