// Deletions a person can judge: every message a plan deletes, on either side, is recorded in the
// plan file and shown with its Date, From and Subject, decoded, on one line and stripped of what
// a terminal would act on. Apply checks the recorded headers' shape; a plan without them applies.
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { newMigration } from '../support/migration.ts';
import { plainClient, type Account } from '../support/seed.ts';
import type { DovecotServer } from '../support/dovecot.ts';

type Json = Record<string, any>;
const ESC = '\u001b';
const HOSTILE_SUBJECT = `${ESC}[2J${ESC}]8;;http://evil.test${ESC}\\click here${ESC}]8;;${ESC}\\ ${'x'.repeat(30_000)}`;

function raw(headers: string[], body = 'hello'): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

async function appendRaw(server: DovecotServer, account: Account, folder: string, messages: Buffer[]): Promise<void> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    for (const message of messages) await client.append(folder, message, [], new Date('2026-11-01T10:00:00Z'));
  } finally {
    await client.logout();
  }
}

const inboxOf = (plan: Json) => plan.accounts[0].folders.find((folder: Json) => folder.source === 'INBOX');

test('deleteTarget: the plan records and shows Date, From and Subject of each deleted message, decoded and made harmless', async () => {
  const m = await newMigration('del-headers-target', {
    phases: [{ name: 'presync', deleteTarget: true }],
    folders: { include: ['^INBOX$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'kept' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'kept' }] });
    await appendRaw(m.target.server, m.target, 'INBOX', [
      raw([
        'Message-ID: <invoice@test>',
        'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@test>',
        'Subject: =?UTF-8?B?UmVjaG51bmcgTcOkcno=?=',
        'Date: Mon, 2 Nov 2026 09:30:00 +0100',
      ]),
      raw(['Message-ID: <hostile@test>', `From: evil${ESC}[31m@test`, `Subject: ${HOSTILE_SUBJECT}`]),
    ]);
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);
    const plan = JSON.parse(readFileSync(m.planPath('presync'), 'utf8'));
    const deletions = inboxOf(plan).actions.filter((a: Json) => a.op === 'deleteTarget');
    assert.is(deletions.length, 2);
    assert.equal(deletions[0].headers, {
      date: 'Mon, 2 Nov 2026 09:30:00 +0100',
      from: 'Jörg Müller <joerg@test>',
      subject: 'Rechnung März',
    });
    assert.is(deletions[1].headers.from, 'evil[31m@test');
    assert.is(deletions[1].headers.date, null);
    assert.ok(
      deletions[1].headers.subject.startsWith('[2J]8;;http://evil.test\\click here]8;;\\ xxx'),
      deletions[1].headers.subject,
    );
    assert.is(Array.from(deletions[1].headers.subject as string).length, 200, 'capped');
    assert.ok(
      inboxOf(plan).actions.every((a: Json) => a.op === 'deleteTarget' || a.headers === undefined),
      'only deletions carry headers',
    );

    assert.match(
      planned.stdout,
      `- delete target UID ${deletions[0].uid}: "Rechnung März" from Jörg Müller <joerg@test>, Mon, 2 Nov 2026 09:30:00 +0100`,
    );
    assert.match(planned.stdout, `- delete target UID ${deletions[1].uid}: "[2J]8;;http://evil.test`);
    assert.not.ok(planned.output.includes(ESC), 'no escape character reaches the terminal');

    const markdown = await runMailshift(['show', m.planPath('presync'), '--format', 'markdown'], { env: m.env });
    assert.is(markdown.code, 0, markdown.stderr);
    assert.match(
      markdown.stdout,
      `  - delete target UID ${deletions[0].uid}: "Rechnung März" from Jörg Müller &lt;joerg@test&gt;, Mon, 2 Nov 2026 09:30:00 +0100`,
    );
    assert.match(markdown.stdout, '\\[2J\\]8;;http://evil.test\\\\click here');
    assert.not.ok(markdown.output.includes(ESC));

    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal((await mailboxState(m.target.server, m.target)).INBOX!.length, 1, 'only "kept" is left');
  } finally {
    m.remove();
  }
});

test('deleteSource: the plan records and shows Date, From and Subject of the source messages it deletes', async () => {
  const m = await newMigration('del-headers-source', {
    phases: [{ name: 'drain', deleteSource: true }],
    folders: { include: ['^INBOX$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'moved-one' }, { name: 'moved-two' }] });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'drain'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);
    const deletions = inboxOf(JSON.parse(readFileSync(m.planPath('drain'), 'utf8'))).actions.filter(
      (a: Json) => a.op === 'deleteSource',
    );
    assert.equal(
      deletions.map((a: Json) => a.headers),
      ['moved-one', 'moved-two'].map((subject) => ({
        date: 'Sat, 1 Nov 2026 10:00:00 +0000',
        from: 'sender@test',
        subject,
      })),
    );
    assert.match(
      planned.stdout,
      `- delete source UID ${deletions[0].uid} after its copy is confirmed: "moved-one" from sender@test, Sat, 1 Nov 2026 10:00:00 +0000`,
    );
  } finally {
    m.remove();
  }
});

test('apply refuses recorded headers a plan cannot hold, and applies a plan that has none (made before they were recorded)', async () => {
  const m = await newMigration('del-headers-check', {
    phases: [{ name: 'presync', deleteTarget: true }],
    folders: { include: ['^INBOX$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'kept' }] });
    await fillMailbox(m.target.server, m.target, { INBOX: [{ name: 'kept' }, { name: 'stray' }] });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.is(planned.code, 0, planned.stderr);
    const plan = JSON.parse(readFileSync(m.planPath('presync'), 'utf8'));
    const deletion = inboxOf(plan).actions.find((a: Json) => a.op === 'deleteTarget');
    assert.is(deletion.headers.subject, 'stray');

    deletion.headers.subject = `stray${ESC}[2J`;
    writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
    const refused = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, "its headers' subject is not a line mailshift writes");
    assert.not.ok(refused.output.includes(ESC));

    delete deletion.headers;
    writeFileSync(m.planPath('presync'), JSON.stringify(plan, null, 2));
    const shown = await runMailshift(['show', m.planPath('presync')], { env: m.env });
    assert.match(shown.stdout, `- delete target UID ${deletion.uid} (identity ${deletion.identity.slice(0, 12)})`);
    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal((await mailboxState(m.target.server, m.target)).INBOX!.length, 1);
  } finally {
    m.remove();
  }
});

test.run();
