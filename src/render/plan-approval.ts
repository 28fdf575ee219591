import type { Plan } from '../plan/types.ts';
import { digestFolder } from './plan-digest.ts';
import { paint, type Palette } from './palette.ts';
import { plural } from './sizes.ts';

/** What `apply <manifest> --phase` asks before it applies a plan, and the answers that confirm it. */
export interface Approval {
  /** Printed before the question: the deletions, by side, when the plan has any. */
  lead: string[];
  question: string;
  /** The answers (trimmed) that confirm; any other answer cancels. */
  confirmations: string[];
}

/**
 * A copy-only plan is confirmed with `yes`, as Terraform's are. One that deletes leads with what
 * it deletes on each side and wants the word `delete` or the number of messages it deletes, so
 * that a `yes` typed by habit does not delete anything.
 */
export function approvalOf(plan: Plan, palette: Palette): Approval {
  let folders = 0;
  let inFolders = 0;
  for (const folder of plan.accounts.flatMap((account) => account.folders)) {
    const deleted = digestFolder(folder).deleteFolder;
    if (deleted === null) continue;
    folders++;
    inFolders += deleted;
  }
  const { targetDeletes, sourceDeletes } = plan.summary;
  if (targetDeletes + sourceDeletes + folders === 0) {
    return { lead: [], question: "Apply this plan to the servers? Only 'yes' is accepted: ", confirmations: ['yes'] };
  }
  const messages = targetDeletes + sourceDeletes + inFolders;
  const onTarget = [
    plural(targetDeletes, 'message'),
    ...(folders > 0 ? [`${plural(folders, 'folder')} holding ${plural(inFolders, 'message')}`] : []),
  ].join(', and ');
  const lead = [
    paint(
      palette,
      'red',
      `This plan DELETES ${messages > 0 ? plural(messages, 'message') : plural(folders, 'empty folder')}:`,
    ),
    paint(palette, 'red', `  on the target: ${onTarget}`),
    paint(palette, 'red', `  on the source: ${plural(sourceDeletes, 'message')}`),
    'Each deleted message is listed above with its Date, From and Subject.',
  ];
  const number = messages > 0 ? ` or ${messages} (the number of messages it deletes)` : '';
  return {
    lead,
    question: `Apply this plan and delete? Type 'delete'${number} to confirm; anything else cancels: `,
    confirmations: messages > 0 ? ['delete', String(messages)] : ['delete'],
  };
}
