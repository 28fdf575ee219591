// `mailshift show --format markdown` of a wave's plan, as a pull-request workflow runs it: the
// comment stays under GitHub's limit, and `--full` holds every account's table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writePlanFile } from '../../src/engine/plan-file.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { waveAccountId, wavePlan } from '../support/wave-plan.ts';

const ACCOUNTS = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'mailshift-comment-'));
const planFile = join(dir, 'wave-1.presync.plan.json');

test.before(() => writePlanFile(planFile, wavePlan({ accounts: ACCOUNTS, deleting: [5, 1_234], warned: [77] })));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('show --format markdown of 2,000 accounts: a comment under GitHub’s limit that names the full tables', async () => {
  const result = await runMailshift(['show', planFile, '--format', 'markdown']);
  assert.is(result.code, 0, result.stderr);
  assert.ok(result.stdout.length <= 60_000, `${result.stdout.length} characters`);
  assert.match(result.stdout, `\`mailshift show ${planFile} --format markdown --full\``);
  assert.match(result.stdout, '`KEYWORD_UNSUPPORTED` (1 warning)');
  assert.match(result.stdout, `- \`${waveAccountId(1_234)}\` / \`INBOX\`: delete 1 message(s) on the target`);
  assert.match(result.stdout, /\n… and \d+ more accounts with /);
});

test('show --format markdown --full: every account’s table, the deletions and warnings too', async () => {
  const result = await runMailshift(['show', planFile, '--format', 'markdown', '--full']);
  assert.is(result.code, 0, result.stderr);
  const tables = [...result.stdout.matchAll(/<details><summary><b>(user\d+)<\/b>/g)].map((m) => m[1]);
  assert.equal(
    tables,
    Array.from({ length: ACCOUNTS }, (_, index) => waveAccountId(index)),
  );
  assert.match(result.stdout, '- `user0078` / `INBOX`: keyword "Project 77" is not a valid IMAP keyword');
  assert.match(result.stdout, '  - delete target UID 1001: "Old 1" from Sender 1 &lt;s1@example&gt;');
  assert.not.match(result.stdout, 'Shortened');
});

test('show --max-chars sets the budget; --full and --max-chars want --format markdown', async () => {
  const small = await runMailshift(['show', planFile, '--format', 'markdown', '--max-chars', '8000']);
  assert.is(small.code, 0, small.stderr);
  assert.ok(small.stdout.length <= 8_000, `${small.stdout.length} characters`);
  const text = await runMailshift(['show', planFile, '--full']);
  assert.is(text.code, 1);
  assert.match(text.stderr, '--full goes with --format markdown');
  const tiny = await runMailshift(['show', planFile, '--format', 'markdown', '--max-chars', '100']);
  assert.is(tiny.code, 1);
  assert.match(tiny.stderr, '--max-chars 100 is not a whole number of at least 2000');
  assert.not.ok(hasStackTrace(text.stderr + tiny.stderr));
});

test.run();
