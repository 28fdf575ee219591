import { parseShownHeaders, SHOWN_FIELDS } from '../plan/deleted-headers.ts';
import { addedMessageIdFor, hasIdentityHeaders, headerDigestIdentity, identityOf, parseIdentityHeaders } from '../plan/identity.ts';
import type { MessageSnapshot } from '../plan/snapshot.ts';
import type { MessageHeaders } from '../plan/types.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import type { Token } from './exec.ts';
import type { FetchRow } from './fetch-response.ts';
import { item, uidFetch } from './uid-fetch.ts';

/** Messages per UID FETCH: one command, streamed, per this many (a few MB of answer, a few seconds). */
export const FETCH_CHUNK = 5000;

const IDENTITY_ITEMS = [item('UID'), item('RFC822.SIZE'), item('INTERNALDATE'), item('FLAGS'), item('BODY.PEEK', [item('HEADER.FIELDS'), [item('MESSAGE-ID'), item('RECEIVED')]])];
const FLAG_ITEMS = [item('UID'), item('FLAGS')];
const HEADER_ITEMS = [item('UID'), item('BODY.PEEK', [item('HEADER')])];
/** The first SHOWN_BYTES of the three fields: far more than the capped values need (a few hundred bytes, encoded), while a hostile 1 MB Subject stays on the server. */
const SHOWN_BYTES = 16_384;
const SHOWN_ITEMS = [item('UID'), item('BODY.PEEK', [item('HEADER.FIELDS'), SHOWN_FIELDS.map((field) => item(field))], [0, SHOWN_BYTES])];

export interface FetchedMessages {
  /** In the order the server answered; bare messages carry identity '' until digested. */
  messages: MessageSnapshot[];
  /** UIDs of the messages with neither Message-ID nor Received: their identity needs the whole header. */
  bare: number[];
}

/**
 * One `UID FETCH <set> (UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID
 * RECEIVED)])` per set, answers streamed and reduced to a MessageSnapshot each as they arrive (no
 * header bytes are kept). PEEK: reading never sets \Seen. The server may answer fewer messages than
 * asked for (expunged meanwhile) or refuse (an IMAP_ERROR, or the connection error that cut it short).
 */
export async function fetchMessages(connection: ImapConnection, folder: string, sets: readonly string[]): Promise<FetchedMessages> {
  const fetched: FetchedMessages = { messages: [], bare: [] };
  await fetchRows(connection, folder, sets, IDENTITY_ITEMS, (row) => {
    const snapshot = snapshotOf(row);
    if (snapshot.identity === '') fetched.bare.push(snapshot.uid);
    fetched.messages.push(snapshot);
  });
  return fetched;
}

/**
 * Header-digest identities for messages with neither identity header: one `UID FETCH <set>
 * (UID BODY.PEEK[HEADER])` per set. A UID missing from the answer was expunged meanwhile.
 */
export async function fetchHeaderDigests(connection: ImapConnection, folder: string, sets: readonly string[]): Promise<Map<number, string>> {
  const digests = new Map<number, string>();
  await fetchRows(connection, folder, sets, HEADER_ITEMS, (row) => { if (row.body) digests.set(row.uid, headerDigestIdentity(row.body)); });
  return digests;
}

/**
 * Date, From and Subject of the messages in the sets, for showing what a plan deletes: one
 * `UID FETCH <set> (UID BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)]<0.16384>)` per set. A UID
 * missing from the answer was expunged meanwhile.
 */
export async function fetchShownHeaders(connection: ImapConnection, folder: string, sets: readonly string[]): Promise<Map<number, MessageHeaders>> {
  const headers = new Map<number, MessageHeaders>();
  await fetchRows(connection, folder, sets, SHOWN_ITEMS, (row) => headers.set(row.uid, parseShownHeaders(row.body ?? Buffer.alloc(0))));
  return headers;
}

/**
 * Only UID and FLAGS of every message in the set (`UID FETCH <set> (UID FLAGS)`): what can change
 * about a message a plan has read before. Expunged messages are simply not in the answer.
 */
export async function fetchFlags(connection: ImapConnection, folder: string, set: string): Promise<Array<{ uid: number; flags: string[] }>> {
  const rows: Array<{ uid: number; flags: string[] }> = [];
  await fetchRows(connection, folder, [set], FLAG_ITEMS, (row) => rows.push({ uid: row.uid, flags: storedFlags(row.flags) }));
  return rows;
}

/** One uidFetch per set on the folder the caller opened; a refusal becomes the MailshiftError naming the folder. */
async function fetchRows(connection: ImapConnection, folder: string, sets: readonly string[], items: Token[], onRow: (row: FetchRow) => void): Promise<void> {
  const flow = flowOf(connection);
  for (const set of sets) {
    try {
      await uidFetch(flow, set, items, onRow);
    } catch (error) {
      throw commandFailure(error, connection, 'UID FETCH', folder);
    }
  }
}

/** Gives a digested bare message its identity, and the Message-ID a copy of it would get. */
export function withDigest(message: MessageSnapshot, identity: string): MessageSnapshot {
  const messageId = addedMessageIdFor(identity);
  return { ...message, identity, addedMessageId: { messageId, identity: identityOf({ messageId, received: [] }) } };
}

function snapshotOf(row: FetchRow): MessageSnapshot {
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
