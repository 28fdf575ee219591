import { cacheUse, refreshFlags, type CachedFolder } from '../plan/snapshot-cache.ts';
import type { FetchWindow, FolderListing, FolderSnapshot, MessageSnapshot } from '../plan/snapshot.ts';
import type { ImapConnection } from './connection.ts';
import { examineFolder } from './examine.ts';
import { FETCH_CHUNK, fetchFlags, fetchHeaderDigests, fetchMessages, withDigest } from './fetch-messages.ts';
import { searchUids } from './search-uids.ts';
import { uidSets } from './uid-set.ts';

/**
 * Reads one folder read-only: EXAMINE, then (for a window, or a folder too big for one command)
 * UID SEARCH to pick the UIDs, then batched UID FETCHes of size, date, flags and identity headers,
 * and one more batched FETCH of the whole header for messages with neither identity header.
 * With what an earlier plan read of the folder (`cached`, never with a window): nothing more when
 * nothing changed, else only UID FLAGS of all and the full read of UIDs the cache does not know.
 * Never SELECT, STORE or a non-PEEK body fetch. Failures are MailshiftErrors naming the folder.
 */
export async function readFolder(connection: ImapConnection, listing: FolderListing, window: FetchWindow | null, cached?: CachedFolder): Promise<FolderSnapshot> {
  const { state, permanentFlags } = await examineFolder(connection, listing.name);
  const use = cacheUse(isWindowed(window) ? undefined : cached, state);
  let messages: MessageSnapshot[];
  if (use.kind === 'all') {
    messages = use.messages;
  } else if (use.kind === 'refresh') {
    const refreshed = state.messages === 0 ? { messages: [], unknown: [] } : refreshFlags(use.byUid, await fetchFlags(connection, listing.name, '1:*'));
    messages = [...refreshed.messages, ...await readMessages(connection, listing.name, uidSets(refreshed.unknown, FETCH_CHUNK))];
  } else {
    messages = await readMessages(connection, listing.name, await fetchSets(connection, listing.name, state.messages, window));
  }
  messages.sort((a, b) => a.uid - b.uid);
  return { ...listing, state, messages, permanentFlags };
}

/**
 * The snapshot the listing's STATUS (LIST-STATUS, or STATUS per folder) already gives, where
 * opening the folder could add nothing: an empty folder, or one unchanged since the cached read
 * (same UIDVALIDITY, UIDNEXT, MESSAGES and HIGHESTMODSEQ; never through a window). Null where the
 * folder must be read. PERMANENTFLAGS stays unknown (null), as a read-only EXAMINE leaves it.
 */
export function snapshotFromListing(listing: FolderListing, window: FetchWindow | null, cached?: CachedFolder): FolderSnapshot | null {
  const { state } = listing;
  if (state === null) return null;
  const use = cacheUse(isWindowed(window) ? undefined : cached, state);
  // The cached list itself, as readFolder hands it back: plan saves no cache when nothing changed.
  if (use.kind === 'all') return { ...listing, state, messages: use.messages.sort((a, b) => a.uid - b.uid), permanentFlags: null };
  return state.messages === 0 ? { ...listing, state, messages: [], permanentFlags: null } : null;
}

/** Full snapshots of the messages in `sets`: identity headers, then whole-header digests where there are none. */
async function readMessages(connection: ImapConnection, folder: string, sets: readonly string[]): Promise<MessageSnapshot[]> {
  if (sets.length === 0) return [];
  const fetched = await fetchMessages(connection, folder, sets);
  if (fetched.bare.length === 0) return fetched.messages;
  const digests = await fetchHeaderDigests(connection, folder, uidSets(fetched.bare, FETCH_CHUNK));
  return fetched.messages.flatMap((message) => {
    if (message.identity !== '') return [message];
    const digest = digests.get(message.uid);
    return digest === undefined ? [] : [withDigest(message, digest)];
  });
}

export function isWindowed(window: FetchWindow | null): boolean {
  return window !== null && (window.since !== null || window.before !== null);
}

/** The UID sets to fetch: "1:*" for a folder that fits one command, else the searched UIDs in chunks. */
async function fetchSets(connection: ImapConnection, folder: string, exists: number, window: FetchWindow | null): Promise<string[]> {
  if (exists === 0) return [];
  if (!isWindowed(window) && exists <= FETCH_CHUNK) return ['1:*'];
  // SEARCH rather than UID ranges by value: UIDs of an old folder can be sparse (1, 90000, …),
  // and chunks must hold messages, not gaps.
  return uidSets(await searchUids(connection, folder, isWindowed(window) ? window : null), FETCH_CHUNK);
}
