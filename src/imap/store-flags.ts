import { MailshiftError, problem } from '../errors.ts';
import type { ImapConnection } from './connection.ts';
import { execCommand, type Token } from './wire/exec.ts';
import { openedFlow } from './opened-folder.ts';
import { resendToHeld } from './held-uids.ts';
import { operationFailure } from './operation-failure.ts';
import { storePublicly } from './public-commands.ts';
import { usesInternals } from './wire/internals.ts';
import { storableFlags } from './storable-flags.ts';
import { uidSets } from './uid-set.ts';

// On the folder the caller selected read-write (selectFolder). Messages with the same change share
// their `UID STORE <set> +FLAGS.SILENT (…)` / `-FLAGS.SILENT (…)` commands; SILENT: no echo of the
// new flags. Changes sent before a failure stay made, and making them again is harmless. A flag no
// server can store fails the call before anything is sent. A set the server answers BAD because it
// names a UID no longer there (mailutils) is sent again once without it, after a UID SEARCH ALL.

/** UIDs per STORE command: keeps the command line short however sparse the UIDs are. */
export const STORE_CHUNK = 1000;

/** UID STORE ±FLAGS.SILENT: the server skips UIDs expunged meanwhile, or answers NO (a keyword it will not take, no right: MailshiftError naming the folder; CONNECTION_LOST). */
export async function storeFlags(
  connection: ImapConnection,
  folder: string,
  changes: ReadonlyArray<{ uid: number; add: string[]; remove: string[] }>,
): Promise<void> {
  const flow = await openedFlow(connection, folder, true);
  const groups = new Map<string, { add: string[]; remove: string[]; uids: number[] }>();
  for (const change of changes) {
    const add = sendable(connection, folder, change.add).sort();
    const remove = sendable(connection, folder, change.remove).sort();
    if (add.length === 0 && remove.length === 0) continue;
    const key = JSON.stringify([add, remove]);
    const group = groups.get(key) ?? { add, remove, uids: [] };
    group.uids.push(change.uid);
    groups.set(key, group);
  }
  const resend = resendToHeld(connection, folder);
  for (const { add, remove, uids } of groups.values()) {
    for (const set of uidSets(uids, STORE_CHUNK)) {
      for (const [item, flags] of [
        ['+FLAGS.SILENT', add],
        ['-FLAGS.SILENT', remove],
      ] as const) {
        if (flags.length === 0) continue;
        const store = async (uidSet: string) => {
          if (!usesInternals(flow)) return storePublicly(flow, uidSet, item, flags);
          await execCommand(flow, 'UID STORE', [
            { type: 'SEQUENCE', value: uidSet },
            { type: 'ATOM', value: item },
            flags.map((flag): Token => ({ type: 'ATOM', value: flag })),
          ]);
        };
        try {
          await resend(set, store, undefined);
        } catch (error) {
          throw operationFailure(error, connection, 'UID STORE', folder);
        }
      }
    }
  }
}

function sendable(connection: ImapConnection, folder: string, flags: readonly string[]): string[] {
  const checked = storableFlags(flags);
  if ('flags' in checked) return checked.flags;
  const { place } = connection;
  throw new MailshiftError(
    problem(
      'IMAP_ERROR',
      `${place.side} UID STORE on folder "${folder}" for account ${place.accountId}: flag ${JSON.stringify(checked.invalid)} cannot be stored over IMAP (not a system flag, or not a valid keyword)`,
      "leave the flag out of the phase's flag settings",
      { account: place.accountId, side: place.side, folder },
    ),
  );
}
