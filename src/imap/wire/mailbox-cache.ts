import type { ImapFlow } from 'imapflow';
import { usesInternals } from './internals.ts';

// Before a folder's first EXAMINE or SELECT on a connection, imapflow asks LIST about it (and LSUB
// when it is not subscribed), only to copy its delimiter and special-use into the mailbox object,
// which mailshift never reads. An entry in imapflow's LIST cache (its `folders` map, where only
// that lookup reads it) stands in for the answer.

/** Marks the folder (its normalised path) as listed; nothing where imapflow keeps no such map (it then asks, as before). */
export function markListed(flow: ImapFlow, path: string): void {
  if (!usesInternals(flow)) return;
  const listed = (flow as unknown as { folders: Map<string, unknown> }).folders;
  if (!listed.has(path)) listed.set(path, { path });
}
