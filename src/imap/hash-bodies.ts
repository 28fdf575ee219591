import { createHash } from 'node:crypto';
import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import { examineFolder } from './examine.ts';
import { uidSets } from './uid-set.ts';

/** Bytes of one message per answer: a larger message is read on in pieces this size, one message at a time. */
export const BODY_PIECE = 1024 * 1024;
/** Messages per UID FETCH. */
const HASH_BATCH = 500;
/** Enough of a header line to tell its field name. */
const FIELD_NAME_BYTES = 256;

export interface HashOptions {
  /** UIDs hashed with their Message-ID header fields left out (copies that got theirs from addMessageId). */
  withoutMessageId?: readonly number[];
}

/**
 * SHA-256 of the whole message (BODY.PEEK[], as stored: header and body) of each UID, by UID.
 * Read-only: EXAMINE, then one `UID FETCH <set> (UID BODY.PEEK[]<0.1048576>)` per batch, whose
 * answers are hashed one message at a time as they stream in; a message larger than a piece is
 * read on with `BODY.PEEK[]<offset.1048576>` until the server answers a short piece. So memory
 * holds one piece per connection, whatever the message or folder size. A UID missing from the
 * result was expunged meanwhile. The server may refuse EXAMINE or FETCH (IMAP_ERROR naming the folder).
 */
export async function hashBodies(c: ImapConnection, folder: string, uids: readonly number[], options: HashOptions = {}): Promise<Map<number, string>> {
  const hashes = new Map<number, string>();
  if (uids.length === 0) return hashes;
  await examineFolder(c, folder);
  const wanted = new Set(uids);
  const strip = new Set(options.withoutMessageId ?? []);
  for (const set of uidSets(uids, HASH_BATCH)) {
    const unfinished: Array<{ uid: number; digest: BodyDigest }> = [];
    await fetchPieces(c, folder, set, 0, wanted, (uid, body) => {
      const digest = new BodyDigest(strip.has(uid));
      digest.update(body);
      if (body.length < BODY_PIECE) hashes.set(uid, digest.finish());
      else unfinished.push({ uid, digest });
    });
    for (const { uid, digest } of unfinished) {
      const complete = await readRest(c, folder, uid, digest);
      if (complete) hashes.set(uid, digest.finish());
    }
  }
  return hashes;
}

/** Reads a large message on, piece by piece, into its digest; false when it vanished meanwhile. */
async function readRest(c: ImapConnection, folder: string, uid: number, digest: BodyDigest): Promise<boolean> {
  for (let offset = BODY_PIECE; ; offset += BODY_PIECE) {
    let length = -1;
    await fetchPieces(c, folder, String(uid), offset, new Set([uid]), (_uid, body) => {
      digest.update(body);
      length = body.length;
    });
    if (length === -1) return false;
    if (length < BODY_PIECE) return true;
  }
}

/**
 * One UID FETCH of a piece of each message of a set, handing each piece over as it arrives.
 * Rows without a body (unsolicited FLAGS updates from other sessions) are not pieces; a NIL
 * body (past the end of the message) is an empty one.
 */
async function fetchPieces(c: ImapConnection, folder: string, set: string, offset: number, wanted: ReadonlySet<number>, take: (uid: number, body: Buffer) => void): Promise<void> {
  try {
    for await (const row of flowOf(c).fetch(set, { uid: true, source: { start: offset, maxLength: BODY_PIECE } }, { uid: true })) {
      if (row.uid === undefined || !wanted.has(row.uid) || !('source' in row)) continue;
      take(row.uid, row.source ?? Buffer.alloc(0));
    }
  } catch (error) {
    throw commandFailure(error, c, 'UID FETCH', folder);
  }
}

/**
 * SHA-256 of a message fed in pieces. When told to, it leaves the header section's Message-ID
 * fields (with their folded continuation lines) out, deciding each header line from its first
 * bytes, so it never holds more than a piece and a line start.
 */
class BodyDigest {
  readonly #hash = createHash('sha256');
  #inHeader: boolean;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #lineStart = true;
  #dropping = false;

  constructor(withoutMessageId: boolean) {
    this.#inHeader = withoutMessageId;
  }

  update(piece: Buffer): void {
    let rest = piece;
    while (this.#inHeader && rest.length > 0) {
      const newline = rest.indexOf(0x0a);
      const part = newline === -1 ? rest : rest.subarray(0, newline + 1);
      rest = rest.subarray(part.length);
      this.#headerBytes(part, newline !== -1);
    }
    if (rest.length > 0) this.#hash.update(rest);
  }

  finish(): string {
    if (this.#pending.length > 0) this.#decide(false);
    return this.#hash.digest('hex');
  }

  #headerBytes(part: Buffer, endsLine: boolean): void {
    if (!this.#lineStart) {
      if (!this.#dropping) this.#hash.update(part);
    } else {
      this.#pending.push(part);
      this.#pendingBytes += part.length;
      if (endsLine || this.#pendingBytes >= FIELD_NAME_BYTES) this.#decide(endsLine);
    }
    if (endsLine) this.#lineStart = true;
  }

  /** Whether the line in #pending ends the header, continues the last field, or starts a field (dropped if Message-ID). */
  #decide(endsLine: boolean): void {
    const line = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#lineStart = false;
    const text = line.toString('latin1', 0, FIELD_NAME_BYTES);
    if (endsLine && (text === '\r\n' || text === '\n')) this.#inHeader = false;
    else if (text[0] !== ' ' && text[0] !== '\t') this.#dropping = /^message-id[ \t]*:/i.test(text);
    if (!this.#dropping || !this.#inHeader) this.#hash.update(line);
  }
}
