import type { FetchWindow, FolderListing, FolderSnapshot, MessageSnapshot } from '../plan/snapshot.ts';
import type { ImapConnection } from './connection.ts';
import { examineFolder } from './examine.ts';
import { FETCH_CHUNK, fetchHeaderDigests, fetchMessages, withDigest } from './fetch-messages.ts';
import { searchUids } from './search-uids.ts';
import { uidSets } from './uid-set.ts';

/**
 * Reads one folder read-only: EXAMINE, then (for a window, or a folder too big for one command)
 * UID SEARCH to pick the UIDs, then batched UID FETCHes of size, date, flags and identity headers,
 * and one more batched FETCH of the whole header for messages with neither identity header.
 * Never SELECT, STORE or a non-PEEK body fetch. Failures are MailshiftErrors naming the folder.
 */
export async function readFolder(connection: ImapConnection, listing: FolderListing, window: FetchWindow | null): Promise<FolderSnapshot> {
  const { state, permanentFlags } = await examineFolder(connection, listing.name);
  const sets = await fetchSets(connection, listing.name, state.messages, window);
  const fetched = await fetchMessages(connection, listing.name, sets);
  let messages: MessageSnapshot[] = fetched.messages;
  if (fetched.bare.length > 0) {
    const digests = await fetchHeaderDigests(connection, listing.name, uidSets(fetched.bare, FETCH_CHUNK));
    messages = messages.flatMap((message) => {
      if (message.identity !== '') return [message];
      const digest = digests.get(message.uid);
      return digest === undefined ? [] : [withDigest(message, digest)];
    });
  }
  messages.sort((a, b) => a.uid - b.uid);
  return { ...listing, state, messages, permanentFlags };
}

/** The UID sets to fetch: "1:*" for a folder that fits one command, else the searched UIDs in chunks. */
async function fetchSets(connection: ImapConnection, folder: string, exists: number, window: FetchWindow | null): Promise<string[]> {
  const windowed = window !== null && (window.since !== null || window.before !== null);
  if (exists === 0) return [];
  if (!windowed && exists <= FETCH_CHUNK) return ['1:*'];
  // SEARCH rather than UID ranges by value: UIDs of an old folder can be sparse (1, 90000, …),
  // and chunks must hold messages, not gaps.
  return uidSets(await searchUids(connection, folder, windowed ? window : null), FETCH_CHUNK);
}
