// What `apply <manifest> --phase` asks before applying: 'yes' for a copy-only plan; for one that
// deletes, its deletions per side first, then 'delete' or the number of messages it deletes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summarise } from '../../../src/plan/plan-summary.ts';
import type { Action, Plan } from '../../../src/plan/types.ts';
import { approvalOf } from '../../../src/render/plan-approval.ts';
import { fixturePlan } from '../../support/plans.ts';

const ID = 'e'.repeat(64);
const palette = { color: false };

/** The fixture plan with one folder's actions replaced (and the summary counted again). */
function planWith(actions: Action[], target = 'INBOX', source: string | null = 'INBOX'): Plan {
  const plan = fixturePlan();
  plan.accounts = [{ ...plan.accounts[0]!, folders: [{ ...plan.accounts[0]!.folders[0]!, source, target, actions }] }];
  plan.summary = summarise(plan.accounts);
  return plan;
}

const CASES: Array<[string, Action[], string | null, string[], string[]]> = [
  [
    'a copy-only plan',
    [{ op: 'copy', uid: 1, size: 1, internalDate: '2026-11-01T00:00:00Z', flags: [], identity: ID }],
    'INBOX',
    ['yes'],
    [],
  ],
  [
    'target deletions',
    [
      { op: 'deleteTarget', uid: 1, identity: ID },
      { op: 'deleteTarget', uid: 2, identity: ID },
    ],
    'INBOX',
    ['delete', '2'],
    ['This plan DELETES 2 messages:', '  on the target: 2 messages', '  on the source: 0 messages'],
  ],
  [
    'source deletions',
    [{ op: 'deleteSource', uid: 1, identity: ID, targetUid: 4 }],
    'INBOX',
    ['delete', '1'],
    ['This plan DELETES 1 message:', '  on the target: 0 messages', '  on the source: 1 message'],
  ],
  [
    'a target folder deleted with its messages',
    [{ op: 'deleteFolder', messages: 5 }],
    null,
    ['delete', '5'],
    [
      'This plan DELETES 5 messages:',
      '  on the target: 0 messages, and 1 folder holding 5 messages',
      '  on the source: 0 messages',
    ],
  ],
  [
    'an empty target folder deleted: the word only',
    [{ op: 'deleteFolder', messages: 0 }],
    null,
    ['delete'],
    [
      'This plan DELETES 1 empty folder:',
      '  on the target: 0 messages, and 1 folder holding 0 messages',
      '  on the source: 0 messages',
    ],
  ],
];

for (const [name, actions, source, confirmations, lead] of CASES) {
  test(`approval: ${name}`, () => {
    const approval = approvalOf(planWith(actions, source ?? 'Old', source), palette);
    assert.equal(approval.confirmations, confirmations);
    assert.equal(approval.lead.slice(0, 3), lead);
    if (confirmations[0] === 'yes') assert.match(approval.question, "Only 'yes' is accepted");
    else assert.match(approval.question, "Type 'delete'");
  });
}

test.run();
