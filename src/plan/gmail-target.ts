// Gmail as a target: a folder there is a label, so one message copied into several folders
// becomes one message with several labels, not several copies. The plan says so.
import { compareText } from './ordering.ts';
import type { FolderPlan, PlanWarning } from './types.ts';

/** GMAIL_TARGET_LABELS when the account's copies put one identity into more than one target folder. */
export function gmailTargetWarnings(folders: readonly FolderPlan[], accountId: string): PlanWarning[] {
  const targets = new Map<string, Set<string>>();
  for (const folder of folders) {
    for (const action of folder.actions) {
      if (action.op !== 'copy') continue;
      if (!targets.has(action.identity)) targets.set(action.identity, new Set());
      targets.get(action.identity)!.add(folder.target);
    }
  }
  const several = [...targets.values()].filter((names) => names.size > 1);
  if (several.length === 0) return [];
  const all = [...new Set(several.flatMap((names) => [...names]))].sort(compareText);
  const shown = all.slice(0, 5).map((name) => `"${name}"`);
  const folderNames = all.length > 5 ? [...shown, `${all.length - 5} more`] : shown;
  const count = several.length;
  return [
    {
      code: 'GMAIL_TARGET_LABELS',
      account: accountId,
      message: `${count} ${count === 1 ? 'message is' : 'messages are'} copied into more than one folder (${folderNames.join(', ')}): the target is Gmail (X-GM-EXT-1), where that makes one message with several labels, not separate copies`,
    },
  ];
}
