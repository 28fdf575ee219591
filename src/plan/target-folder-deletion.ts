// deleteTargetFolders (imapsync --delete2folders): target folders no source folder maps to are
// deleted, except INBOX, the target's special-use folders, parents of folders that stay, and
// what only/except leave out. With `subfolder`, only folders inside that tree are considered:
// the rest of the mailbox is not this migration's (several accounts may share it).
import type { SyncPhase } from '../manifest/settings.ts';
import { hasMailshiftCopies, mailshiftCopies, sinceGate, type CutoverRecord } from './cutover.ts';
import { isInbox, targetNameOf } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { FolderListing, FolderSnapshot, ServerSnapshot, UidMaps } from './snapshot.ts';
import type { FolderPlan, PlanWarning } from './types.ts';

export interface TargetFolderDeletionInput {
  /** Existing target folders no source folder maps to (FolderMappingResult.targetOnly). */
  targetOnly: readonly string[];
  targetFolders: readonly FolderListing[];
  targetServer: ServerSnapshot;
  /** Target folders this plan creates: they stay, and so do their parents. */
  created: readonly string[];
  rule: SyncPhase['deleteTargetFolders'];
  subfolder: string | null;
  /** Target folders whose messages were read, by name (for the message count). */
  read: Readonly<Record<string, FolderSnapshot>>;
  /** The gate the cutover rule holds since, with the account's UID maps (null: no gate yet). */
  cutover: CutoverRecord | null;
}

/** A folder the cutover rule keeps (or, forced, deletes anyway): the finding without account. */
export type FolderFinding = Omit<PlanWarning, 'account'>;

/**
 * The target-only folders to delete, each as a FolderPlan with one deleteFolder action, children
 * first; after a gate, only folders holding nothing but mailshift's copies (findings say which stay).
 */
export function planTargetFolderDeletions(input: TargetFolderDeletionInput): {
  folders: FolderPlan[];
  findings: FolderFinding[];
} {
  if (input.rule === false) return { folders: [], findings: [] };
  const delimiter = input.targetServer.delimiter;
  const listings = new Map(input.targetFolders.map((folder) => [folder.name, folder]));
  const candidates = deletionCandidates(input);
  // A folder the server would not open, or lists under a name mailshift cannot send back (not
  // valid modified UTF-7): a DELETE of it could reach another mailbox, so it stays, named.
  const findings: FolderFinding[] = matchedByRule(input)
    .filter((listing) => listing.unreadable !== undefined)
    .map((listing) => ({
      code: 'FOLDER_UNREADABLE',
      folder: listing.name,
      message: `target folder "${listing.name}" is kept although deleteTargetFolders matches it: ${listing.unreadable}`,
    }));
  const allowed =
    input.cutover === null
      ? candidates
      : candidates.filter((name) => {
          const why = foreignContent(name, input.read[name], listings.get(name)!, input.cutover!.uidMaps);
          if (why === null) return true;
          const gate = sinceGate(input.cutover!.since);
          findings.push(
            input.cutover!.since.forced
              ? {
                  code: 'CUTOVER_OVERRIDE',
                  folder: name,
                  message: `target folder "${name}" is deleted although ${why}, after ${gate} (plan --force overrides the cutover rule); apply needs --force too`,
                }
              : {
                  code: 'CUTOVER_KEPT',
                  folder: name,
                  message: `target folder "${name}" is kept although deleteTargetFolders matches it: ${why}, and since ${gate} mail reaches the new server by itself (the cutover rule; plan --force would delete it)`,
                },
          );
          return input.cutover!.since.forced;
        });
  const deleting = new Set(allowed);
  const staying = [
    ...input.targetFolders.map((folder) => folder.name).filter((name) => !deleting.has(name)),
    ...input.created,
  ];
  // One pass is enough: whatever protects a folder protects its parents too.
  const isParentOfStaying = (name: string) =>
    delimiter !== null && staying.some((other) => other.startsWith(name + delimiter));
  const folders = allowed
    .filter((name) => !isParentOfStaying(name))
    .sort(childrenFirst(delimiter))
    .map((name) => {
      const listing = listings.get(name)!;
      const state = input.read[name]?.state ?? listing.state;
      return {
        source: null,
        target: name,
        mappedBy: 'target-only' as const,
        sourceState: null,
        targetState: state,
        notes: [],
        actions: [{ op: 'deleteFolder' as const, messages: state?.messages ?? 0 }],
      };
    });
  return { folders, findings };
}

/** The target-only folders the rule matches: never INBOX or a special-use folder, only inside `subfolder`. */
export function deletionCandidates(
  input: Pick<TargetFolderDeletionInput, 'targetOnly' | 'targetFolders' | 'targetServer' | 'rule' | 'subfolder'>,
): string[] {
  return matchedByRule(input)
    .filter((listing) => listing.unreadable === undefined)
    .map((listing) => listing.name);
}

/** The target-only folders the rule matches, INBOX and special-use folders aside; readable or not. */
function matchedByRule(
  input: Pick<TargetFolderDeletionInput, 'targetOnly' | 'targetFolders' | 'targetServer' | 'rule' | 'subfolder'>,
): FolderListing[] {
  const { rule } = input;
  if (rule === false) return [];
  const listings = new Map(input.targetFolders.map((folder) => [folder.name, folder]));
  const scope = scopeOf(input.subfolder, input.targetServer);
  const only = rule.only === null ? null : new RegExp(rule.only);
  const except = rule.except === null ? null : new RegExp(rule.except);
  return input.targetOnly.flatMap((name) => {
    const listing = listings.get(name);
    const matched =
      listing !== undefined &&
      !isInbox(name) &&
      listing.specialUse === null &&
      scope(name) &&
      (only === null || only.test(name)) &&
      (except === null || !except.test(name));
    return matched ? [listing] : [];
  });
}

/** Why a folder holds more than mailshift's copies (users made it, or mail arrived in it), or null. */
function foreignContent(
  name: string,
  read: FolderSnapshot | undefined,
  listing: FolderListing,
  uidMaps: UidMaps,
): string | null {
  const uidValidity = read?.state.uidValidity ?? listing.state?.uidValidity;
  if (uidValidity === undefined || !hasMailshiftCopies(uidMaps, name, uidValidity))
    return 'mailshift never copied into it (users may have made it on the new server)';
  if (!read) return 'its messages were not read';
  const copies = mailshiftCopies(uidMaps, name, uidValidity);
  const foreign = read.messages.filter((message) => !copies.has(message.uid)).length;
  return foreign === 0
    ? null
    : `it holds ${foreign} ${foreign === 1 ? 'message' : 'messages'} mailshift did not copy there`;
}

/** Which target names deletion may consider: all, or those strictly inside the subfolder tree. */
function scopeOf(subfolder: string | null, server: ServerSnapshot): (name: string) => boolean {
  if (subfolder === null) return () => true;
  const root = targetNameOf(subfolder.split('/'), server);
  if ('invalid' in root || server.delimiter === null) return () => false;
  return (name) => name.startsWith(root.name + server.delimiter);
}

/** Name order by path segments, except that a folder comes after everything inside it. */
function childrenFirst(delimiter: string | null): (a: string, b: string) => number {
  return (a, b) => {
    const left = delimiter === null ? [a] : a.split(delimiter);
    const right = delimiter === null ? [b] : b.split(delimiter);
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const order = compareText(left[i]!, right[i]!);
      if (order !== 0) return order;
    }
    return right.length - left.length;
  };
}
