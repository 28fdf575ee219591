// What a plan leaves out, as a reviewer reads it, against the Dovecot pair: source folders not
// migrated with the rule that excludes each, rules that match nothing (a `map` typo), messages
// the age, size, target-limit and \Deleted rules leave out, one warning for a mistake many accounts share, and
// validate's lint for an unanchored alternation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { manifestFolder } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

const OLD = new Date('2020-01-01T00:00:00Z');

async function manifestWith(
  name: string,
  accounts: number,
  folders: Record<string, unknown>,
  messages: Record<string, unknown> = {},
) {
  const { slash, dot } = await dovecotPair();
  const env: NodeJS.ProcessEnv = {};
  const entries = [];
  for (let i = 0; i < accounts; i++) {
    const [source, target] = await Promise.all([
      freshUser(slash, `left-${name}-${i}-src`),
      freshUser(dot, `left-${name}-${i}-tgt`),
    ]);
    await fillMailbox(slash, source, {
      INBOX: [
        { name: 'keep' },
        { name: 'big', padding: 40_000 },
        { name: 'gone', flags: ['\\Deleted'] },
        { name: 'ancient', date: OLD },
      ],
      Sent: [{ name: 'sent' }],
      'Trash-2019': [{ name: 'trash' }],
      Spamfilter: [{ name: 'spam' }],
    });
    env[`SRC_${i}`] = source.password;
    env[`TGT_${i}`] = target.password;
    entries.push({
      id: `user${i}`,
      source: { user: source.user, password: { env: `SRC_${i}` } },
      target: { user: target.user, password: { env: `TGT_${i}` } },
    });
  }
  const manifest = folder.write(`${name}.json`, {
    apiVersion: 'mailshift/v1',
    name,
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: entries,
    folders,
    messages,
    phases: [{ name: 'presync' }],
  });
  return { manifest, env, planFile: join(folder.dir, 'plans', `${name}.presync.plan.json`) };
}

test('a plan names every folder it leaves out and why, the rules that match nothing, and the messages the rules leave out', async () => {
  const { manifest, env, planFile } = await manifestWith(
    'left',
    1,
    {
      include: ['.*', '^Projects$'],
      exclude: ['^(Drafts|Junk|Archive|Trash)$', 'Trash|Spam'],
      map: { Snet: 'Sent Items' },
      rename: [{ match: '^Nothing/', replace: 'x/' }],
    },
    { maxSize: 20_000, maxAgeDays: 365 },
  );
  const planned = await runMailshift(['plan', manifest, '--phase', 'presync'], { env });
  assert.is(planned.code, 0, planned.output);
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const account = plan.accounts[0];
  assert.equal(account.foldersLeftOut, [
    { folder: 'Archive', reason: 'exclude "^(Drafts|Junk|Archive|Trash)$"' },
    { folder: 'Drafts', reason: 'exclude "^(Drafts|Junk|Archive|Trash)$"' },
    { folder: 'Junk', reason: 'exclude "^(Drafts|Junk|Archive|Trash)$"' },
    { folder: 'Spamfilter', reason: 'exclude "Trash|Spam"' },
    { folder: 'Trash', reason: 'exclude "^(Drafts|Junk|Archive|Trash)$"' },
    { folder: 'Trash-2019', reason: 'exclude "Trash|Spam"' },
  ]);
  const inbox = account.folders.find((f: { source: string }) => f.source === 'INBOX');
  assert.equal(inbox.messagesLeftOut, { age: 1, size: 1, deleted: 1 });
  const unmatched = plan.warnings
    .filter((w: { code: string }) => w.code === 'RULE_UNMATCHED')
    .map((w: { message: string }) => w.message);
  assert.equal(unmatched, [
    'folders.map key "Snet" matches no source folder (did you mean "Sent"?): it maps nothing',
    'folders.rename "^Nothing/" changes no folder name: it renames nothing',
    'folders.include "^Projects$" matches no source folder',
  ]);
  assert.match(
    planned.stdout,
    'left out: 6 folders not migrated: Archive (exclude "^(Drafts|Junk|Archive|Trash)$"), Drafts',
  );
  assert.match(
    planned.stdout,
    'left out by the message rules: 3 messages in 1 folder (1 outside the age window, 1 outside the size window, 1 flagged \\Deleted)',
  );
  assert.match(planned.stdout, 'folders.map key "Snet" matches no source folder (did you mean "Sent"?)');
  const markdown = await runMailshift(['show', planFile, '--format', 'markdown'], { env });
  assert.match(markdown.stdout, 'Left out: 6 folders not migrated');
});

test("a target's size limit (targetMaxSize): the larger message is left out as too large for the target, and apply succeeds", async () => {
  const { manifest, env, planFile } = await manifestWith(
    'too-large',
    1,
    { include: ['^INBOX$'] },
    { targetMaxSize: 20_000 },
  );
  const planned = await runMailshift(['plan', manifest, '--phase', 'presync'], { env });
  assert.is(planned.code, 0, planned.output);
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const inbox = plan.accounts[0].folders.find((f: { source: string }) => f.source === 'INBOX');
  assert.equal(inbox.messagesLeftOut, { tooLarge: 1, deleted: 1 });
  assert.equal(inbox.actions.filter((a: { op: string }) => a.op === 'copy').length, 2);
  assert.match(planned.stdout, '1 too large for the target (messages.targetMaxSize)');
  const applied = await runMailshift(['apply', planFile], { env });
  assert.is(applied.code, 0, applied.output);
  const verified = await runMailshift(['verify', manifest, '--phase', 'presync'], { env });
  assert.is(verified.code, 0, verified.output);
});

test('the same warning for many accounts is one line, with the accounts counted', async () => {
  const { manifest, env, planFile } = await manifestWith('fold', 3, { map: { Snet: 'Sent Items' } });
  const planned = await runMailshift(['plan', manifest, '--phase', 'presync', '--quiet'], { env });
  assert.is(planned.code, 0, planned.output);
  const typos = JSON.parse(readFileSync(planFile, 'utf8')).warnings.filter(
    (w: { code: string }) => w.code === 'RULE_UNMATCHED',
  );
  assert.is(typos.length, 1);
  assert.match(typos[0].message, '(3 accounts: user0, user1, user2)');
  assert.equal(typos[0].accounts, ['user0', 'user1', 'user2']);
});

test('validate warns about an unanchored alternation, with the anchored form', async () => {
  const manifest = folder.write('lint.json', {
    apiVersion: 'mailshift/v1',
    name: 'lint',
    defaults: { source: { host: 'old.example', port: 993 }, target: { host: 'new.example', port: 993 } },
    accounts: [
      { id: 'a', source: { user: 'a', password: { env: 'A' } }, target: { user: 'a', password: { env: 'B' } } },
    ],
    folders: { exclude: ['Trash|Spam', '^Archive/|^Old$', 'Junk'] },
    phases: [{ name: 'presync' }],
  });
  const validated = await runMailshift(['validate', manifest]);
  assert.is(validated.code, 0, validated.output);
  assert.match(validated.output, '"Trash|Spam" is unanchored');
  assert.match(validated.output, 'for exactly these names write "^(Trash|Spam)$"');
  assert.match(validated.output, '/folders/exclude/0');
  assert.not.match(validated.output, '^Archive/|^Old$" is unanchored');
});

test.run();
