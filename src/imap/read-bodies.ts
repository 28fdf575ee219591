import type { ImapConnection } from './connection.ts';
import { openedFlow } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';
import { fetchRows } from './exact-fetch.ts';
import { item } from './uid-fetch.ts';
import { uidSets } from './uid-set.ts';

// One `UID FETCH <set> (UID BODY.PEEK[])` per batch, in UID order, on the folder the caller opened
// (examineFolder or selectFolder). PEEK: reading never sets \Seen. Every body read is held until
// the call returns: the caller bounds memory by the UIDs it asks for (apply: one copy batch, a few
// MB). After CONNECTION_LOST the caller may try again on a new connection.

/** Messages per UID FETCH of bodies. */
export const BODY_BATCH = 100;

const BODY_ITEMS = [item('UID'), item('BODY.PEEK', [])];

/**
 * Raw messages by UID, null where the server answered NIL for the body of a message it still
 * holds: the server leaves out UIDs expunged meanwhile (or answers NIL for them), or fails the FETCH (MailshiftError naming the folder; CONNECTION_LOST), also
 * when a message it still holds is not answered exactly.
 */
export async function readBodies(
  connection: ImapConnection,
  folder: string,
  uids: readonly number[],
): Promise<Map<number, Buffer | null>> {
  await openedFlow(connection, folder, false);
  const bodies = new Map<number, Buffer | null>();
  try {
    const gone = await fetchRows(connection, folder, uidSets(uids, BODY_BATCH), { uids }, BODY_ITEMS, (row) =>
      bodies.set(row.uid, row.body ?? null),
    );
    for (const uid of gone) bodies.delete(uid);
  } catch (error) {
    throw operationFailure(error, connection, 'UID FETCH', folder);
  }
  return bodies;
}
