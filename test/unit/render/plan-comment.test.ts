import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { restSentence, weighAccounts } from '../../../src/render/plan-comment-accounts.ts';
import { COMMENT_MAX_CHARS, renderPlanComment } from '../../../src/render/plan-comment.ts';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.ts';
import { fixturePlan } from '../../support/plans.ts';
import { waveAccountId, wavePlan } from '../../support/wave-plan.ts';

const GITHUB_LIMIT = 65_536;
const FULL = '`mailshift show plans/wave-1.presync.plan.json --format markdown --full`';
const comment = (plan = wavePlan({ accounts: 2_000 }), maxChars = COMMENT_MAX_CHARS) =>
  renderPlanComment(plan, { maxChars, fullTables: FULL });
const shownAccounts = (md: string) => [...md.matchAll(/<summary><b>(user\d+)<\/b>/g)].map((m) => m[1]!);
const DELETING = [7, 300, 1_999];
const WARNED = [12, 1_500];
const LEAVING_OUT = [42];

test('a plan whose markdown fits is the comment unchanged: the same as the full tables', () => {
  assert.is(comment(fixturePlan()), renderPlanMarkdown(fixturePlan()));
  const small = wavePlan({ accounts: 10, deleting: [3], warned: [4] });
  assert.is(comment(small), renderPlanMarkdown(small));
  assert.not.match(comment(small), 'Shortened');
});

test('2,000 accounts: the full tables are far over GitHub’s limit, the comment is under the budget', () => {
  const plan = wavePlan({ accounts: 2_000, deleting: DELETING, warned: WARNED, leavingOut: LEAVING_OUT });
  assert.ok(renderPlanMarkdown(plan).length > 20 * GITHUB_LIMIT, 'the cap is what keeps the comment small');
  const md = comment(plan);
  assert.ok(md.length <= COMMENT_MAX_CHARS, `${md.length} characters`);
  assert.match(md, '| 2000 | 14000 | 0 |');
  assert.match(md, `Shortened to fit a pull-request comment: ${shownAccounts(md).length} of 2000 accounts shown`);
  assert.match(md, FULL);
  assert.match(md, '<sub>Manifest `migrations/acme.jsonnet`');
});

test('2,000 accounts: every warning kind with its count, before the deletions', () => {
  const md = comment(wavePlan({ accounts: 2_000, deleting: DELETING, warned: WARNED }));
  assert.match(md, '**⚠️ Warnings (3, by kind)**');
  assert.match(
    md,
    '- `KEYWORD_UNSUPPORTED` (2 warnings, 2 accounts): `user0013` / `INBOX`: keyword "Project 12" is not a valid IMAP keyword; it is left out (and 1 more like it)',
  );
  assert.match(md, '- `RULE_UNMATCHED` (1 warning, 2000 accounts): folders.map key "Snet"');
  assert.ok(md.indexOf('Warnings') < md.indexOf('Deletions'));
});

test('2,000 accounts: every deletion group, each deletion listed, then the riskiest accounts first', () => {
  const md = comment(
    wavePlan({ accounts: 2_000, deleting: DELETING, deletions: 4, warned: WARNED, leavingOut: LEAVING_OUT }),
  );
  for (const index of DELETING) {
    assert.match(md, `- \`${waveAccountId(index)}\` / \`INBOX\`: delete 4 message(s) on the target`);
  }
  assert.match(md, '  - delete target UID 1004: "Old 4" from Sender 4 &lt;s4@example&gt;');
  const shown = shownAccounts(md);
  assert.equal(shown.slice(0, 3).sort(), DELETING.map(waveAccountId), 'deletions first');
  assert.equal(shown.slice(3, 5).sort(), WARNED.map(waveAccountId), 'then warnings');
  assert.equal(shown.slice(5, 6), LEAVING_OUT.map(waveAccountId), 'then mail left out');
  assert.ok(shown.length >= 10, `${shown.length} accounts shown`);
  assert.ok(md.indexOf('Deletions') < md.indexOf('<details>'));
});

test('2,000 accounts: the line after the accounts counts the rest and says truly what they have', () => {
  const plain = comment(wavePlan({ accounts: 2_000 }));
  const rest = 2_000 - shownAccounts(plain).length;
  assert.ok(rest > 1_000, `${rest} accounts not shown`);
  assert.match(plain, `\n… and ${rest} more accounts with folder creations, copies, subscriptions and warnings\n`);
  const reflagged = comment(wavePlan({ accounts: 2_000, reflagging: [1_998, 1_999] }));
  const shown = shownAccounts(reflagged);
  assert.not.ok(shown.includes(waveAccountId(1_998)) || shown.includes(waveAccountId(1_999)));
  assert.match(
    reflagged,
    `\n… and ${2_000 - shown.length} more accounts: ${2_000 - shown.length - 2} with folder creations, copies, subscriptions and warnings, 2 with folder creations, copies, flag updates, subscriptions and warnings\n`,
  );
});

