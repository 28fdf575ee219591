import { type ImapConnection } from './connection.ts';
import { openedFlow } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';
import { uidSets } from './uid-set.ts';

// One `UID FETCH <set> (UID BODY.PEEK[])` per batch, in UID order, on the folder the caller opened
// (examineFolder or selectFolder). PEEK: reading never sets \Seen. Answers are passed on as they
// arrive and imapflow parses the next one only when asked, so one message is held at a time; the
// connection is busy until the iteration ends, so the caller's other commands go elsewhere. After
// CONNECTION_LOST the caller may resume on a new connection after the last UID it got.

/** Messages per UID FETCH of bodies: one command per this many, streamed a message at a time. */
export const BODY_BATCH = 100;

/** Raw messages by UID: the server leaves out UIDs expunged meanwhile, or fails the FETCH (MailshiftError naming the folder; CONNECTION_LOST). */
export async function* readBodies(connection: ImapConnection, folder: string, uids: readonly number[]): AsyncIterable<{ uid: number; raw: Buffer }> {
  const flow = await openedFlow(connection, folder, false);
  for (const set of uidSets(uids, BODY_BATCH)) {
    try {
      for await (const row of flow.fetch(set, { uid: true, source: true }, { uid: true })) {
        // A FETCH the server sends unasked (a flag change by another session) carries no body.
        if (row.source) yield { uid: row.uid, raw: row.source };
      }
    } catch (error) {
      throw operationFailure(error, connection, 'UID FETCH', folder);
    }
  }
}
