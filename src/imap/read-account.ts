import { MailshiftError, type Diagnostic } from '../errors.ts';
import type { CachedFolder } from '../plan/snapshot-cache.ts';
import type { AccountListing, FetchWindow, FolderListing, FolderSnapshot } from '../plan/snapshot.ts';
import type { MessageHeaders } from '../plan/types.ts';
import type { AccountSession } from './account-session.ts';
import type { ImapConnection, Side } from './connection.ts';
import { examineFolder } from './examine.ts';
import { FETCH_CHUNK, fetchShownHeaders } from './fetch-messages.ts';
import { listFolders } from './list-folders.ts';
import { readFolder, snapshotFromListing } from './read-folder.ts';
import { readServerInfo } from './server-info.ts';
import { uidSets } from './uid-set.ts';
import { ServerThrottled } from './throttle-answer.ts';

export { openAccountSession, type AccountSession, type SessionContext } from './account-session.ts';
export { isWindowed } from './read-folder.ts';
export { withTargetKeywordRule } from './keyword-probe.ts';

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
 * empty and unchanged ones come from their listing without a command (snapshotFromListing), and
 * ones the listing found unreadable are not read. A folder the server refuses to open or fetch
 * goes into `refused` (its diagnostic's message, by name) when given, so the rest of the account
 * goes on; every other failure is reported, together, in one MailshiftError.
 */
export async function readFolders(
  session: AccountSession,
  side: Side,
  requests: readonly FolderRequest[],
  refused?: Map<string, string>,
): Promise<Record<string, FolderSnapshot>> {
  const pool = session[side];
  const readable = requests.filter((request) => request.listing.unreadable === undefined);
  // Once the server asked to slow down, the folders still queued are not asked for: the whole read is done again.
  let throttle: ServerThrottled | undefined;
  const readUnlessThrottled = async (connection: ImapConnection, request: FolderRequest) => {
    if (throttle) throw throttle;
    try {
      return await readFolder(connection, request.listing, request.window, request.cached);
    } catch (error) {
      if (error instanceof ServerThrottled) throttle ??= error;
      throw error;
    }
  };
  const results = await Promise.allSettled(
    readable.map(
      async (request) =>
        snapshotFromListing(request.listing, request.window, request.cached) ??
        pool.use((connection) => readUnlessThrottled(connection, request)),
    ),
  );
  // A server asking to slow down is the whole read's to wait out (engine/throttled-reads.ts), not a folder's failure.
  const throttled = results.find((result) => result.status === 'rejected' && result.reason instanceof ServerThrottled);
  if (throttled) throw (throttled as PromiseRejectedResult).reason;
  const folders: Record<string, FolderSnapshot> = {};
  const failures: Diagnostic[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') folders[result.value.name] = result.value;
    else if (refused && isFolderRefusal(result.reason))
      refused.set(readable[index]!.listing.name, result.reason.diagnostics[0]!.message);
    else if (result.reason instanceof MailshiftError) failures.push(...result.reason.diagnostics);
    else throw result.reason;
  });
  if (failures.length > 0) throw new MailshiftError(failures);
  return folders;
}

/**
 * Both sides' folders, read at the same time, as readFolders reads each. When a side fails, the
 * other is let finish first, and a failure other than throttling wins (reading again would not
 * help it). When both servers throttle, an AggregateError of the two: each asked for its own wait.
 */
export async function readBothSides(
  session: AccountSession,
  requests: Record<Side, readonly FolderRequest[]>,
  refused: Record<Side, Map<string, string>>,
): Promise<Record<Side, Record<string, FolderSnapshot>>> {
  const [source, target] = await Promise.allSettled([
    readFolders(session, 'source', requests.source, refused.source),
    readFolders(session, 'target', requests.target, refused.target),
  ]);
  if (source.status === 'fulfilled' && target.status === 'fulfilled')
    return { source: source.value, target: target.value };
  const failures = [source, target].flatMap((side) => (side.status === 'rejected' ? [side.reason as unknown] : []));
  const final = failures.find((failure) => !(failure instanceof ServerThrottled));
  if (final !== undefined) throw final;
  throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'both servers asked to slow down');
}

/** The server answered NO or BAD to a command about one folder (never a dropped connection or a timeout: those have codes of their own). */
function isFolderRefusal(error: unknown): error is MailshiftError {
  return (
    error instanceof MailshiftError &&
    error.diagnostics.every((d) => d.code === 'IMAP_ERROR' && d.location?.folder !== undefined)
  );
}

/** The listing with the folders the reads found refused marked unreadable, with what the server said. */
export function withRefusedFolders(
  listing: AccountListing,
  refused: { source: ReadonlyMap<string, string>; target: ReadonlyMap<string, string> },
): AccountListing {
  const mark = (side: 'source' | 'target') => ({
    ...listing[side],
    folders: listing[side].folders.map((folder) =>
      refused[side].has(folder.name) ? { ...folder, unreadable: refused[side].get(folder.name)! } : folder,
    ),
  });
  return refused.source.size === 0 && refused.target.size === 0
    ? listing
    : { source: mark('source'), target: mark('target') };
}

/**
 * Date, From and Subject of the given messages of one folder (the ones a plan deletes): EXAMINE,
 * then batched UID FETCHes of just those UIDs. Nothing when the folder's UIDVALIDITY is no longer
 * the one planned with (its UIDs name other messages now; apply refuses the folder anyway).
 */
export async function readShownHeaders(
  session: AccountSession,
  side: Side,
  folder: string,
  uidValidity: number,
  uids: readonly number[],
): Promise<Map<number, MessageHeaders>> {
  if (uids.length === 0) return new Map();
  return session[side].use(async (connection) => {
    const { state } = await examineFolder(connection, folder);
    return state.uidValidity === uidValidity
      ? fetchShownHeaders(connection, folder, uidSets(uids, FETCH_CHUNK))
      : new Map();
  });
}
