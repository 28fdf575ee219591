import type { FolderState } from '../plan/snapshot.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import { openMailbox, rememberUidValidity, uidNextOf } from './opened-folder.ts';
import { renumbersAtEachRead, settleNew } from './maildir-new.ts';

export interface ExaminedFolder {
  state: FolderState;
  /** PERMANENTFLAGS, or null when the server named none. */
  permanentFlags: string[] | null;
}

/**
 * Opens a folder read-only with EXAMINE (never SELECT: a read-write open would take the \Recent
 * flags away from the mail client that has not seen the new mail yet). The server answers
 * UIDVALIDITY, UIDNEXT, EXISTS and, with CONDSTORE, HIGHESTMODSEQ; it may refuse (the folder
 * vanished, no right to read it). The one exception to "never SELECT": a GNU mailutils folder whose
 * UIDs move at every read-only open is SELECTed once to settle them, then EXAMINEd (maildir-new.ts).
 */
export async function examineFolder(connection: ImapConnection, name: string): Promise<ExaminedFolder> {
  let opened = await examine(connection, name);
  if (await renumbersAtEachRead(connection, name, opened)) {
    await settleNew(connection, name);
    opened = await examine(connection, name);
  }
  // Message commands on other connections hold the folder to the UIDVALIDITY seen here (opened-folder.ts).
  rememberUidValidity(connection, name, Number(opened.uidValidity));
  // Copied now: imapflow keeps updating its mailbox object (UIDNEXT, HIGHESTMODSEQ) from later FETCH answers.
  const permanent = opened.permanentFlags ? [...opened.permanentFlags].sort() : [];
  const [messages, highestModseq] = [
    opened.exists,
    opened.highestModseq === undefined || opened.noModseq ? null : Number(opened.highestModseq),
  ];
  return {
    state: {
      uidValidity: Number(opened.uidValidity),
      uidNext: await uidNextOf(connection, name, opened, 'EXAMINE'),
      highestModseq,
      messages,
    },
    // A read-only session answers PERMANENTFLAGS () (RFC 3501 §6.3.2: nothing can be stored in
    // *this* session), which says nothing about what a read-write session may store.
    permanentFlags: permanent.length > 0 ? permanent : null,
  };
}

async function examine(connection: ImapConnection, name: string): Promise<Awaited<ReturnType<typeof openMailbox>>> {
  try {
    return await openMailbox(flowOf(connection), name, true);
  } catch (error) {
    throw commandFailure(error, connection, 'EXAMINE', name);
  }
}
