import type { ImapConnection } from './connection.ts';
import { searchUids } from './search-uids.ts';
import { packUids, uidsOf } from './uid-set.ts';
import { refusedWithoutReason } from './public-commands.ts';
import { isBad } from './wire/exec.ts';

// RFC 3501 has a UID command skip UIDs that are not there; GNU mailutils answers BAD ("Failed to
// parse message set") to a set naming one, such as a message expunged since the plan. A command
// over such a set is sent again once, with only the UIDs the folder holds (one UID SEARCH ALL per
// caller, however many of its sets meet a BAD). A BAD to a set whose UIDs are all there, or to a
// set with "*", is the server's own and is thrown as it came. imapflow's public API tells no BAD
// from NO: a refusal without the server's answer is taken the same way.

/** `send(set)`, and on such a BAD `send` again with the UIDs still there (`none` when no UID is left). */
export type HeldResend = <T>(set: string, send: (set: string) => Promise<T>, none: T) => Promise<T>;

/** A HeldResend for one folder the caller has open; it asks the folder's UIDs at most once. */
export function resendToHeld(connection: ImapConnection, folder: string): HeldResend {
  let held: Promise<Set<number>> | undefined;
  return async (set, send, none) => {
    try {
      return await send(set);
    } catch (error) {
      if (!(isBad(error) || refusedWithoutReason(error)) || set.includes('*')) throw error;
      held ??= searchUids(connection, folder, null).then((uids) => new Set(uids));
      const asked = uidsOf(set);
      const there = await held.then((uids) => asked.filter((uid) => uids.has(uid)));
      if (there.length === asked.length) throw error;
      return there.length === 0 ? none : send(packUids(there));
    }
  };
}
