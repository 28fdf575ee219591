import type { ImapConnection } from './connection.ts';
import { hasCapability } from './capabilities.ts';
import { execCommand } from './wire/exec.ts';
import { openedFlow } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';
import { deletePublicly } from './public-commands.ts';
import { usesInternals } from './wire/internals.ts';
import { STORE_CHUNK } from './store-flags.ts';
import { uidSets } from './uid-set.ts';

// On the folder the caller selected read-write (selectFolder): `UID STORE <set> +FLAGS.SILENT
// (\Deleted)`, then with UIDPLUS `UID EXPUNGE <set>` (RFC 4315), which removes only those UIDs.
// Never a plain EXPUNGE: it would also remove every other message someone marked \Deleted. Without
// UIDPLUS (or without `expunge`) the messages stay, flagged. Doing it again is harmless.

/** UID STORE +FLAGS (\Deleted) and UID EXPUNGE: the server skips UIDs expunged meanwhile, or answers NO (no right: MailshiftError naming the folder; CONNECTION_LOST). */
export async function deleteMessages(
  connection: ImapConnection,
  folder: string,
  uids: readonly number[],
  expunge: boolean,
): Promise<'expunged' | 'flagged-only'> {
  const flow = await openedFlow(connection, folder, true);
  const byUid = expunge && hasCapability(connection, 'UIDPLUS');
  for (const set of uidSets(uids, STORE_CHUNK)) {
    let doing = 'UID STORE';
    try {
      if (!usesInternals(flow)) {
        doing = byUid ? 'UID EXPUNGE' : doing;
        await deletePublicly(flow, set, byUid);
        continue;
      }
      await execCommand(flow, doing, [
        { type: 'SEQUENCE', value: set },
        { type: 'ATOM', value: '+FLAGS.SILENT' },
        [{ type: 'ATOM', value: '\\Deleted' }],
      ]);
      doing = 'UID EXPUNGE';
      if (byUid) await execCommand(flow, doing, [{ type: 'SEQUENCE', value: set }]);
    } catch (error) {
      throw operationFailure(error, connection, doing, folder);
    }
  }
  return byUid ? 'expunged' : 'flagged-only';
}
