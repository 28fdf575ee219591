// deleteTargetFolders (imapsync --delete2folders): target folders no source folder maps to are
// deleted, except INBOX, the target's special-use folders, parents of folders that stay, and
// what only/except leave out. With `subfolder`, only folders inside that tree are considered:
// the rest of the mailbox is not this migration's (several accounts may share it).
import type { SyncPhase } from '../manifest/settings.ts';
import { isInbox, targetNameOf } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { FolderListing, FolderSnapshot, ServerSnapshot } from './snapshot.ts';
import type { FolderPlan } from './types.ts';

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
}

/** The target-only folders to delete, each as a FolderPlan with one deleteFolder action, children first. */
export function planTargetFolderDeletions(input: TargetFolderDeletionInput): FolderPlan[] {
  const { rule, targetServer } = input;
  if (rule === false) return [];
  const delimiter = targetServer.delimiter;
  const listings = new Map(input.targetFolders.map((folder) => [folder.name, folder]));
  const scope = scopeOf(input.subfolder, targetServer);
  const only = rule.only === null ? null : new RegExp(rule.only);
  const except = rule.except === null ? null : new RegExp(rule.except);
  const candidates = input.targetOnly.filter((name) => {
    const listing = listings.get(name);
    return listing !== undefined && !isInbox(name) && listing.specialUse === null && scope(name)
      && (only === null || only.test(name)) && (except === null || !except.test(name));
  });
  const deleting = new Set(candidates);
  const staying = [...input.targetFolders.map((folder) => folder.name).filter((name) => !deleting.has(name)), ...input.created];
  // One pass is enough: whatever protects a folder protects its parents too.
  const isParentOfStaying = (name: string) => delimiter !== null && staying.some((other) => other.startsWith(name + delimiter));
  return candidates
    .filter((name) => !isParentOfStaying(name))
    .sort(childrenFirst(delimiter))
    .map((name) => {
      const listing = listings.get(name)!;
      const state = input.read[name]?.state ?? listing.state;
      return {
        source: null, target: name, mappedBy: 'target-only' as const, sourceState: null, targetState: state,
        notes: [], actions: [{ op: 'deleteFolder' as const, messages: state?.messages ?? 0 }],
      };
    });
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
