// A target that stores no keywords (GNU mailutils: PERMANENTFLAGS without \*, and BAD to an APPEND
// carrying one), here Dovecot behind a proxy that says so: EXAMINE tells nothing, so plan learns it
// from a SELECT of the target's INBOX, warns, and copies without the keyword; re-plans converge.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

test('keywords to a target whose PERMANENTFLAGS lack \\*: warned in the plan, dropped, re-plan at 0', async () => {
  const { dot } = await dovecotPair();
  const proxy = await startTcpProxy(dot.ports.plain, {
    rewriteServerLine: (line) =>
      line.replace(/^\* OK \[PERMANENTFLAGS \(([^)]*?) ?\\\*\)\]/, '* OK [PERMANENTFLAGS ($1)]'),
  });
  const m = await newMigration(
    'keywords-refused',
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$', '^Work$'] } },
    { target: { port: proxy.port } },
  );
  try {
    await fillMailbox(m.source.server, m.source, {
      INBOX: [
        { name: 'labelled', flags: ['\\Seen', '$Label1'] },
        { name: 'plain', flags: ['\\Flagged'] },
      ],
      Work: [{ name: 'work', flags: ['Project-X'] }],
    });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.output);
    assert.match(planned.output, /"\$Label1".*PERMANENTFLAGS do not allow/);
    assert.match(planned.output, /"Project-X".*PERMANENTFLAGS do not allow/);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env: m.env });
    assert.is(applied.code, 0, applied.output);
    const target = await mailboxState(m.target.server, m.target);
    assert.equal(target.INBOX?.map((message) => message.flags.sort()).sort(), [['\\Flagged'], ['\\Seen']]);
    assert.equal(
      target['INBOX.Work']?.map((message) => message.flags),
      [[]],
    );

    const again = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode'], { env: m.env });
    assert.is(again.code, 0, again.output);
    const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(verified.code, 0, verified.output);
  } finally {
    m.remove();
    await proxy.stop();
  }
});

test.run();
