import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import { openedReadOnly, openMailbox } from './opened-folder.ts';

// GNU mailutils imap4d (3.15, maildir) gives a message in maildir new/ its UID only when a
// read-write session opens the folder and moves it to cur/. Until then every read-only open
// (EXAMINE, STATUS) numbers it anew and resets the folder's UIDVALIDITY: no two reads agree, and
// apply refuses every plan as stale. Nothing read-only settles it; one read-write SELECT does.
//
// That SELECT changes no message and no flag: it renames the files from new/ to cur/ (the maildir
// bookkeeping any mail client's first look at the folder does) and takes \Recent away, which only
// says "no client has seen this yet". Without it no tool can name these messages by UID twice.
// So mailshift does it, and only where it must: on a server that greets as mailutils does, in a
// folder where a STATUS right after the EXAMINE shows the UIDs moving (same MESSAGES, another
// UIDNEXT). Every other server, and a settled mailutils folder, sees no extra command but the STATUS.

/** imap4d's greeting unless its admin set another ("* OK IMAP4rev1"); a server greeting otherwise is never checked. */
const MAILUTILS_GREETING = /^IMAP4rev1$/i;

/** Whether the server greeted as GNU mailutils imap4d does: the servers whose maildir new/ may need settling. */
export function greetsAsMailutils(connection: ImapConnection): boolean {
  return MAILUTILS_GREETING.test(String(flowOf(connection).greeting ?? '').trim());
}

/**
 * Whether the folder just EXAMINEd (`opened`) numbers its messages anew at each read-only open:
 * a STATUS of it says the same MESSAGES but another UIDNEXT. Only asked of servers that greet as
 * GNU mailutils does, about folders with messages.
 */
export async function renumbersAtEachRead(
  connection: ImapConnection,
  folder: string,
  opened: { exists: number; uidNext?: number },
): Promise<boolean> {
  const flow = flowOf(connection);
  if (opened.exists === 0 || opened.uidNext === undefined || !greetsAsMailutils(connection)) return false;
  // Copied first: imapflow updates the open mailbox's UIDNEXT from the STATUS answer.
  const [exists, uidNext] = [opened.exists, opened.uidNext];
  let status;
  try {
    status = await flow.status(folder, { messages: true, uidNext: true });
  } catch (error) {
    throw commandFailure(error, connection, 'STATUS', folder);
  }
  return !!status && status.messages === exists && status.uidNext !== undefined && status.uidNext !== uidNext;
}

/** One read-write SELECT of the folder, which moves mailutils' new/ messages to cur/ with the UIDs they keep. */
export async function settleNew(connection: ImapConnection, folder: string): Promise<void> {
  const flow = flowOf(connection);
  let opened;
  try {
    opened = await openMailbox(flow, folder, false);
  } catch (error) {
    throw commandFailure(error, connection, 'SELECT', folder);
  }
  if (opened?.readOnly) throw openedReadOnly(connection, folder);
}
