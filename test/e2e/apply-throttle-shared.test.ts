// Two accounts on one source server that throttles: when the server tells one account to back off,
// the other holds off too (the wait is the server's, not the account's), and both finish with
// nothing lost and no duplicate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditRecords } from '../support/audit-files.ts';
import { runMailshift } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { addAccount, newMigration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { throttleSchedule } from '../support/throttling-proxy.ts';

const BODY_FETCH = /^UID FETCH \S+ \(.*BODY\.PEEK\[\].*\)/;
const BACKOFF_MS = 2000;

test('Office 365 tells one account to back off: the other account on that server holds off too, and both finish exactly', async () => {
  const { slash } = await dovecotPair();
  const schedule = throttleSchedule([
    { command: BODY_FETCH, nth: 3, answer: { kind: 'office365', waitMs: BACKOFF_MS } },
  ]);
  const proxy = await startTcpProxy(slash.ports.plain, {
    hideCapabilities: ['COMPRESS=DEFLATE'],
    answerCommand: schedule.answerCommand,
    rewriteServerLine: schedule.rewriteServerLine,
  });
  // One connection each, and a pace slow enough that both accounts are still reading when the
  // throttle comes: 50 messages at 20 a second is about 2.5 s each.
  const pace = { connections: 1, maxMessagesPerSecond: 20 };
  const m = await newMigration(
    'throttle-shared',
    { phases: [{ name: 'presync' }] },
    { source: { port: proxy.port, ...pace } },
  );
  try {
    const bob = await addAccount(m, 'bob');
    await seedMailbox(m.source.server, m.source, { seed: 31, messages: 50, otherDelimiter: '.' });
    await seedMailbox(m.source.server, bob.source, { seed: 32, messages: 50, otherDelimiter: '.' });
    const { env } = m;
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env });
    assert.is(planned.code, 0, planned.stderr);

    schedule.arm();
    const applied = await runMailshift(['apply', m.planPath('presync')], { env });
    const output = applied.stdout + applied.stderr;
    assert.is(applied.code, 0, output);
    assert.is(schedule.fired.length, 1, 'the server throttled once');

    // What reached the server while the wait ran: no account read a message body. A body read sent
    // in the instant the answer was on its way is allowed (the account had not heard it yet).
    const throttledAt = schedule.fired[0]!;
    const readsDuringWait = schedule.after.filter(
      (entry) =>
        BODY_FETCH.test(entry.command) && entry.at > throttledAt + 200 && entry.at < throttledAt + BACKOFF_MS - 100,
    );
    assert.equal(readsDuringWait, [], 'neither account read from the server while it asked for quiet');
    assert.ok(
      schedule.after.some((entry) => BODY_FETCH.test(entry.command) && entry.at >= throttledAt + BACKOFF_MS - 100),
      'the reading went on after the wait',
    );

    const records = auditRecords(m.manifest);
    const episodes = records.filter((record) => record.op === 'throttle');
    assert.ok(episodes.length >= 1, 'the episode is audited');
    assert.ok(
      episodes.every((episode) => episode.server === `127.0.0.1:${proxy.port}`),
      'every episode names the server',
    );
    assert.match(applied.stdout, /Servers asked to slow down: throttled/);

    for (const [account, target] of [
      [m.source, m.target],
      [bob.source, bob.target],
    ] as const) {
      const [source, copied] = await Promise.all([
        mailboxState(m.source.server, account),
        mailboxState(m.target.server, target),
      ]);
      const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');
      assert.equal(
        contentMultiset(copied),
        contentMultiset(source).filter(notDeleted),
        `${account.user}: exact, none twice`,
      );
    }
  } finally {
    await proxy.stop();
    m.remove();
  }
});

test.run();
