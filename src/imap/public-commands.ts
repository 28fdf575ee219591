import type { FetchMessageObject, FetchQueryObject, ImapFlow } from 'imapflow';
import { canUseFlag, enhanceCommandError, normalizePath } from 'imapflow/lib/tools.js';
import type { OutgoingMessage } from './append-command.ts';
import type { TaggedOk, Token } from './wire/exec.ts';
import type { FetchRow } from './wire/fetch-response.ts';

// The commands mailshift otherwise writes itself (wire/), through imapflow's documented methods
// only: for a client whose internals the wire layer does not know (wire/internals.ts). The answers
// mean the same; what is lost is speed (one APPEND per message, imapflow's FETCH parser) and some
// detail: imapflow answers a refused STORE or SUBSCRIBE with false, not the server's words.

/** A command imapflow's public API answered with false: refused or not sent, the server's reason not known. */
export class RefusedWithoutReason extends Error {
  constructor(command: string) {
    super(`the server refused ${command} (imapflow's public API does not say why)`);
    this.name = 'RefusedWithoutReason';
  }
}

/** Whether imapflow's public API reported a failure without the server's answer. */
export function refusedWithoutReason(error: unknown): boolean {
  return error instanceof RefusedWithoutReason;
}

/** Where fetch() puts the body section asked for: the whole message, or the header. */
type BodyField = 'source' | 'headers';

/**
 * `UID FETCH <set> (<items>)` through fetch(): each message answered, as the row the wire layer
 * would read. A NO or BAD rejects as the wire layer's does, its response code (Gmail's
 * [THROTTLED]) in serverResponseCode: fetch() alone of imapflow's commands leaves it in the parse.
 */
export async function fetchPublicly(
  flow: ImapFlow,
  set: string,
  items: readonly Token[],
  onRow: (row: FetchRow) => void,
): Promise<void> {
  const { query, body, binary, partial } = queryOf(items);
  try {
    for await (const message of flow.fetch(set, query, { uid: true, binary })) {
      const row = rowOfMessage(message, query, body);
      if (row === null) continue;
      if (partial !== undefined && row.body) row.body = row.body.subarray(partial[0], partial[0] + partial[1]);
      onRow(row);
    }
  } catch (error) {
    const answered = error as { response?: unknown };
    if (answered !== null && typeof answered === 'object' && typeof answered.response === 'object')
      await enhanceCommandError(error as Parameters<typeof enhanceCommandError>[0]);
    throw error;
  }
}

/** fetch()'s query for the data items the wire layer would send; anything else is a mistake in mailshift. */
export function queryOf(items: readonly Token[]): {
  query: FetchQueryObject;
  body: BodyField | null;
  binary: boolean;
  /** A byte range of header fields, cut here: imapflow's compiler takes no HEADER.FIELDS with one. */
  partial?: [number, number];
} {
  const query: FetchQueryObject = {};
  let body: BodyField | null = null;
  let binary = false;
  let partial: [number, number] | undefined;
  for (const token of items) {
    if (Array.isArray(token) || token.type !== 'ATOM') throw new Error(`no fetch() query for ${JSON.stringify(token)}`);
    const name = token.value.toUpperCase();
    if (name === 'UID') query.uid = true;
    else if (name === 'FLAGS') query.flags = true;
    else if (name === 'RFC822.SIZE') query.size = true;
    else if (name === 'INTERNALDATE') query.internalDate = true;
    // fetch() asks X-GM-MSGID for emailId wherever X-GM-EXT-1 is (and EMAILID instead where OBJECTID is).
    else if (name === 'X-GM-MSGID') query.emailId = true;
    else if (name === 'X-GM-LABELS') query.labels = true;
    else if ((name === 'BODY.PEEK' || name === 'BINARY.PEEK') && token.section !== undefined) {
      binary = name === 'BINARY.PEEK';
      body = sectionQuery(query, token.section, token.partial);
      if (body === 'headers') partial = token.partial;
    } else throw new Error(`no fetch() query for ${name}`);
  }
  return { query, body, binary, ...(partial === undefined ? {} : { partial }) };
}

function sectionQuery(query: FetchQueryObject, section: Token[], partial: [number, number] | undefined): BodyField {
  const range = partial === undefined ? undefined : { start: partial[0], maxLength: partial[1] };
  if (section.length === 0) {
    query.source = range ?? true;
    return 'source';
  }
  const [part, fields] = section;
  const kind = part && !Array.isArray(part) && part.type === 'ATOM' ? part.value.toUpperCase() : '';
  if (kind === 'HEADER') query.headers = true;
  else if (kind === 'HEADER.FIELDS' && Array.isArray(fields))
    query.headers = fields.map((field) => (Array.isArray(field) ? '' : String(field.value)));
  else throw new Error(`no fetch() query for section ${kind}`);
  return 'headers';
}

