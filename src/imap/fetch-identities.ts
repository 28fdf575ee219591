import { MailshiftError, problem } from '../errors.ts';
import type { MessageSnapshot } from '../plan/snapshot.ts';
import type { ImapConnection } from './connection.ts';
import { identifiedMessages } from './fetch-messages.ts';
import { openedFlow } from './opened-folder.ts';
import { operationFailure } from './operation-failure.ts';

// The executor's API lists hasCapability with this file; it lives with the capability checks.
export { hasCapability } from './capabilities.ts';

// For re-checking a message before it is deleted, and for finding, after a crash, what an
// interrupted APPEND stored. The same UID FETCHes as the snapshot reader (identity headers, and the
// whole header for messages with neither), on the folder the caller opened. Only UIDs inside the
// range are returned: a server answers "4711:*" with the last message even when its UID is lower.

/** Messages of a UID range ("1:*", "4711:*", "3,9:12") as snapshots, in UID order: the server leaves out expunged ones, or fails the FETCH (MailshiftError naming the folder; CONNECTION_LOST). */
export async function fetchIdentities(
  connection: ImapConnection,
  folder: string,
  uidRange: string,
): Promise<MessageSnapshot[]> {
  const ranges = parseRange(connection, folder, uidRange);
  await openedFlow(connection, folder, false);
  try {
    // imapflow turns a bare "*" into a sequence-number FETCH of the last message.
    const { messages } = await identifiedMessages(connection, folder, [uidRange === '*' ? '*:*' : uidRange], null);
    const inside = (uid: number) => ranges.some(([from, to]) => uid >= from && uid <= to);
    return messages.filter((message) => inside(message.uid)).sort((a, b) => a.uid - b.uid);
  } catch (error) {
    throw operationFailure(error, connection, 'UID FETCH', folder);
  }
}

/** The range as [from, to] pairs, "*" as infinity; an INTERNAL error for anything that is not a UID set. */
function parseRange(connection: ImapConnection, folder: string, uidRange: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const part of uidRange.split(',')) {
    const match = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    const bound = (value: string) => (value === '*' ? Number.POSITIVE_INFINITY : Number(value));
    if (!match || match[1] === '0' || match[2] === '0') {
      throw new MailshiftError(
        problem(
          'INTERNAL',
          `UID FETCH on folder "${folder}": "${uidRange}" is not a UID range`,
          'this is a bug in mailshift: please report it',
          { account: connection.place.accountId, side: connection.place.side, folder },
        ),
      );
    }
    const a = bound(match[1]!);
    const b = bound(match[2] ?? match[1]!);
    // "*" alone is the last message, whatever its UID: the server answers just that one.
    ranges.push(a === b && a === Number.POSITIVE_INFINITY ? [1, a] : [Math.min(a, b), Math.max(a, b)]);
  }
  return ranges;
}
