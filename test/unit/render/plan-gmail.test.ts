import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalPlanJson } from '../../../src/plan/canonical-json.ts';
import { summarise } from '../../../src/plan/plan-summary.ts';
import type { AccountPlan, Plan } from '../../../src/plan/types.ts';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../../src/render/plan-text.ts';
import type { GmailRules } from '../../../src/manifest/settings.ts';
import { gmailCase } from '../../support/gmail.ts';
import { fixturePlan } from '../../support/plans.ts';

// What a reviewer reads of a Gmail source: the policy, and how many copies the messages become.

function gmailPlan(gmail: Partial<GmailRules>): Plan {
  const result = gmailCase(gmail);
  const base = fixturePlan();
  const account: AccountPlan = {
    ...base.accounts[0]!,
    id: 'maria',
    ...(result.gmail ? { gmail: result.gmail } : {}),
    foldersLeftOut: result.mapping.leftOut,
    folders: result.folders,
  };
  return { ...base, accounts: [account], summary: summarise([account]), warnings: [] };
}

const text = (plan: Plan) => renderPlanText(plan, { palette: { color: false }, verbose: false });

test("labels 'folders': the plan text shows the policy and that 4 messages become 7 copies", () => {
  const shown = text(gmailPlan({}));
  assert.match(
    shown,
    "\n    gmail: labels 'folders' (a copy in each label's folder), allMail 'unlabelled' (1 message only in All Mail, into the archive folder): 4 messages become 7 copies on the target\n",
  );
  assert.match(shown, '  + [Gmail]/All Mail → Archive (gmail): create folder, copy 1 message (1.0 KB), subscribe');
  assert.match(
    shown,
    '      note: 3 messages are not copied here: they are in a migrated label folder too, and copied there',
  );
  assert.match(shown, '\n  + Work → Work: create folder, copy 2 messages');
  assert.match(shown, 'Plan: 4 folders to create, 0 to delete, 7 messages');
});

test("labels 'first': one copy each, keywords counted, the folders that lose a copy say why", () => {
  const shown = text(gmailPlan({ labels: 'first', allMail: 'skip' }));
  assert.match(
    shown,
    "\n    gmail: labels 'first' (one copy, in the folder of its first label; 2 messages with the other labels as keywords), allMail 'skip' (mail only in All Mail is not migrated): 3 messages, one copy each\n",
  );
  assert.match(
    shown,
    "    left out: 2 folders not migrated: [Gmail]/All Mail (folders.gmail.allMail 'skip': archived mail (in All Mail only) is not migrated), [Gmail]/Important",
  );
  assert.match(
    shown,
    "      note: 1 message is not copied here: its copy goes to the folder of its first label (folders.gmail.labels 'first')",
  );
  assert.match(shown, 'Plan: 3 folders to create, 0 to delete, 3 messages');
});

test('the markdown view and the plan file carry the policy too; other sources show none', () => {
  const plan = gmailPlan({ labels: 'first' });
  assert.match(renderPlanMarkdown(plan), "Gmail: labels 'first' (one copy, in the folder of its first label;");
  const json = JSON.parse(canonicalPlanJson(plan)) as Plan;
  assert.equal(json.accounts[0]!.gmail, {
    labels: 'first',
    allMail: 'unlabelled',
    messages: 4,
    copies: 4,
    archived: 1,
    keywords: 2,
  });
  assert.not.match(text(fixturePlan()), 'gmail:');
});

test.run();
