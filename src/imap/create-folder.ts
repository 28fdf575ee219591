import { flowOf, type ImapConnection } from './connection.ts';
import { execCommand, folderExists, folderToken, responseCodeOf } from './wire/exec.ts';
import { rememberUidValidity } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';
import { createPublicly, folderExistsPublicly, subscribePublicly } from './public-commands.ts';
import { usesInternals } from './wire/internals.ts';

// Folder lifecycle on the target (and the source's folders a phase deletes). Each is idempotent,
// so a re-run after a crash finds the work done and goes on: the server's "already there" or
// "not there" is an answer, not a failure. Servers that say so without a response code are asked
// with LIST before their NO is believed.

/** CREATE, not subscribing: the server answers OK, NO [ALREADYEXISTS] or a bare NO for a folder that exists (LIST decides: 'exists'), or NO for a name it will not take. */
export async function createFolder(connection: ImapConnection, folder: string): Promise<'created' | 'exists'> {
  const flow = flowOf(connection);
  try {
    const outcome = usesInternals(flow)
      ? await execCommand(flow, 'CREATE', [folderToken(flow, folder)]).then(() => 'created' as const)
      : await createPublicly(flow, folder);
    if (outcome === 'exists') return 'exists';
    rememberUidValidity(connection, folder, null); // a new folder: whatever was checked before is another one
    return 'created';
  } catch (error) {
    if (responseCodeOf(error) === 'ALREADYEXISTS' || (connection.usable && (await existsAfterAll(connection, folder))))
      return 'exists';
    throw operationFailure(error, connection, 'CREATE', folder);
  }
}

/** SUBSCRIBE: the server answers OK (also when already subscribed) or NO (no such folder on servers that check, no right). */
export async function subscribeFolder(connection: ImapConnection, folder: string): Promise<void> {
  const flow = flowOf(connection);
  try {
    if (!usesInternals(flow)) await subscribePublicly(flow, folder);
    else await execCommand(flow, 'SUBSCRIBE', [folderToken(flow, folder)]);
  } catch (error) {
    throw operationFailure(error, connection, 'SUBSCRIBE', folder);
  }
}

/** DELETE, with its messages (left first when open here): OK, NO [NONEXISTENT] or a bare NO for a folder that is gone (LIST decides: 'missing'), or NO for one the server keeps (INBOX, one with children, no right). */
export async function deleteFolder(connection: ImapConnection, folder: string): Promise<'deleted' | 'missing'> {
  try {
    // imapflow's own DELETE: it leaves the folder first when it is the open one, so its idea of
    // the open folder stays true.
    // It answers nothing, rather than failing, on a session that is no longer logged in.
    if (!(await flowOf(connection).mailboxDelete(folder))) throw new Error('the session is not logged in');
    rememberUidValidity(connection, folder, null);
    return 'deleted';
  } catch (error) {
    if (
      responseCodeOf(error) === 'NONEXISTENT' ||
      (connection.usable && !(await existsAfterAll(connection, folder, true)))
    )
      return 'missing';
    throw operationFailure(error, connection, 'DELETE', folder);
  }
}

/** LIST after a refusal; when LIST fails too, the answer the caller falls back on. */
async function existsAfterAll(connection: ImapConnection, folder: string, fallback = false): Promise<boolean> {
  try {
    const flow = flowOf(connection);
    return await (usesInternals(flow) ? folderExists(flow, folder) : folderExistsPublicly(flow, folder));
  } catch {
    return fallback;
  }
}
