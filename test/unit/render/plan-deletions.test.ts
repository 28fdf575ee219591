// How the plan views list deletions: with the Date, From and Subject the plan recorded, the first
// ten per folder in text (all with --verbose), sender text escaped in markdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summarise } from '../../../src/plan/plan-summary.ts';
import type { Action, Plan } from '../../../src/plan/types.ts';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../../src/render/plan-text.ts';
import { fixturePlan } from '../../support/plans.ts';

const ID = 'e'.repeat(64);

function planDeleting(actions: Action[]): Plan {
  const plan = fixturePlan();
  const folder = { ...plan.accounts[0]!.folders[0]!, source: 'INBOX', target: 'INBOX', actions };
  plan.accounts = [{ ...plan.accounts[0]!, folders: [folder] }];
  plan.summary = summarise(plan.accounts);
  plan.warnings = [];
  return plan;
}

const deletion = (uid: number, subject: string | null = `message ${uid}`): Action => ({
  op: 'deleteTarget',
  uid,
  identity: ID,
  headers: { date: 'Sat, 1 Nov 2026 10:00:00 +0000', from: 'Bob <bob@test>', subject },
});

test('text: each deletion with its Subject, From and Date; the first ten, then how many more and how to see them', () => {
  const text = renderPlanText(planDeleting(Array.from({ length: 12 }, (_, i) => deletion(i + 1))), {
    palette: { color: false },
    verbose: false,
  });
  assert.match(text, '      - delete target UID 1: "message 1" from Bob <bob@test>, Sat, 1 Nov 2026 10:00:00 +0000\n');
  assert.match(text, '- delete target UID 10: "message 10"');
  assert.not.match(text, 'UID 11:');
  assert.match(text, '      … and 2 more (--verbose lists every one)\n');
});

test('text --verbose: every deletion', () => {
  const text = renderPlanText(planDeleting(Array.from({ length: 12 }, (_, i) => deletion(i + 1))), {
    palette: { color: false },
    verbose: true,
  });
  assert.match(text, '- delete target UID 12: "message 12"');
  assert.not.match(text, '… and');
});

test('text: a message without Subject or From says so; a deletion recorded without headers keeps its identity', () => {
  const text = renderPlanText(
    planDeleting([
      { op: 'deleteTarget', uid: 1, identity: ID, headers: { date: null, from: null, subject: null } },
      { op: 'deleteTarget', uid: 2, identity: ID },
      {
        op: 'deleteSource',
        uid: 3,
        identity: ID,
        targetUid: 7,
        headers: { date: null, from: 'a@test', subject: 'moved' },
      },
    ]),
    { palette: { color: false }, verbose: false },
  );
  assert.match(text, '- delete target UID 1: (no subject) from (no sender)\n');
  assert.match(text, `- delete target UID 2 (identity ${ID.slice(0, 12)})\n`);
  assert.match(text, '- delete source UID 3 (on the target as UID 7): "moved" from a@test\n');
});

test('markdown: deletions listed under the review heading; sender text cannot add links, emphasis or HTML', () => {
  const markdown = renderPlanMarkdown(
    planDeleting([deletion(1, '[win](http://evil.test) *now* <img src=x> `code` | cell')]),
  );
  const review = markdown.slice(markdown.indexOf('Deletions — review these'));
  assert.match(
    review,
    '  - delete target UID 1: "\\[win\\]\\(http://evil.test\\) \\*now\\* &lt;img src=x&gt; \\`code\\` \\| cell" from Bob &lt;bob@test&gt;',
  );
  assert.not.match(markdown, '[win](');
  assert.not.match(markdown, '<img');
});

test.run();
