import { parseShownHeaders, SHOWN_FIELDS } from '../plan/deleted-headers.ts';
import {
  addedMessageIdFor,
  hasIdentityHeaders,
  headerDigestIdentity,
  identityOf,
  parseIdentityHeaders,
} from '../plan/identity.ts';
import type { FolderState, MessageSnapshot } from '../plan/snapshot.ts';
import type { MessageHeaders } from '../plan/types.ts';
import type { ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import { hasCapability } from './capabilities.ts';
import type { FetchRow } from './wire/fetch-response.ts';
import { fetchRows, type Expected } from './exact-fetch.ts';
import { MalformedAnswer } from './malformed-answer.ts';
import type { Token } from './wire/exec.ts';
import { item } from './uid-fetch.ts';
import { uidSets } from './uid-set.ts';

/** Messages per UID FETCH: one command, streamed, per this many (a few MB of answer, a few seconds). */
export const FETCH_CHUNK = 5000;

const IDENTITY_ITEMS = [
  item('UID'),
  item('RFC822.SIZE'),
  item('INTERNALDATE'),
  item('FLAGS'),
  item('BODY.PEEK', [item('HEADER.FIELDS'), [item('MESSAGE-ID'), item('RECEIVED')]]),
];
const FLAG_ITEMS = [item('UID'), item('FLAGS')];
/** Gmail's X-GM-EXT-1: which message a row is across label folders, and its labels. */
const GMAIL_ITEMS = [item('X-GM-MSGID'), item('X-GM-LABELS')];
const HEADER_ITEMS = [item('UID'), item('BODY.PEEK', [item('HEADER')])];
/** The first SHOWN_BYTES of the three fields: far more than the capped values need (a few hundred bytes, encoded), while a hostile 1 MB Subject stays on the server. */
const SHOWN_BYTES = 16_384;
const SHOWN_ITEMS = [
  item('UID'),
  item('BODY.PEEK', [item('HEADER.FIELDS'), SHOWN_FIELDS.map((field) => item(field))], [0, SHOWN_BYTES]),
];

export interface FetchedMessages {
  /** In the order the server answered; bare messages carry identity '' until digested. */
  messages: MessageSnapshot[];
  /** UIDs of the messages with neither Message-ID nor Received: their identity needs the whole header. */
  bare: number[];
}

/**
 * One `UID FETCH <set> (UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID
 * RECEIVED)])` per set, answers streamed and reduced to a MessageSnapshot each as they arrive (no
 * header bytes are kept). PEEK: reading never sets \Seen. Messages expunged meanwhile are not in
 * the answer; a message still there but not answered exactly fails the read (IMAP_ERROR naming
 * the folder), as does a refusal or the connection error that cut it short.
 */
export async function fetchMessages(
  connection: ImapConnection,
  folder: string,
  sets: readonly string[],
  expected: Expected | null,
): Promise<FetchedMessages> {
  const fetched: FetchedMessages = { messages: [], bare: [] };
  const items = isGmail(connection) ? [...IDENTITY_ITEMS, ...GMAIL_ITEMS] : IDENTITY_ITEMS;
  await fetchRowsOrFail(connection, folder, sets, expected, items, (row) => {
    const snapshot = snapshotOf(row);
    if (snapshot.identity === '') fetched.bare.push(snapshot.uid);
    fetched.messages.push(snapshot);
  });
  return fetched;
}

/** Whole-header digests, and the UIDs whose header the server answered NIL (no identity can be had for them). */
export interface HeaderDigests {
  digests: Map<number, string>;
  headerless: number[];
}

/**
 * Header-digest identities for messages with neither identity header: one `UID FETCH <set>
 * (UID BODY.PEEK[HEADER])` per batch of the UIDs. A UID missing from the answer, or answered NIL
 * and no longer there, was expunged meanwhile.
 */
export async function fetchHeaderDigests(
  connection: ImapConnection,
  folder: string,
  uids: readonly number[],
): Promise<HeaderDigests> {
  const found: HeaderDigests = { digests: new Map(), headerless: [] };
  const gone = await fetchRowsOrFail(connection, folder, uidSets(uids, FETCH_CHUNK), { uids }, HEADER_ITEMS, (row) => {
    if (row.body) found.digests.set(row.uid, headerDigestIdentity(row.body));
    else found.headerless.push(row.uid);
  });
  found.headerless = found.headerless.filter((uid) => !gone.has(uid));
  return found;
}

/**
 * Date, From and Subject of the messages in the sets, for showing what a plan deletes: one
 * `UID FETCH <set> (UID BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)]<0.16384>)` per set. A UID
 * missing from the answer was expunged meanwhile (or not answered: it is shown without them).
 */
export async function fetchShownHeaders(
  connection: ImapConnection,
  folder: string,
  sets: readonly string[],
): Promise<Map<number, MessageHeaders>> {
  const headers = new Map<number, MessageHeaders>();
  await fetchRowsOrFail(connection, folder, sets, null, SHOWN_ITEMS, (row) =>
    headers.set(row.uid, parseShownHeaders(row.body ?? Buffer.alloc(0))),
  );
  return headers;
}

/**
 * Only UID and FLAGS of every message of the examined folder (`UID FETCH 1:* (UID FLAGS)`, and
 * X-GM-LABELS on Gmail): what can change about a message a plan has read before. Expunged
 * messages are simply not in the answer.
 */
export async function fetchFlags(
  connection: ImapConnection,
  folder: string,
  examined: FolderState,
): Promise<Array<{ uid: number; flags: string[]; labels?: string[] }>> {
  const rows: Array<{ uid: number; flags: string[]; labels?: string[] }> = [];
  const items = isGmail(connection) ? [...FLAG_ITEMS, item('X-GM-LABELS')] : FLAG_ITEMS;
  await fetchRowsOrFail(connection, folder, ['1:*'], { examined }, items, (row) =>
    rows.push({
      uid: row.uid,
      flags: storedFlags(row.flags),
      ...(row.labels !== undefined ? { labels: sortedLabels(row.labels) } : {}),
    }),
  );
  return rows;
}

/** Whether the server offers Gmail's IMAP extensions (X-GM-EXT-1): then every read also asks X-GM-MSGID and X-GM-LABELS. */
export function isGmail(connection: ImapConnection): boolean {
  return hasCapability(connection, 'X-GM-EXT-1');
}

function sortedLabels(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** fetchRows, a refusal or an answer that cannot be read exactly becoming the MailshiftError naming the folder. */
async function fetchRowsOrFail(
  connection: ImapConnection,
  folder: string,
  sets: readonly string[],
  expected: Expected | null,
  items: Token[],
  onRow: (row: FetchRow) => void,
): Promise<Set<number>> {
  try {
    return await fetchRows(connection, folder, sets, expected, items, onRow);
  } catch (error) {
    throw commandFailure(error, connection, 'UID FETCH', folder);
  }
}

/** Snapshots with an identity each, and the UIDs of messages the server would not show a header of. */
export interface IdentifiedMessages {
  /** In the order the server answered. */
  messages: MessageSnapshot[];
  /** Answered NIL for their header: without one they cannot be matched, so they are left out (and named). */
  headerless: number[];
}

/** fetchMessages, then the whole-header digests of the messages with neither identity header. */
export async function identifiedMessages(
  connection: ImapConnection,
  folder: string,
  sets: readonly string[],
  expected: Expected | null,
): Promise<IdentifiedMessages> {
  if (sets.length === 0) return { messages: [], headerless: [] };
  const fetched = await fetchMessages(connection, folder, sets, expected);
  if (fetched.bare.length === 0) return { messages: fetched.messages, headerless: [] };
  const { digests, headerless } = await fetchHeaderDigests(connection, folder, fetched.bare);
  const messages = fetched.messages.flatMap((message) => {
    if (message.identity !== '') return [message];
    const digest = digests.get(message.uid);
    return digest === undefined ? [] : [withDigest(message, digest)];
  });
  return { messages, headerless };
}

/** Gives a digested bare message its identity, and the Message-ID a copy of it would get. */
function withDigest(message: MessageSnapshot, identity: string): MessageSnapshot {
  const messageId = addedMessageIdFor(identity);
  return { ...message, identity, addedMessageId: { messageId, identity: identityOf({ messageId, received: [] }) } };
}

function snapshotOf(row: FetchRow): MessageSnapshot {
  if (row.body) {
    const wrong = notHeaderFields(row.body);
    if (wrong !== null)
      throw new MalformedAnswer(
        `gives UID ${row.uid} header fields that are not header fields (${wrong}): a literal announced with the wrong length`,
      );
  }
  const headers = parseIdentityHeaders(row.body ?? '');
  const hasMessageId = headers.messageId !== null;
  const identity = hasIdentityHeaders(headers) ? identityOf(headers) : '';
  const snapshot: MessageSnapshot = {
    uid: row.uid,
    size: row.size ?? 0,
    internalDate: isoDate(row.internalDate),
    flags: storedFlags(row.flags),
    identity,
    hasMessageId,
    ...(row.gmailMessageId !== undefined ? { gmailMessageId: row.gmailMessageId } : {}),
    ...(row.labels !== undefined ? { labels: sortedLabels(row.labels) } : {}),
  };
  if (!hasMessageId && identity !== '') {
    const messageId = addedMessageIdFor(identity);
    snapshot.addedMessageId = { messageId, identity: identityOf({ messageId, received: headers.received }) };
  }
  return snapshot;
}

/** The flags as a snapshot keeps them: sorted, without \Recent (session state, not a flag anyone can store or copy). */
function storedFlags(flags: Iterable<string> | undefined): string[] {
  return [...(flags ?? [])].filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}

function isoDate(value: Date | string | undefined): string {
  const date = value instanceof Date ? value : new Date(value ?? Number.NaN);
  // A date the server wrote so badly that it does not parse is passed on as written, not invented.
  return Number.isNaN(date.getTime()) ? String(value ?? '') : date.toISOString();
}

/**
 * Why bytes answered for BODY[HEADER.FIELDS (...)] cannot be what the server picked out (field
 * lines, then the empty line, nothing after it), or null. A literal announced longer or shorter
 * than its bytes shows here first: it swallows the next row, or its end is cut off.
 */
export function notHeaderFields(bytes: Buffer): string | null {
  const lines = bytes.toString('latin1').split('\r\n');
  const end = lines.indexOf('');
  for (const [index, line] of lines.entries()) {
    if (end !== -1 && index > end) {
      if (line !== '') return `text after the empty line that ends them: "${shorten(line)}"`;
    } else if (index !== end && !FIELD_LINE.test(line)) {
      return `a line that is neither a field nor its continuation: "${shorten(line)}"`;
    }
  }
  return null;
}

/** "Name:" (obsolete syntax allows blanks before the colon) or a continuation line. */
const FIELD_LINE = /^(?:[!-9;-~]+[ \t]*:|[ \t])/;

function shorten(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
