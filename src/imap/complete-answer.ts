import type { ImapConnection } from './connection.ts';
import type { FetchRow } from './wire/fetch-response.ts';
import type { Expected } from './fetch-messages.ts';
import { MalformedAnswer } from './malformed-answer.ts';
import { searchUidSet, searchUids } from './search-uids.ts';
import { packUids } from './uid-set.ts';

// A message the server holds but did not answer in full is never taken for one expunged: a row
// that lacked an item, or one a misframed literal swallowed, would otherwise vanish from a plan
// (and be deleted from the target as "gone from the source", or skipped by apply). Where the
// answer is one short (or has a NIL body), a UID SEARCH says which messages are still there; the
// usual case, every message answered, costs nothing.

/**
 * Throws MalformedAnswer when a message the folder still holds is missing from `answered`.
 * Returns those of `nil` (answered NIL for the body section asked) that are gone: Dovecot answers
 * NIL for a message another session expunged; a NIL for one still there is the server's to explain.
 */
export async function completeAnswer(
  connection: ImapConnection,
  folder: string,
  expected: Expected,
  answered: ReadonlySet<number>,
  incomplete: ReadonlyMap<number, readonly string[]>,
  nil: readonly number[],
): Promise<Set<number>> {
  let missing: number[];
  let held: Set<number>;
  if ('uids' in expected) {
    const unanswered = expected.uids.filter((uid) => !answered.has(uid));
    if (unanswered.length === 0 && nil.length === 0) return new Set();
    held = new Set(await searchUidSet(connection, folder, packUids([...unanswered, ...nil])));
    missing = unanswered.filter((uid) => held.has(uid));
  } else {
    const { messages, uidNext } = expected.examined;
    if (answered.size === messages && nil.length === 0) return new Set();
    held = new Set(await searchUids(connection, folder, null));
    missing = [...held].filter((uid) => uid < uidNext && !answered.has(uid)).sort((a, b) => a - b);
  }
  if (missing.length > 0) {
    const first = missing[0]!;
    const lacking = incomplete.get(first);
    const others = missing.length === 1 ? '' : ` and ${missing.length - 1} more`;
    throw new MalformedAnswer(
      `does not include UID ${first}${others}, which the folder holds${lacking ? ` (its row lacks ${lacking.join(', ')})` : ''}`,
    );
  }
  return new Set(nil.filter((uid) => !held.has(uid)));
}

/** The data item a row field comes from, as an error names it. */
export function itemName(field: keyof FetchRow): string {
  return { uid: 'UID', size: 'RFC822.SIZE', internalDate: 'INTERNALDATE', flags: 'FLAGS', body: 'the body section' }[
    field
  ];
}
