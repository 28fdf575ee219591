// identity 'uid' (imapsync --useuid): the source-UID → target-UID pairs recorded by earlier
// applies, trusted only while both folders keep the UIDVALIDITY and the target they were recorded for.
import type { FolderSnapshot, UidMap } from './snapshot.ts';

export type UidMapUse = { pairs: Array<[number, number]>; stale: string | null };

/** The UID map pairs usable for a folder pair, or none with the reason the map no longer fits. */
export function usableUidPairs(
  map: UidMap | undefined,
  targetName: string,
  source: FolderSnapshot,
  target: FolderSnapshot | undefined,
): UidMapUse {
  if (!map) return { pairs: [], stale: null };
  const stale = (why: string): UidMapUse => ({
    pairs: [],
    stale: `the UID map of earlier applies no longer fits (${why}): messages are matched by their headers`,
  });
  if (map.target !== targetName) return stale(`it was recorded for target folder "${map.target}"`);
  if (map.sourceUidValidity !== source.state.uidValidity)
    return stale(`source UIDVALIDITY ${map.sourceUidValidity} is now ${source.state.uidValidity}`);
  if (!target) return stale('the target folder does not exist any more');
  if (map.targetUidValidity !== target.state.uidValidity)
    return stale(`target UIDVALIDITY ${map.targetUidValidity} is now ${target.state.uidValidity}`);
  return { pairs: map.pairs.map(([sourceUid, targetUid]) => [sourceUid, targetUid]), stale: null };
}
