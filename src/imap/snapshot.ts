import { MailshiftError, type Diagnostic } from '../errors.ts';
import type { CachedFolder } from '../plan/snapshot-cache.ts';
import type { AccountListing, FetchWindow, FolderListing, FolderSnapshot } from '../plan/snapshot.ts';
import type { AccountSession } from './account-session.ts';
import type { ImapConnection, Side } from './connection.ts';
import { listFolders } from './list-folders.ts';
import { readFolder, snapshotFromListing } from './read-folder.ts';
import { readServerInfo } from './server-info.ts';

export { openAccountSession, type AccountSession, type SessionContext } from './account-session.ts';
export { isWindowed } from './read-folder.ts';

/** A folder to read, and the day window to pre-select its messages by (null: all of them). */
export interface FolderRequest {
  listing: FolderListing;
  window: FetchWindow | null;
  /** What an earlier plan read of this folder, to fetch only what can have changed since. */
  cached?: CachedFolder;
}

/** Server description and folder list of both sides, read in parallel (read-only: LIST and STATUS). */
export async function readListing(session: AccountSession): Promise<AccountListing> {
  const [source, target] = await Promise.all([session.source.use(listingOf), session.target.use(listingOf)]);
  return { source, target };
}

async function listingOf(connection: ImapConnection): Promise<AccountListing['source']> {
  const folders = await listFolders(connection);
  const inbox = folders.find((folder) => folder.name.toUpperCase() === 'INBOX');
  return { server: readServerInfo(connection, inbox?.delimiter ?? null), folders };
}

/**
 * The messages of the requested folders of one side, by folder name. Folders are read in parallel
 * over the side's connections (servers serialise work within a folder; across folders it pays);
 * empty and unchanged ones come from their listing without a command (snapshotFromListing). Every
 * folder that fails is reported, together, in one MailshiftError.
 */
export async function readFolders(session: AccountSession, side: Side, requests: readonly FolderRequest[]): Promise<Record<string, FolderSnapshot>> {
  const pool = session[side];
  const results = await Promise.allSettled(requests.map(async (request) => snapshotFromListing(request.listing, request.window, request.cached)
    ?? pool.use((connection) => readFolder(connection, request.listing, request.window, request.cached))));
  const folders: Record<string, FolderSnapshot> = {};
  const failures: Diagnostic[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') folders[result.value.name] = result.value;
    else if (result.reason instanceof MailshiftError) failures.push(...result.reason.diagnostics);
    else throw result.reason;
  }
  if (failures.length > 0) throw new MailshiftError(failures);
  return folders;
}
