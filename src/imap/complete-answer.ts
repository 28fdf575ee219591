import type { ImapConnection } from './connection.ts';
import type { FetchRow } from './fetch-response.ts';
import type { Expected } from './fetch-messages.ts';
import { MalformedAnswer } from './malformed-answer.ts';
import { searchUidSet, searchUids } from './search-uids.ts';
import { packUids } from './uid-set.ts';

// A message the server holds but did not answer in full is never taken for one expunged: a row
// that lacked an item, or one a misframed literal swallowed, would otherwise vanish from a plan
// (and be deleted from the target as "gone from the source", or skipped by apply). Where the
// answer is one short, a UID SEARCH says which messages are still there; the cheap case (every
// message answered) costs nothing.

/** Throws MalformedAnswer when a message the folder still holds is missing from `answered`. */
export async function completeAnswer(connection: ImapConnection, folder: string, expected: Expected, answered: ReadonlySet<number>, incomplete: ReadonlyMap<number, readonly string[]>): Promise<void> {
  let missing: number[];
  if ('uids' in expected) {
    const unanswered = expected.uids.filter((uid) => !answered.has(uid));
    if (unanswered.length === 0) return;
    const held = new Set(await searchUidSet(connection, folder, packUids(unanswered)));
    missing = unanswered.filter((uid) => held.has(uid));
  } else {
    const { messages, uidNext } = expected.examined;
    if (answered.size === messages) return;
    missing = (await searchUids(connection, folder, null)).filter((uid) => uid < uidNext && !answered.has(uid));
  }
  if (missing.length === 0) return;
  const first = missing[0]!;
  const lacking = incomplete.get(first);
  const others = missing.length === 1 ? '' : ` and ${missing.length - 1} more`;
  throw new MalformedAnswer(`does not include UID ${first}${others}, which the folder holds${lacking ? ` (its row lacks ${lacking.join(', ')})` : ''}`);
}

/** The data item a row field comes from, as an error names it. */
export function itemName(field: keyof FetchRow): string {
  return { uid: 'UID', size: 'RFC822.SIZE', internalDate: 'INTERNALDATE', flags: 'FLAGS', body: 'the body section' }[field];
}
