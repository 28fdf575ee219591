import type { FolderState } from '../plan/snapshot.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { openedReadOnly, openMailbox, rememberUidValidity, uidNextOf } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';

// SELECT is for the folders apply changes (STORE, EXPUNGE): the target always, the source only
// when a phase deletes there. Reading stays with examine.ts, which never takes \Recent away. The
// UIDVALIDITY seen is the one later message commands on any connection hold the folder to.

/** SELECT: the server answers UIDVALIDITY, UIDNEXT, EXISTS, PERMANENTFLAGS ("\*": new keywords allowed), HIGHESTMODSEQ with CONDSTORE; or NO (no such folder, no right); a READ-ONLY open fails here too. */
export async function selectFolder(
  connection: ImapConnection,
  folder: string,
): Promise<FolderState & { permanentFlags: string[] | null }> {
  let opened;
  try {
    opened = await openMailbox(flowOf(connection), folder, false);
    // imapflow answers nothing, rather than failing, on a session that is no longer logged in.
    if (!opened) throw new Error('the session is not logged in');
  } catch (error) {
    throw operationFailure(error, connection, 'SELECT', folder);
  }
  if (opened.readOnly) throw openedReadOnly(connection, folder);
  rememberUidValidity(connection, folder, Number(opened.uidValidity));
  // Copied now: imapflow keeps updating its mailbox object from later answers.
  const permanent = opened.permanentFlags ? [...opened.permanentFlags].sort() : [];
  const [messages, highestModseq] = [
    opened.exists,
    opened.highestModseq === undefined || opened.noModseq ? null : Number(opened.highestModseq),
  ];
  return {
    uidValidity: Number(opened.uidValidity),
    uidNext: await uidNextOf(connection, folder, opened, 'SELECT'),
    highestModseq,
    messages,
    permanentFlags: permanent.length > 0 ? permanent : null,
  };
}
