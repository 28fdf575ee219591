import { readShownHeaders, type AccountSession } from '../imap/read-account.ts';
import { deletedUids, withDeletedHeaders } from '../plan/deleted-headers.ts';
import type { FolderPlan, MessageHeaders } from '../plan/types.ts';

/**
 * The planned folders with Date, From and Subject on every deletion, read from the servers for
 * just the UIDs the plan deletes (one batched FETCH per folder and side), so that the snapshot
 * stays as lean as before for the messages a plan only copies or matches. Folders are read in
 * parallel over each side's connections, as the snapshot is.
 */
export async function attachDeletedHeaders(
  session: AccountSession,
  folders: readonly FolderPlan[],
): Promise<FolderPlan[]> {
  const none = new Map<number, MessageHeaders>();
  return Promise.all(
    folders.map(async (folder) => {
      const uids = deletedUids(folder);
      if (uids.source.length + uids.target.length === 0) return folder;
      const [source, target] = await Promise.all([
        folder.source !== null && folder.sourceState
          ? readShownHeaders(session, 'source', folder.source, folder.sourceState.uidValidity, uids.source)
          : none,
        folder.targetState
          ? readShownHeaders(session, 'target', folder.target, folder.targetState.uidValidity, uids.target)
          : none,
      ]);
      return withDeletedHeaders(folder, { source, target });
    }),
  );
}
