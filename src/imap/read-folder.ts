import { cacheUse, refreshFlags, type CachedFolder } from '../plan/snapshot-cache.ts';
import type { FetchWindow, FolderListing, FolderSnapshot, FolderState, MessageSnapshot } from '../plan/snapshot.ts';
import type { ImapConnection } from './connection.ts';
import { examineFolder } from './examine.ts';
import type { Expected } from './exact-fetch.ts';
import { FETCH_CHUNK, fetchFlags, identifiedMessages } from './fetch-messages.ts';
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
export async function readFolder(
  connection: ImapConnection,
  listing: FolderListing,
  window: FetchWindow | null,
  cached?: CachedFolder,
): Promise<FolderSnapshot> {
  const { state, permanentFlags } = await examineFolder(connection, listing.name);
  const use = cacheUse(isWindowed(window) ? undefined : cached, state);
  let messages: MessageSnapshot[];
  let headerless: number[] = [];
  if (use.kind === 'all') {
    messages = use.messages;
  } else if (use.kind === 'refresh') {
    const refreshed =
      state.messages === 0
        ? { messages: [], unknown: [] }
        : refreshFlags(use.byUid, await fetchFlags(connection, listing.name, state));
    const read = await identifiedMessages(connection, listing.name, uidSets(refreshed.unknown, FETCH_CHUNK), {
      uids: refreshed.unknown,
    });
    messages = [...refreshed.messages, ...read.messages];
    headerless = read.headerless;
  } else {
    const sets = await fetchSets(connection, listing.name, state, window);
    ({ messages, headerless } = await identifiedMessages(connection, listing.name, sets.sets, sets.expected));
  }
  messages.sort((a, b) => a.uid - b.uid);
  return {
    ...listing,
    state,
    messages,
    permanentFlags,
    ...(headerless.length > 0 ? { headerless: headerless.sort((a, b) => a - b) } : {}),
  };
}

/**
 * The snapshot the listing's STATUS (LIST-STATUS, or STATUS per folder) already gives, where
 * opening the folder could add nothing: an empty folder, or one unchanged since the cached read
 * (same UIDVALIDITY, UIDNEXT, MESSAGES and HIGHESTMODSEQ; never through a window). Null where the
 * folder must be read. PERMANENTFLAGS stays unknown (null), as a read-only EXAMINE leaves it.
 */
export function snapshotFromListing(
  listing: FolderListing,
  window: FetchWindow | null,
  cached?: CachedFolder,
): FolderSnapshot | null {
  const { state } = listing;
  if (state === null) return null;
  const use = cacheUse(isWindowed(window) ? undefined : cached, state);
  // The cached list itself, as readFolder hands it back: plan saves no cache when nothing changed.
  if (use.kind === 'all')
    return { ...listing, state, messages: use.messages.sort((a, b) => a.uid - b.uid), permanentFlags: null };
  return state.messages === 0 ? { ...listing, state, messages: [], permanentFlags: null } : null;
}

export function isWindowed(window: FetchWindow | null): boolean {
  return window !== null && (window.since !== null || window.before !== null);
}

/** The UID sets to fetch, and what they must answer: "1:*" for a folder that fits one command (all it holds), else the searched UIDs in chunks. */
async function fetchSets(
  connection: ImapConnection,
  folder: string,
  state: FolderState,
  window: FetchWindow | null,
): Promise<{ sets: string[]; expected: Expected }> {
  if (state.messages === 0) return { sets: [], expected: { uids: [] } };
  if (!isWindowed(window) && state.messages <= FETCH_CHUNK) return { sets: ['1:*'], expected: { examined: state } };
  // SEARCH rather than UID ranges by value: UIDs of an old folder can be sparse (1, 90000, …),
  // and chunks must hold messages, not gaps.
  const uids = await searchUids(connection, folder, isWindowed(window) ? window : null);
  return { sets: uidSets(uids, FETCH_CHUNK), expected: { uids } };
}
