import { appendCommand, type OutgoingMessage } from './append-command.ts';
import { hasCapability } from './capabilities.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { storableFlags } from './storable-flags.ts';

/** A message to store: its bytes exactly as read, with the flags and INTERNALDATE it had. */
export interface AppendItem {
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

/**
 * Per message: the UID it got and the folder's UIDVALIDITY that UID belongs to (both null when the
 * server does not say: no UIDPLUS), or why it was not stored.
 */
export type AppendResult = { uid: number; uidValidity: number } | { uid: null } | { error: string };

/** Bounds of one MULTIAPPEND: bigger batches save little more, and a refused batch is sent again message by message. */
export const APPEND_BATCH = { messages: 100, bytes: 8 * 1024 * 1024 };

/** Whether the server takes several messages in one APPEND (RFC 3502), as it said at login. */
export function supportsMultiappend(connection: ImapConnection): boolean {
  return hasCapability(connection, 'MULTIAPPEND');
}

// With MULTIAPPEND one APPEND per batch (APPEND_BATCH), otherwise one per message. A batch the
// server refuses stored nothing (RFC 3502 makes it atomic) and is sent again message by message, so
// only the refused message fails. Refused here without asking: a flag no server can store, a
// message over the server's APPENDLIMIT, an invalid date. The results hold no message content.

/** APPEND, in order: a UID per message (APPENDUID), or the server's NO for that message ([TOOBIG], [LIMIT], [CANNOT]…); throws for the folder (NO [TRYCREATE], no right) or CONNECTION_LOST (the batch in flight may or may not be stored). */
export async function appendMessages(connection: ImapConnection, folder: string, items: readonly AppendItem[]): Promise<AppendResult[]> {
  const results: AppendResult[] = new Array(items.length);
  const outgoing: Array<{ index: number; message: OutgoingMessage }> = [];
  const limit = appendLimit(connection);
  items.forEach((item, index) => {
    const prepared = prepare(item, limit);
    if ('error' in prepared) results[index] = prepared;
    else outgoing.push({ index, message: prepared });
  });
  const batches = supportsMultiappend(connection) ? batchesOf(outgoing) : outgoing.map((entry) => [entry]);
  for (const batch of batches) {
    const outcome = await appendCommand(connection, folder, batch.map((entry) => entry.message));
    if ('uids' in outcome) {
      batch.forEach((entry, i) => { results[entry.index] = stored(outcome, i); });
    } else if (batch.length === 1) {
      results[batch[0]!.index] = { error: outcome.refused };
    } else {
      for (const entry of batch) {
        const single = await appendCommand(connection, folder, [entry.message]);
        results[entry.index] = 'uids' in single ? stored(single, 0) : { error: single.refused };
      }
    }
  }
  return results;
}

/** The result for the index-th message of an APPEND the server took. */
function stored(outcome: { uids: Array<number | null>; uidValidity: number | null }, index: number): AppendResult {
  const uid = outcome.uids[index] ?? null;
  return uid !== null && outcome.uidValidity !== null ? { uid, uidValidity: outcome.uidValidity } : { uid: null };
}

function prepare(item: AppendItem, limit: number | null): OutgoingMessage | { error: string } {
  const flags = storableFlags(item.flags);
  if ('invalid' in flags) return { error: `flag ${JSON.stringify(flags.invalid)} cannot be stored over IMAP (not a system flag, or not a valid keyword)` };
  if (Number.isNaN(item.internalDate.getTime())) return { error: 'the message has no valid INTERNALDATE to store' };
  if (limit !== null && item.raw.length > limit) return { error: `TOOBIG the message (${item.raw.length} bytes) is larger than the server's APPENDLIMIT of ${limit} bytes` };
  return { raw: item.raw, flags: flags.flags, internalDate: item.internalDate };
}

/** The account-wide APPENDLIMIT (RFC 7889), or null when none was advertised. */
function appendLimit(connection: ImapConnection): number | null {
  const limit = flowOf(connection).capabilities.get('APPENDLIMIT');
  return typeof limit === 'number' && limit > 0 ? limit : null;
}

/** Consecutive runs within APPEND_BATCH; a message over the byte bound goes alone. */
function batchesOf<T extends { message: OutgoingMessage }>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.message.raw.length;
    if (current.length > 0 && (current.length >= APPEND_BATCH.messages || bytes + size > APPEND_BATCH.bytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
