// `mailshift apply` with a daily byte budget (maxBytesPerDay, Gmail's kind of limit) too small for
// the mailbox: the apply pauses the account part-way (exit 1, an audit record, the summary line,
// the `paused` event), a re-run within the same 24 h copies nothing more (the count is kept in the
// state dir), and a re-run a day later (MAILSHIFT_NOW moves the clock) finishes with nothing lost
// and nothing twice.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import type { ApplyEvent } from '../../src/engine/apply-events.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox, rawMessage, type TestMessage } from '../support/mailbox-builder.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { auditFiles } from '../support/audit-files.ts';

test('a spent daily byte budget pauses the account until the window frees up; applied again a day later, the plan finishes with nothing lost or twice', async () => {
  // Three folders of two messages each; the target may take four messages' bytes a day.
  const folder = (prefix: string): TestMessage[] => [
    { name: `${prefix}1`, padding: 1000 },
    { name: `${prefix}2`, padding: 1000 },
  ];
  const content = { INBOX: folder('in'), Work: folder('wo'), Old: folder('ol') };
  const sizes = Object.values(content)
    .flat()
    .map((message) => rawMessage(message).length);
  const fourMessages = sizes.slice(0, 4).reduce((sum, size) => sum + size, 0);
  assert.ok(
    sizes.every((size) => size === sizes[0]),
    'the messages are all of one size',
  );
  const budget = fourMessages + Math.floor(sizes[0]! / 2);
  const m = await newMigration(
    'daily-budget',
    { phases: [{ name: 'presync' }] },
    { target: { maxBytesPerDay: budget } },
  );
  try {
    await fillMailbox(m.source.server, m.source, content);
    const plan = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.ok(plan.code === 0 || plan.code === 2, plan.stderr);
    const planFile = m.planPath('presync');

    const first = await runMailshift(['apply', planFile, '--format', 'json'], {
      env: { ...m.env, MAILSHIFT_NOW: '2026-12-07T09:00:00Z' },
    });
    assert.is(first.code, 1, first.output);
    assert.not.ok(hasStackTrace(first.output), first.output);
    // Charged to the minute, rounded up: the window frees 24 h after 09:01.
    const until = '2026-12-08T09:01:00Z';
    const events = first.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ApplyEvent);
    assert.equal(
      events.find((event) => event.type === 'paused'),
      { type: 'paused', account: 'alice', side: 'target', usedBytes: fourMessages, budgetBytes: budget, until },
      'the paused event, plain data',
    );
    const finished = events.at(-1) as Extract<ApplyEvent, { type: 'apply_finished' }>;
    assert.is(finished.type, 'apply_finished');
    assert.is(finished.result, 'paused');
    assert.is(finished.counts.messagesCopied, 4);
    assert.is(finished.counts.failed, 0, 'what was not copied is not failed');
    assert.match(
      first.stderr,
      `alice: paused by quota until ${until} (target: ${(fourMessages / 1000).toFixed(1)} KB of ${(budget / 1000).toFixed(1)} KB in 24 h)`,
    );
    assert.match(first.stderr, 'The phase is not done: apply the same plan again from 2026-12-08T09:01:00Z');
    for (const secret of [m.source.password, m.target.password])
      assert.not.ok(first.output.includes(secret), 'no password shown');

    const [audit] = auditFiles(m.manifest);
    const quota = audit!.filter((record) => record.op === 'quota');
    assert.is(quota.length, 1, 'one audit record for the pause');
    assert.equal(
      {
        side: quota[0]!.side,
        usedBytes: quota[0]!.usedBytes,
        budgetBytes: quota[0]!.budgetBytes,
        until: quota[0]!.until,
      },
      { side: 'target', usedBytes: fourMessages, budgetBytes: budget, until },
    );
    assert.match(String(quota[0]!.reason), `paused by quota until ${until}`);
    assert.is(audit!.at(-1)!.result, 'paused', 'the audit ends paused: the phase is not done');
    assert.is(audit!.filter((record) => record.op === 'copy').length, 4);
    const target = contentMultiset(await mailboxState(m.target.server, m.target));
    assert.is(target.length, 4, 'four messages copied before the pause');

    const status = await runMailshift(['status', m.manifest], { env: m.env });
    assert.match(status.stdout, 'paused by a daily byte budget', 'status: the next step is this plan again');
    const shown = await runMailshift(['audit', m.manifest, String(audit![0]!.applyId)], { env: m.env });
    assert.is(shown.code, 0, shown.output);
    assert.match(shown.stdout, `paused by quota until ${until}`);

    // An hour later the window still holds the first apply's bytes: nothing more is copied.
    const again = await runMailshift(['apply', planFile], { env: { ...m.env, MAILSHIFT_NOW: '2026-12-07T10:00:00Z' } });
    assert.is(again.code, 1, again.output);
    assert.match(again.stdout, `alice: paused by quota until ${until}`);
    assert.match(again.stdout, /Apply paused by a daily byte budget: 0 copied/);
    assert.is(contentMultiset(await mailboxState(m.target.server, m.target)).length, 4);

    // A day later: the rest goes, from the journal.
    const later = await runMailshift(['apply', planFile], { env: { ...m.env, MAILSHIFT_NOW: '2026-12-08T09:02:00Z' } });
    assert.is(later.code, 0, later.output);
    assert.match(later.stdout, /Apply complete: 2 copied/);
    assert.not.match(later.stdout, /paused/);
    const [source, copied] = await Promise.all([
      mailboxState(m.source.server, m.source),
      mailboxState(m.target.server, m.target),
    ]);
    assert.equal(
      contentMultiset(copied),
      contentMultiset(source),
      'same bodies, flags and dates; none lost, none twice',
    );
  } finally {
    m.remove();
  }
});

test.run();
