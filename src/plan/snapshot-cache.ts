// What plan remembers of the folders it read, so the next plan fetches only what can have changed
// (mbsync keeps the same kind of state). Under one UIDVALIDITY a UID names one message for good
// (RFC 3501 §2.3.1.1): its size, date and headers, hence its identity, never change; only its flags
// do, and an unchanged HIGHESTMODSEQ (CONDSTORE) with the same UIDNEXT and count says nothing did.
import { loginOf, type Login } from '../manifest/login-name.ts';
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
  const unchanged =
    now.highestModseq !== null &&
    cached.state.highestModseq === now.highestModseq &&
    cached.state.uidNext === now.uidNext &&
    cached.state.messages === now.messages;
  if (unchanged) return { kind: 'all', messages: cached.messages };
  return { kind: 'refresh', byUid: new Map(cached.messages.map((message) => [message.uid, message])) };
}

/**
 * The folder's messages from the cache and the server's current UID → flags answer: cached messages
 * with today's flags (and Gmail labels, where the answer has them), UIDs gone since dropped, and the UIDs the cache does not know (to read in full).
 */
export function refreshFlags(
  byUid: ReadonlyMap<number, MessageSnapshot>,
  current: ReadonlyArray<{ uid: number; flags: string[]; labels?: string[] }>,
): { messages: MessageSnapshot[]; unknown: number[] } {
  const messages: MessageSnapshot[] = [];
  const unknown: number[] = [];
  for (const { uid, flags, labels } of current) {
    const cached = byUid.get(uid);
    // Gmail labels change like flags do (X-GM-MSGID never does).
    if (cached) messages.push({ ...cached, flags, ...(labels !== undefined ? { labels } : {}) });
    else unknown.push(uid);
  }
  return { messages, unknown };
}

/** On a Gmail source, only cached folders whose messages carry X-GM-MSGID (caches made before it was read are read again). */
export function withGmailIds(folders: Record<string, CachedFolder>, gmail: boolean): Record<string, CachedFolder> {
  if (!gmail) return folders;
  return Object.fromEntries(
    Object.entries(folders).filter(([, folder]) => folder.messages.every((m) => m.gmailMessageId !== undefined)),
  );
}

/** Which server and login a side was read from: a cache of another endpoint is never used. */
export function endpointKey(endpoint: Login & { host: string; port: number }): string {
  // One admin logs in for many mailboxes: "admin as alice", never the admin alone.
  return `${loginOf(endpoint)}@${endpoint.host}:${endpoint.port}`;
}

/** The cached side was read from this server and login (and so may be used for it). */
export function readFrom(
  side: SideCache | null | undefined,
  endpoint: Login & { host: string; port: number },
): side is SideCache {
  return side !== null && side !== undefined && side.endpoint === endpointKey(endpoint);
}

/** What one folder's apply copied: source UID → target UID pairs, under both folders' UIDVALIDITY. */
export interface FolderCopies {
  sourceFolder: string;
  sourceUidValidity: number;
  targetFolder: string;
  targetUidValidity: number;
  pairs: ReadonlyArray<readonly [number, number]>;
  /** Source UIDs whose copy is not byte-identical (addMessageId added a header): read in full next time. */
  altered: ReadonlySet<number>;
}

/**
 * The cache after an apply: each copy is known on the target under its new UID, as the source
 * message it is a byte-identical copy of. Those target folders lose their HIGHESTMODSEQ in the
 * cache, so the next plan still reads their flags (and, in full, any UID the cache lacks). Copies
 * whose source is not in the cache, or not under the same UIDVALIDITY, are simply left out.
 */
export function withCopies(cache: SnapshotCache, copies: readonly FolderCopies[]): SnapshotCache {
  if (!cache.source || !cache.target) return cache;
  const folders = { ...cache.target.folders };
  for (const copy of copies) {
    const source = cache.source.folders[copy.sourceFolder];
    if (!source || source.state.uidValidity !== copy.sourceUidValidity) continue;
    const bySourceUid = new Map(source.messages.map((message) => [message.uid, message]));
    const earlier = folders[copy.targetFolder];
    const kept = earlier && earlier.state.uidValidity === copy.targetUidValidity ? earlier.messages : [];
    const added = copy.pairs.flatMap(([sourceUid, targetUid]) => {
      const message = bySourceUid.get(sourceUid);
      if (!message || copy.altered.has(sourceUid)) return [];
      // A Gmail source's X-GM-MSGID and labels are the source's own, not the copy's.
      const { gmailMessageId: _id, labels: _labels, ...copied } = message;
      return [{ ...copied, uid: targetUid }];
    });
    const targetUids = new Set(added.map((message) => message.uid));
    folders[copy.targetFolder] = {
      state: { uidValidity: copy.targetUidValidity, uidNext: 0, highestModseq: null, messages: 0 },
      messages: [...kept.filter((message) => !targetUids.has(message.uid)), ...added].sort((a, b) => a.uid - b.uid),
    };
  }
  return { ...cache, target: { ...cache.target, folders } };
}
