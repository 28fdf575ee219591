// The cutover rule: once a manual gate is recorded (the MX switch, typically), mail reaches the
// new server by itself, so no phase may delete on the target a message that did not come from the
// source through mailshift. The UID maps are the record of those copies: every apply writes the
// target UID of each copy it made, per target folder and UIDVALIDITY. Pure.
import type { UidMaps } from './snapshot.ts';

/** The latest manual gate recorded before a plan was made: from then on the rule holds. */
export interface Cutover {
  gate: string;
  /** When the gate was recorded (its audit file's end). */
  at: string;
  /** `plan --force`: deletions the rule would keep were planned anyway. */
  forced: boolean;
}

/** What the planner needs for the rule: the gate, and every UID map of the account (whatever its identity rule). */
export interface CutoverRecord {
  since: Cutover;
  uidMaps: UidMaps;
}

/**
 * The target UIDs of `folder` (at `uidValidity`) that mailshift's applies copied there, from any
 * source folder's map (a rename or merge may have fed one target folder from several).
 */
export function mailshiftCopies(uidMaps: UidMaps, folder: string, uidValidity: number): Set<number> {
  const uids = new Set<number>();
  for (const map of Object.values(uidMaps)) {
    if (map.target !== folder || map.targetUidValidity !== uidValidity) continue;
    for (const [, targetUid] of map.pairs) uids.add(targetUid);
  }
  return uids;
}

/** Whether any map records copies into `folder` at `uidValidity`: mailshift made or filled it. */
export function hasMailshiftCopies(uidMaps: UidMaps, folder: string, uidValidity: number): boolean {
  return Object.values(uidMaps).some(
    (map) => map.target === folder && map.targetUidValidity === uidValidity && map.pairs.length > 0,
  );
}

/** How a finding names the gate: `gate "switch-mx" (recorded 2026-12-01T10:00:00Z)`. */
export function sinceGate(cutover: Cutover): string {
  return `gate "${cutover.gate}" (recorded ${cutover.at.replace(/\.\d{3}Z$/, 'Z')})`;
}
