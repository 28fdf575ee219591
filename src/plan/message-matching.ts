// Which source message is which target message. Matching is a multiset per key: copies with the
// same INTERNALDATE pair first, then the lowest UIDs, so two copies on the source and one on the
// target leave the other copy to make, and the target's extras are its unpaired copies.
import { matchKey } from './identity.ts';
import { sortedBy } from './ordering.ts';
import type { MessageSnapshot } from './snapshot.ts';

export interface MessagePair {
  source: MessageSnapshot;
  target: MessageSnapshot;
}

export interface MessageMatch {
  /** In source UID order. */
  matched: MessagePair[];
  /** Source messages with no counterpart: to copy. In UID order. */
  sourceOnly: MessageSnapshot[];
  /** Target messages with no counterpart. In UID order. */
  targetOnly: MessageSnapshot[];
}

export interface MatchOptions {
  useSize: boolean;
  /** [sourceUid, targetUid] pairs of a UID map that still fits both folders, matched first. */
  uidPairs: ReadonlyArray<readonly [number, number]>;
}

/**
 * Pair source and target messages: the UID map first, then the Message-ID a copy got from
 * addMessageId, then the identity key. The added Message-ID is matched whenever the snapshot
 * knows it (whatever addMessageId says now), so copies made in an earlier phase are never made
 * twice; it is derived from the source identity, so the size is not needed to tell copies apart.
 */
export function matchMessages(
  source: readonly MessageSnapshot[],
  target: readonly MessageSnapshot[],
  options: MatchOptions,
): MessageMatch {
  const matched: MessagePair[] = [];
  let sources = sortedBy(source, (message) => message.uid);
  let targets = sortedBy(target, (message) => message.uid);
  const take = (pairs: MessagePair[]) => {
    matched.push(...pairs);
    const used = {
      source: new Set(pairs.map((pair) => pair.source.uid)),
      target: new Set(pairs.map((pair) => pair.target.uid)),
    };
    sources = sources.filter((message) => !used.source.has(message.uid));
    targets = targets.filter((message) => !used.target.has(message.uid));
  };
  take(byUidMap(sources, targets, options.uidPairs));
  take(
    multiset(
      sources.filter((message) => !message.hasMessageId && message.addedMessageId),
      targets,
      (message) => message.addedMessageId!.identity,
      (message) => message.identity,
    ),
  );
  const key = (message: MessageSnapshot) => matchKey(message.identity, message.size, options.useSize);
  take(multiset(sources, targets, key, key));
  return { matched: sortedBy(matched, (pair) => pair.source.uid), sourceOnly: sources, targetOnly: targets };
}

function byUidMap(
  sources: readonly MessageSnapshot[],
  targets: readonly MessageSnapshot[],
  uidPairs: MatchOptions['uidPairs'],
): MessagePair[] {
  const sourceByUid = new Map(sources.map((message) => [message.uid, message]));
  const targetByUid = new Map(targets.map((message) => [message.uid, message]));
  const pairs: MessagePair[] = [];
  for (const [sourceUid, targetUid] of sortedBy(uidPairs, ([uid]) => uid)) {
    const pair = { source: sourceByUid.get(sourceUid), target: targetByUid.get(targetUid) };
    if (!pair.source || !pair.target) continue;
    pairs.push({ source: pair.source, target: pair.target });
    sourceByUid.delete(sourceUid);
    targetByUid.delete(targetUid);
  }
  return pairs;
}

/**
 * Pair messages with equal keys (inputs in UID order). Duplicates of one identity are one message
 * stored at different times (a re-delivery, a copy left by a crashed tool), and APPEND keeps the
 * INTERNALDATE: so copies with the same date pair first, and deleting one copy on the source makes
 * deleteTarget remove its own copy on the target, not its twin with the other date. The rest pair
 * lowest UIDs first on both sides.
 */
function multiset(
  sources: readonly MessageSnapshot[],
  targets: readonly MessageSnapshot[],
  sourceKey: (m: MessageSnapshot) => string,
  targetKey: (m: MessageSnapshot) => string,
): MessagePair[] {
  const waiting = new Map<string, MessageSnapshot[]>();
  for (const message of targets) {
    const key = targetKey(message);
    const queue = waiting.get(key);
    if (queue) queue.push(message);
    else waiting.set(key, [message]);
  }
  const pairs: MessagePair[] = [];
  const undated: MessageSnapshot[] = [];
  for (const message of sources) {
    const queue = waiting.get(sourceKey(message));
    const sameDate = queue?.findIndex((candidate) => candidate.internalDate === message.internalDate) ?? -1;
    if (sameDate >= 0) pairs.push({ source: message, target: queue!.splice(sameDate, 1)[0]! });
    else undated.push(message);
  }
  for (const message of undated) {
    const candidate = waiting.get(sourceKey(message))?.shift();
    if (candidate) pairs.push({ source: message, target: candidate });
  }
  return pairs;
}
