// The confirmation prompt of `apply <manifest> --phase`, on a pseudo-terminal: a plan that deletes
// leads with its deletions and wants `delete` or their number; only the confirmation applies, any
// other answer cancels with exit 1, Ctrl-C with 130; and a cancelled apply leaves the plan file as it was.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { hasScript, runOnTerminal } from '../support/terminal.ts';

const EARLIER = '{ "the plan under review": true }\n';
// Both the question of a plan that deletes and that of a copy-only plan start so.
const QUESTION = 'Apply this plan';

/** A migration whose presync copies "new" and deletes "stray" on the target (deleting: true), or only copies; with an earlier plan file in place. */
async function migration(name: string, deleting: boolean): Promise<Migration> {
  const m = await newMigration(name, {
    phases: [{ name: 'presync', deleteTarget: deleting }],
    folders: { include: ['^INBOX$'] },
  });
  await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'kept' }, { name: 'new' }] });
  await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'kept' }, { name: 'stray' }] });
  mkdirSync(dirname(m.planPath('presync')), { recursive: true });
  writeFileSync(m.planPath('presync'), EARLIER);
  return m;
}

const apply = (m: Migration, type: string, when: string = QUESTION) =>
  runOnTerminal(['apply', m.manifest, '--phase', 'presync'], { env: m.env, when, type });
const targetInbox = async (m: Migration) => ((await mailboxState(m.target.server, m.target)).INBOX ?? []).length;

test.before(() => {
  assert.ok(hasScript(), 'util-linux `script` is needed to give the CLI a terminal');
});

test('a plan that deletes leads with its deletions per side and takes no plain yes: exit 1, nothing applied, plan file untouched', async () => {
  const m = await migration('prompt-yes', true);
  try {
    const result = await apply(m, 'yes\r');
    assert.is(result.code, 1, result.output);
    assert.match(result.output, 'This plan DELETES 1 message:');
    assert.match(result.output, 'on the target: 1 message');
    assert.match(result.output, 'on the source: 0 messages');
    assert.match(
      result.output,
      "Type 'delete' or 1 (the number of messages it deletes) to confirm; anything else cancels:",
    );
    assert.ok(
      result.output.indexOf('This plan DELETES') >
        result.output.indexOf('- delete target UID 2: "stray" from sender@test'),
      'after the plan, before the question',
    );
    assert.match(result.output, 'Apply cancelled: nothing was applied');
    assert.is(readFileSync(m.planPath('presync'), 'utf8'), EARLIER, 'the earlier plan file is as it was');
    assert.is(await targetInbox(m), 2, 'nothing copied, nothing deleted');
  } finally {
    m.remove();
  }
});

test("a copy-only plan asks for 'yes'; 'y' cancels with exit 1 and leaves the plan file", async () => {
  const m = await migration('prompt-y', false);
  try {
    const result = await apply(m, 'y\r', "Only 'yes' is accepted: ");
    assert.is(result.code, 1, result.output);
    assert.not.match(result.output, 'DELETES');
    assert.match(result.output, 'Apply cancelled');
    assert.is(readFileSync(m.planPath('presync'), 'utf8'), EARLIER);
    assert.is(await targetInbox(m), 2);
  } finally {
    m.remove();
  }
});

test('Ctrl-C at the prompt: "Apply cancelled", exit 130, no internal error, plan file untouched', async () => {
  const m = await migration('prompt-ctrl-c', true);
  try {
    const result = await apply(m, '\u0003');
    assert.is(result.code, 130, result.output);
    assert.match(result.output, 'Apply cancelled');
    assert.not.match(result.output, /internal error|this is a bug/);
    assert.not.ok(hasStackTrace(result.output), result.output);
    assert.is(readFileSync(m.planPath('presync'), 'utf8'), EARLIER);
    assert.is(await targetInbox(m), 2);
  } finally {
    m.remove();
  }
});

for (const [word, name] of [
  ['delete', 'prompt-word'],
  ['1', 'prompt-number'],
] as const) {
  test(`'${word}' confirms a plan that deletes: it applies, and its plan file is written`, async () => {
    const m = await migration(name, true);
    try {
      const result = await apply(m, `${word}\r`);
      assert.is(result.code, 0, result.output);
      assert.match(result.output, 'Apply complete');
      const plan = JSON.parse(readFileSync(m.planPath('presync'), 'utf8'));
      assert.is(plan.summary.targetDeletes, 1);
      const names = ((await mailboxState(m.target.server, m.target)).INBOX ?? []).length;
      assert.is(names, 2, 'kept and new; stray deleted');
    } finally {
      m.remove();
    }
  });
}

test('without a terminal apply --phase refuses and leaves the plan file; the hint says how to make one to review', async () => {
  const m = await migration('prompt-no-tty', true);
  try {
    const refused = await runMailshift(['apply', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(refused.code, 1);
    assert.match(refused.stderr, 'refusing to apply without confirmation: not on a terminal');
    assert.match(refused.stderr, `mailshift plan ${m.manifest} --phase presync`);
    assert.is(readFileSync(m.planPath('presync'), 'utf8'), EARLIER);
    assert.ok(existsSync(m.planPath('presync')));
  } finally {
    m.remove();
  }
});

test.run();
