// What plan remembers of the folders it read, so the next plan fetches only what can have changed
// (mbsync keeps the same kind of state). Under one UIDVALIDITY a UID names one message for good
// (RFC 3501 §2.3.1.1): its size, date and headers, hence its identity, never change; only its flags
// do, and an unchanged HIGHESTMODSEQ (CONDSTORE) with the same UIDNEXT and count says nothing did.
import type { FolderState, MessageSnapshot } from './snapshot.ts';

/** One folder as a plan read it (all its messages: folders read through an age window are not kept). */
export interface CachedFolder {
  state: FolderState;
  messages: MessageSnapshot[];
}

/** One side of an account: which server and login it was read from, and its folders by name. */
export interface SideCache {
  endpoint: string;
  folders: Record<string, CachedFolder>;
}

export interface SnapshotCache {
  source: SideCache | null;
  target: SideCache | null;
}

/** How much of a folder's cached snapshot still holds, given the state EXAMINE reports now. */
export type CacheUse =
  | { kind: 'none' }
  /** Nothing changed: the cached messages are the folder's messages. */
  | { kind: 'all'; messages: MessageSnapshot[] }
  /** Same UIDVALIDITY: cached messages keep all but their flags; UIDs not in it need a full read. */
  | { kind: 'refresh'; byUid: ReadonlyMap<number, MessageSnapshot> };

export function cacheUse(cached: CachedFolder | undefined, now: FolderState): CacheUse {
  if (!cached || cached.state.uidValidity !== now.uidValidity) return { kind: 'none' };
  const unchanged = now.highestModseq !== null && cached.state.highestModseq === now.highestModseq
    && cached.state.uidNext === now.uidNext && cached.state.messages === now.messages;
  if (unchanged) return { kind: 'all', messages: cached.messages };
  return { kind: 'refresh', byUid: new Map(cached.messages.map((message) => [message.uid, message])) };
}

/**
 * The folder's messages from the cache and the server's current UID → flags answer: cached messages
 * with today's flags, UIDs gone since dropped, and the UIDs the cache does not know (to read in full).
 */
export function refreshFlags(byUid: ReadonlyMap<number, MessageSnapshot>, current: ReadonlyArray<{ uid: number; flags: string[] }>): { messages: MessageSnapshot[]; unknown: number[] } {
  const messages: MessageSnapshot[] = [];
  const unknown: number[] = [];
  for (const { uid, flags } of current) {
    const cached = byUid.get(uid);
    if (cached) messages.push({ ...cached, flags });
    else unknown.push(uid);
  }
  return { messages, unknown };
}

/** Which server and login a side was read from: a cache of another endpoint is never used. */
export function endpointKey(endpoint: { host: string; port: number; user: string }): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}
