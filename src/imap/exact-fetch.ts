import type { FolderState } from '../plan/snapshot.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { resendToHeld } from './held-uids.ts';
import { MalformedAnswer } from './malformed-answer.ts';
import { searchUidSet, searchUids } from './search-uids.ts';
import { uidFetch } from './uid-fetch.ts';
import { packUids } from './uid-set.ts';
import type { Token } from './wire/exec.ts';
import type { FetchRow } from './wire/fetch-response.ts';

// A FETCH whose answer is held to what was asked: every message the folder still holds answered
// in full, none beyond it. A row that lacked an item, or one a misframed literal swallowed, would
// otherwise vanish from a plan (and be deleted from the target as "gone from the source", or
// skipped by apply). Where the answer is one short (or has a NIL body), a UID SEARCH says which
// messages are still there; the usual case, every message answered, costs nothing.

/**
 * What a FETCH must answer in full: the listed UIDs (those still on the server), or every message
 * of the folder as EXAMINE found it (no UID at or above its UIDNEXT, unless new messages were
 * announced since: those are left for the next read). See completeAnswer.
 */
export type Expected = { uids: readonly number[] } | { examined: FolderState };

/**
 * One uidFetch per set on the folder the caller opened, then completeAnswer (unless `expected` is
 * null: whatever the server answers will do). Resolves with the UIDs answered NIL for their body
 * section that the folder no longer holds (expunged meanwhile: the caller drops them). Rejects as
 * uidFetch does, or with MalformedAnswer.
 */
export async function fetchRows(
  connection: ImapConnection,
  folder: string,
  sets: readonly string[],
  expected: Expected | null,
  items: Token[],
  onRow: (row: FetchRow) => void,
): Promise<Set<number>> {
  const flow = flowOf(connection);
  const answered = new Set<number>();
  const incomplete = new Map<number, string[]>();
  const nil: number[] = [];
  const take = (row: FetchRow) => {
    if (expected !== null && 'examined' in expected && row.uid >= expected.examined.uidNext) {
      // A message delivered since EXAMINE (announced by EXISTS) is the next read's; any other is not there.
      if ((flow.mailbox ? flow.mailbox.exists : 0) > expected.examined.messages) return;
      throw new MalformedAnswer(
        `includes UID ${row.uid}, which is not below the folder's UIDNEXT ${expected.examined.uidNext}`,
      );
    }
    answered.add(row.uid);
    if (row.body === null) nil.push(row.uid);
    onRow(row);
  };
  const resend = resendToHeld(connection, folder);
  for (const set of sets) {
    const report = await resend(set, (held) => uidFetch(flow, held, items, take), { incomplete: new Map() });
    for (const [uid, lacking] of report.incomplete) incomplete.set(uid, lacking.map(itemName));
  }
  return expected === null ? new Set() : completeAnswer(connection, folder, expected, answered, incomplete, nil);
}

/**
 * Throws MalformedAnswer when a message the folder still holds is missing from `answered`.
 * Returns those of `nil` (answered NIL for the body section asked) that are gone: Dovecot answers
 * NIL for a message another session expunged; a NIL for one still there is the server's to explain.
 */
async function completeAnswer(
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
function itemName(field: keyof FetchRow): string {
  const names: Record<keyof FetchRow, string> = {
    uid: 'UID',
    size: 'RFC822.SIZE',
    internalDate: 'INTERNALDATE',
    flags: 'FLAGS',
    body: 'the body section',
    gmailMessageId: 'X-GM-MSGID',
    labels: 'X-GM-LABELS',
  };
  return names[field];
}
