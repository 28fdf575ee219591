// The planner: snapshots and settings in, one account's folder plans out. Pure: no I/O, no
// clock ("now" is an input), no randomness; the same inputs give a deep-equal result.
import { problem, type Diagnostic } from '../errors.ts';
import type { SliceSettings } from '../manifest/settings.ts';
import type { CutoverRecord } from './cutover.ts';
import type { FolderMappingResult } from './folder-mapping.ts';
import { planFolderPair } from './folder-pair-plan.ts';
import { folderKey } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { AccountSnapshot, FolderListing, UidMaps } from './snapshot.ts';
import { planTargetFolderDeletions } from './target-folder-deletion.ts';
import type { FolderPlan, GmailPlan, PlanWarning } from './types.ts';
import { isGmail } from './gmail-label-names.ts';
import { placeGmailMessages } from './gmail-labels.ts';
import { gmailTargetWarnings } from './gmail-target.ts';
import { selectSource } from './message-window.ts';

export interface AccountPlanInput {
  accountId: string;
  slice: SliceSettings;
  snapshot: AccountSnapshot;
  /** mapFolders of the same listing. */
  mapping: FolderMappingResult;
  now: Date;
  /** The UID maps identity 'uid' matches by ({} for other identities). */
  uidMaps: UidMaps;
  /** The latest manual gate recorded before this plan, with the account's record of mailshift's copies; null when no gate is. */
  cutover: CutoverRecord | null;
}

/**
 * One account's folder plans: the pairs by source name, then the target folders to delete.
 * Warnings and errors are the planner's own; the mapping's stay in `mapping` (the caller reports
 * both, and stops on mapping errors before reading messages).
 */
export function planAccount(input: AccountPlanInput): {
  folders: FolderPlan[];
  warnings: PlanWarning[];
  errors: Diagnostic[];
  /** A Gmail source: what the label policy makes of its messages. */
  gmail?: GmailPlan;
} {
  const { snapshot, slice, accountId } = input;
  const sourceListings = byName(snapshot.source.folders);
  const targetListings = byName(snapshot.target.folders);
  const folders: FolderPlan[] = [];
  const warnings: PlanWarning[] = [];
  const errors: Diagnostic[] = [];
  const created: string[] = [];
  const gmail = isGmail(snapshot.source.server)
    ? placeGmailMessages({
        rules: slice.folders.gmail,
        pairs: input.mapping.pairs,
        listings: snapshot.source.folders,
        read: snapshot.sourceFolders,
        select: (folder) => selectSource(folder.messages, folder.state.messages, slice.messages, input.now).selected,
      })
    : null;
  for (const pair of [...input.mapping.pairs].sort((a, b) => compareText(a.source, b.source))) {
    const sourceListing = sourceListings.get(folderKey(pair.source));
    if (!sourceListing) {
      errors.push(
        problem(
          'INTERNAL',
          `the folder mapping names source folder "${pair.source}", which the snapshot does not list`,
          'map the folders of the same listing the plan is made from',
          { account: accountId, folder: pair.source },
        ),
      );
      continue;
    }
    const { plan, findings } = planFolderPair({
      pair,
      slice,
      now: input.now,
      sourceListing,
      targetListing: targetListings.get(folderKey(pair.target)),
      source: snapshot.sourceFolders[pair.source],
      target: pair.targetExists ? snapshot.targetFolders[pair.target] : undefined,
      targetServer: snapshot.target.server,
      uidMap: input.uidMaps[pair.source],
      cutover: input.cutover,
      ...(gmail
        ? {
            place: (message) => gmail.place(pair.source, message),
            placeNotes: gmail.notes.get(pair.source) ?? [],
          }
        : {}),
    });
    findings.push(...(gmail?.findings.get(pair.source) ?? []));
    folders.push(plan);
    if (plan.actions.some((action) => action.op === 'createFolder')) created.push(pair.target);
    warnings.push(
      ...findings.map(({ count, ...finding }) => ({
        ...finding,
        account: accountId,
        folder: pair.source,
        ...(count !== undefined ? { count } : {}),
      })),
    );
  }
  const deletions = planTargetFolderDeletions({
    targetOnly: input.mapping.targetOnly,
    targetFolders: snapshot.target.folders,
    targetServer: snapshot.target.server,
    created,
    rule: slice.phase.deleteTargetFolders,
    subfolder: slice.folders.subfolder,
    read: snapshot.targetFolders,
    cutover: input.cutover,
  });
  folders.push(...deletions.folders);
  warnings.push(...deletions.findings.map((finding) => ({ ...finding, account: accountId })));
  if (isGmail(snapshot.target.server)) warnings.push(...gmailTargetWarnings(folders, accountId));
  return { folders, warnings: foldCounted(warnings), errors, ...(gmail ? { gmail: gmail.summary } : {}) };
}

/**
 * Findings with a count ("3 messages have no Message-ID") become one warning per account that
 * lists the folders, so a 200-account plan does not bury reviewers in one line per folder.
 */
function foldCounted(warnings: Array<PlanWarning & { count?: number }>): PlanWarning[] {
  const folded: PlanWarning[] = [];
  const groups = new Map<string, Array<PlanWarning & { count: number }>>();
  for (const warning of warnings) {
    if (warning.count === undefined) folded.push(warning);
    else groups.set(warning.code, [...(groups.get(warning.code) ?? []), warning as PlanWarning & { count: number }]);
  }
  for (const [code, group] of groups) {
    const total = group.reduce((sum, warning) => sum + warning.count, 0);
    const where = group.map((warning) => `${warning.folder} ${warning.count}`).join(', ');
    folded.push({
      code,
      account: group[0]!.account!,
      message: `${total} ${total === 1 ? 'message' : 'messages'} (${where}): ${group[0]!.message}`,
    });
  }
  return folded;
}

function byName(folders: readonly FolderListing[]): Map<string, FolderListing> {
  return new Map(folders.map((folder) => [folderKey(folder.name), folder]));
}
