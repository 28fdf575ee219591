import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalPlanJson } from '../../../src/plan/canonical-json.ts';
import { hasChanges, summarise } from '../../../src/plan/plan-summary.ts';
import { renderPlanDiff } from '../../../src/render/plan-diff.ts';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../../src/render/plan-text.ts';
import { formatBytes } from '../../../src/render/sizes.ts';
import { fixtureAccounts, fixturePlan } from '../../support/plans.ts';

test('the summary counts every kind of action', () => {
  assert.equal(summarise(fixtureAccounts()), {
    accounts: 2,
    foldersToCreate: 1,
    foldersToDelete: 1,
    messagesToCopy: 2,
    bytesToCopy: 1_504_211,
    flagUpdates: 1,
    targetDeletes: 1,
    sourceDeletes: 0,
  });
});

test('hasChanges: a subscription alone is a change; empty folders are not', () => {
  const accounts = fixtureAccounts();
  assert.ok(hasChanges(accounts));
  assert.not.ok(hasChanges([accounts[1]!]));
  const onlySubscribe = fixtureAccounts()[1]!;
  onlySubscribe.folders[0]!.actions = [{ op: 'subscribe' }];
  assert.ok(hasChanges([onlySubscribe]));
});

test('canonical JSON: two-space indent, one action per line, parses back to the same plan', () => {
  const text = canonicalPlanJson(fixturePlan());
  assert.equal(JSON.parse(text), fixturePlan());
  assert.ok(text.endsWith('}\n'));
  assert.match(text, '\n  "format": "mailshift-plan/v1",\n');
  assert.match(
    text,
    '\n            {"op":"copy","uid":3,"size":4211,"internalDate":"2026-11-20T10:00:00.000Z","flags":["\\\\Seen"],"identity":"' +
      'a'.repeat(64) +
      '"},\n',
  );
  assert.match(text, '"actions": []');
  const lines = text.split('\n').filter((line) => line.includes('"op"'));
  assert.is(lines.length, 7, 'each action on its own line');
});

test('canonical JSON: keys keep the contract order', () => {
  const keys = Object.keys(JSON.parse(canonicalPlanJson(fixturePlan())));
  assert.equal(keys.slice(0, 5), ['format', 'tool', 'createdAt', 'manifest', 'name']);
  assert.ok(keys.indexOf('summary') < keys.indexOf('warnings') && keys.indexOf('warnings') < keys.indexOf('accounts'));
});

test('canonical JSON holds secret references, never values', () => {
  const text = canonicalPlanJson(fixturePlan());
  assert.match(text, '"password": {\n');
  assert.match(text, '"env": "ALICE_OLD_PW"');
  assert.match(text, '"accessToken": {');
});

test('text view: + create/copy, - deletions called out, unchanged folders counted', () => {
  const text = renderPlanText(fixturePlan(), { palette: { color: false }, verbose: false });
  assert.match(text, 'mailshift plan: acme-cutover, phase presync');
  assert.match(
    text,
    '  - INBOX → INBOX: copy 1 message (4.2 KB), update flags of 1 message, DELETE 1 message on the target',
  );
  assert.match(text, `      - delete target UID 2 (identity ${'b'.repeat(12)})`);
  assert.match(text, '  + Lists.Dev → INBOX.Lists_Dev: create folder, copy 1 message (1.5 MB), subscribe');
  assert.match(text, '      note: "." in "Lists.Dev" became "_"');
  assert.match(text, '  - INBOX.Old (target only): DELETE folder with 12 messages');
  assert.match(text, '    1 folder without changes');
  assert.match(text, '! alice / INBOX: keyword "Project X"');
  assert.match(
    text,
    'Plan: 1 folder to create, 1 to delete, 2 messages (1.5 MB) to copy, 1 flag update, 1 target deletion, 0 source deletions.',
  );
  assert.not.match(text, '\u001b[');
});

test('text view --verbose lists unchanged folders too', () => {
  const text = renderPlanText(fixturePlan(), { palette: { color: false }, verbose: true });
  assert.match(text, '  = Sent → INBOX.Sent Items (automap): no changes');
});

test('markdown: summary table, warnings and deletions before the folded details', () => {
  const md = renderPlanMarkdown(fixturePlan());
  assert.match(md, '### mailshift plan: `acme-cutover` · phase `presync`');
  assert.match(md, '| 2 | 1 | 1 | 2 | 1.5 MB | 1 | 1 | 0 |');
  assert.match(md, '**⚠️ Warnings (1)**');
  assert.match(md, '- `alice` / `INBOX`: delete 1 message(s) on the target');
  assert.match(md, '- `alice` / `INBOX.Old`: delete target folder `INBOX.Old` with 12 message(s)');
  assert.match(md, '<details><summary><b>alice</b>');
  assert.match(md, '| `Lists.Dev` | `INBOX.Lists_Dev` | structure | create folder, copy 1 message (1.5 MB), subscribe');
  assert.ok(md.indexOf('Warnings') < md.indexOf('Deletions') && md.indexOf('Deletions') < md.indexOf('<details>'));
});

test('an admin login for the user reads "admin as <user>" in text and markdown', () => {
  const [alice] = fixtureAccounts();
  const target = {
    host: 'imap.new.example',
    port: 993,
    tls: 'implicit' as const,
    user: 'migration',
    authorizeAs: 'alice@new.example',
    password: { env: 'ADMIN_PW' },
  };
  const plan = fixturePlan([{ ...alice!, target }]);
  assert.match(
    renderPlanText(plan, { palette: { color: false }, verbose: false }),
    'Account alice: alice@old.example@imap.old.example:993 → migration as alice@new.example@imap.new.example:993',
  );
  assert.match(renderPlanMarkdown(plan), '→ migration as alice@new.example@imap.new.example —');
  assert.match(
    canonicalPlanJson(plan),
    '"user": "migration",\n        "authorizeAs": "alice@new.example",\n        "password": {',
  );
});

test('diff: identical plans but for createdAt have no differences', () => {
  const later = { ...fixturePlan(), createdAt: '2026-11-24T09:00:00Z' };
  const result = renderPlanDiff(fixturePlan(), later, { old: 'a.json', new: 'b.json' });
  assert.is(result.changed, false);
  assert.match(result.text, 'No differences');
});

test('diff: a changed action shows as a unified diff line and the counts change', () => {
  const accounts = fixtureAccounts();
  accounts[0]!.folders[0]!.actions.splice(2, 1);
  const result = renderPlanDiff(fixturePlan(), fixturePlan(accounts), { old: 'a.json', new: 'b.json' });
  assert.ok(result.changed);
  assert.match(result.text, '--- a.json');
  assert.match(result.text, '+++ b.json');
  assert.match(result.text, `-            {"op":"deleteTarget","uid":2,"identity":"${'b'.repeat(64)}"}`);
  assert.match(result.text, '  targetDeletes: 1 → 0 (-1)');
  assert.match(result.text, '  messagesToCopy: 2\n');
});

test('sizes read like a mail admin expects', () => {
  assert.equal([0, 932.8358, 999, 1000, 4211, 1_500_000, 209_214_047, 3e12].map(formatBytes), [
    '0 B',
    '933 B',
    '999 B',
    '1.0 KB',
    '4.2 KB',
    '1.5 MB',
    '209.2 MB',
    '3.0 TB',
  ]);
});

test.run();