test('deletions too many for the comment: the groups that fit, then how many are not shown and where they are', () => {
  const all = Array.from({ length: 2_000 }, (_, index) => index);
  const md = comment(wavePlan({ accounts: 2_000, deleting: all, deletions: 2 }));
  assert.ok(md.length <= COMMENT_MAX_CHARS, `${md.length} characters`);
  const groups = [...md.matchAll(/^- `user\d+` \/ `INBOX`: delete 2 message\(s\) on the target$/gm)].length;
  assert.ok(groups > 100, `${groups} groups shown`);
  assert.match(
    md,
    `- … and ${2_000 - groups} more folder(s) with deletions, not shown here for length: every one is in the full tables, ${FULL}`,
  );
  assert.not.match(md, '  - delete target UID', 'one by one only when every group fits');
  assert.not.match(md, '  - … and 2 more', 'no list, so no "and more" under the counts');
  assert.match(md, '… and 2000 more accounts with deletions, folder creations, copies, subscriptions and warnings');
});

test('deletions listed three per folder when ten each do not fit', () => {
  const deleting = Array.from({ length: 150 }, (_, index) => index * 10);
  const md = comment(wavePlan({ accounts: 2_000, deleting, deletions: 10 }));
  assert.ok(md.length <= COMMENT_MAX_CHARS, `${md.length} characters`);
  assert.is([...md.matchAll(/: delete 10 message\(s\) on the target$/gm)].length, 150);
  assert.is([...md.matchAll(/^ {2}- … and 7 more$/gm)].length, 150);
});

test('long warning messages and many left-out accounts still fit', () => {
  const plan = wavePlan({ accounts: 2_000 });
  plan.warnings.push(
    ...Array.from({ length: 30 }, (_, n) => ({ code: `CODE_${n}`, message: 'x'.repeat(5_000), account: 'user0001' })),
  );
  plan.accountsFailed = Array.from({ length: 3_000 }, (_, n) => ({
    id: `broken${n}`,
    side: 'source' as const,
    reason: 'LOGIN failed '.repeat(20),
  }));
  const md = comment(plan);
  assert.ok(md.length <= COMMENT_MAX_CHARS, `${md.length} characters`);
  for (let n = 0; n < 30; n++) assert.match(md, `- \`CODE_${n}\` (1 warning): \`user0001\`: ${'x'.repeat(239)}…\n`);
  assert.match(md, '**⛔ Left out: 3000 account(s) could not be planned');
  assert.match(md, /- … and \d+ more\n/);
});

test('a smaller budget is kept too', () => {
  const md = comment(wavePlan({ accounts: 2_000, deleting: DELETING, warned: WARNED }), 10_000);
  assert.ok(md.length <= 10_000, `${md.length} characters`);
  assert.match(md, '`KEYWORD_UNSUPPORTED`');
  for (const index of DELETING) assert.match(md, `- \`${waveAccountId(index)}\` / \`INBOX\``);
});

test('restSentence: one kind reads "with X", several are counted by kind, most first', () => {
  const weights = weighAccounts(wavePlan({ accounts: 4, deleting: [2], reflagging: [3] }));
  assert.is(
    restSentence(weights.slice(0, 1)),
    '… and 1 more account with deletions, folder creations, copies, subscriptions and warnings',
  );
  const plain = weighAccounts(wavePlan({ accounts: 3 }));
  assert.is(restSentence(plain), '… and 3 more accounts with folder creations, copies, subscriptions and warnings');
  assert.is(
    restSentence(weights),
    '… and 4 more accounts: 2 with folder creations, copies, subscriptions and warnings, 1 with deletions, folder creations, copies, subscriptions and warnings, 1 with folder creations, copies, flag updates, subscriptions and warnings',
  );
  const copiesOnly = wavePlan({ accounts: 1 });
  copiesOnly.warnings = [];
  copiesOnly.accounts[0]!.folders = [copiesOnly.accounts[0]!.folders[0]!];
  assert.is(restSentence(weighAccounts(copiesOnly)), '… and 1 more account with copies only');
  copiesOnly.accounts[0]!.folders[0]!.actions = [];
  assert.is(restSentence(weighAccounts(copiesOnly)), '… and 1 more account with no changes');
});

test('markdown: a folder note reads as written, markdown escaped, not URL-encoded', () => {
  const md = renderPlanMarkdown(fixturePlan());
  assert.match(md, 'subscribe<br>"." in "Lists.Dev" became "_" (the target\'s hierarchy delimiter) |');
  assert.not.match(md, '%22');
});

test.run();
