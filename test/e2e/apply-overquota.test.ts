// `mailshift apply` into a target mailbox that fills up: Dovecot's quota answers the APPEND past it
// with NO [OVERQUOTA], as a full Exchange or Gmail mailbox does. That account stops at once with a
// message that says what is full and how to go on; nothing is retried; the other accounts go on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { startDovecot } from '../support/dovecot.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { addAccount, newMigration } from '../support/migration.ts';

test('a full target mailbox (NO [OVERQUOTA]) stops that account with a clear message and no retry; the other account is copied', async () => {
  const full = await startDovecot({ layout: 'dot', quotaMessages: 4 });
  try {
    const m = await newMigration('overquota', { phases: [{ name: 'presync' }] }, { targetServer: full });
    try {
      // alice has 6 messages for a mailbox of 4; bob has 2.
      await fillMailbox(m.source.server, m.source, {
        INBOX: [{ name: 'a1' }, { name: 'a2' }, { name: 'a3' }],
        Work: [{ name: 'w1' }, { name: 'w2' }, { name: 'w3' }],
      });
      const bob = await addAccount(m, 'bob');
      await fillMailbox(m.source.server, bob.source, { INBOX: [{ name: 'b1' }, { name: 'b2' }] });
      const { env } = m;

      const applied = await runMailshift(['apply', m.manifest, '--phase', 'presync', '--auto-approve'], { env });
      const output = applied.stdout + applied.stderr;
      assert.is(applied.code, 1, output);
      assert.not.ok(hasStackTrace(output), output);
      assert.match(
        applied.stderr,
        /error: account alice: target mailbox of account alice at 127\.0\.0\.1:\d+ is full, folder "INBOX(\.Work)?": OVERQUOTA/,
      );
      assert.match(applied.stderr, 'raise the quota of that mailbox');
      assert.not.match(output, /retrying/, 'a full mailbox is not retried');
      for (const secret of [m.source.password, m.target.password, bob.source.password, bob.target.password])
        assert.not.ok(output.includes(secret), 'no password shown');

      const [bobSource, bobTarget] = await Promise.all([
        mailboxState(m.source.server, bob.source),
        mailboxState(full, bob.target),
      ]);
      assert.equal(contentMultiset(bobTarget), contentMultiset(bobSource), 'bob is copied in full');
      const [aliceSource, aliceTarget] = await Promise.all([
        mailboxState(m.source.server, m.source),
        mailboxState(full, m.target),
      ]);
      const copied = contentMultiset(aliceTarget);
      assert.ok(copied.length <= 4, `at most the quota's 4 messages are on alice's target, not ${copied.length}`);
      const source = contentMultiset(aliceSource);
      assert.ok(
        copied.every((line) => source.includes(line)) && new Set(copied).size === copied.length,
        'what is there is exact and once',
      );
    } finally {
      m.remove();
    }
  } finally {
    await full.stop();
  }
});

test.run();