/** The row of one message fetch() gave: only the items asked for, as it read them; null without a UID (news, not an answer). */
export function rowOfMessage(
  message: FetchMessageObject,
  query: FetchQueryObject,
  body: BodyField | null,
): FetchRow | null {
  if (!message.uid) return null;
  const row: FetchRow = { uid: message.uid };
  if (query.size && message.size !== undefined) row.size = message.size;
  if (query.internalDate && message.internalDate !== undefined)
    row.internalDate =
      message.internalDate instanceof Date ? message.internalDate.toISOString() : String(message.internalDate);
  if (query.flags && message.flags !== undefined) row.flags = [...message.flags];
  if (query.emailId && message.emailId !== undefined) row.gmailMessageId = message.emailId;
  // imapflow has decoded them already, as folder names.
  if (query.labels && message.labels !== undefined) row.labels = [...message.labels];
  if (body !== null) {
    // imapflow reads a NIL section as false.
    const bytes: unknown = message[body];
    if (Buffer.isBuffer(bytes)) row.body = bytes;
    else if (bytes === false || bytes === null) row.body = null;
  }
  return row;
}

/** One APPEND through append(): APPENDUID's UID when the server named one (not imapflow's guess by SEARCH); rejects as append() does. */
export async function appendPublicly(flow: ImapFlow, folder: string, message: OutgoingMessage): Promise<TaggedOk> {
  // append() drops the flags the destination's PERMANENTFLAGS leave out when that folder is open
  // read-write: with it closed, the server decides, as it does for mailshift's own APPEND.
  const open = flow.mailbox;
  if (open && open.path === normalizePath(flow, folder)) await flow.mailboxClose();
  const stored = await flow.append(folder, message.raw, message.flags, message.internalDate);
  if (!stored) throw new RefusedWithoutReason('APPEND');
  return stored.uid && stored.uidValidity
    ? { code: 'APPENDUID', args: [String(stored.uidValidity), String(stored.uid)] }
    : { code: null, args: [] };
}

/** `UID STORE <set> ±FLAGS.SILENT (<flags>)` on the open folder; refuses rather than let imapflow drop a flag PERMANENTFLAGS does not list. */
export async function storePublicly(
  flow: ImapFlow,
  set: string,
  item: string,
  flags: readonly string[],
): Promise<void> {
  const adding = item.startsWith('+');
  if (adding) {
    const dropped = flags.filter((flag) => !canUseFlag(flow.mailbox, flag));
    if (dropped.length > 0)
      throw new Error(
        `the folder's PERMANENTFLAGS do not list ${dropped.join(' ')}, and imapflow's public API would leave ${dropped.length === 1 ? 'it' : 'them'} out`,
      );
  }
  const options = { uid: true, silent: true };
  const done = adding
    ? await flow.messageFlagsAdd(set, [...flags], options)
    : await flow.messageFlagsRemove(set, [...flags], options);
  if (!done) throw new RefusedWithoutReason('UID STORE');
}

/** `UID STORE <set> +FLAGS.SILENT (\Deleted)` and, with UIDPLUS, `UID EXPUNGE <set>`: messageDelete() would send a plain EXPUNGE without it. */
export async function deletePublicly(flow: ImapFlow, set: string, expungeByUid: boolean): Promise<void> {
  if (!expungeByUid) return storePublicly(flow, set, '+FLAGS.SILENT', ['\\Deleted']);
  if (!(await flow.messageDelete(set, { uid: true }))) throw new RefusedWithoutReason('UID EXPUNGE');
}

/** CREATE through mailboxCreate(): 'exists' for its NO [ALREADYEXISTS]; any other refusal rejects. */
export async function createPublicly(flow: ImapFlow, folder: string): Promise<'created' | 'exists'> {
  return (await flow.mailboxCreate(folder)).created ? 'created' : 'exists';
}

/** SUBSCRIBE through mailboxSubscribe(). */
export async function subscribePublicly(flow: ImapFlow, folder: string): Promise<void> {
  if (!(await flow.mailboxSubscribe(folder))) throw new RefusedWithoutReason('SUBSCRIBE');
}

/** Whether list() names exactly that folder (\NonExistent entries do not count); it may reject. */
export async function folderExistsPublicly(flow: ImapFlow, folder: string): Promise<boolean> {
  const path = normalizePath(flow, folder);
  const listed = await flow.list();
  return listed.some((entry) => !entry.flags.has('\\NonExistent') && normalizePath(flow, entry.path) === path);
}
