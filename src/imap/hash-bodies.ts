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
  /** Also hash each message as Cyrus' munge8bit stores it (8-bit header bytes as `X`), into this map, for those that have such bytes. */
  munged?: Map<number, string>;
}

/**
 * SHA-256 of the whole message (BODY.PEEK[], as stored: header and body) of each UID, by UID.
 * Read-only: EXAMINE, then one `UID FETCH <set> (UID BODY.PEEK[]<0.1048576>)` per batch, whose
 * answers are hashed one message at a time as they stream in; a message larger than a piece is
 * read on with `BODY.PEEK[]<offset.1048576>` until the server answers a short piece. So memory
 * holds one piece per connection, whatever the message or folder size. A UID missing from the
 * result was expunged meanwhile. The server may refuse EXAMINE or FETCH (IMAP_ERROR naming the folder).
 */
export async function hashBodies(
  c: ImapConnection,
  folder: string,
  uids: readonly number[],
  options: HashOptions = {},
): Promise<Map<number, string>> {
  const hashes = new Map<number, string>();
  if (uids.length === 0) return hashes;
  await examineFolder(c, folder);
  const wanted = new Set(uids);
  const strip = new Set(options.withoutMessageId ?? []);
  const finish = (uid: number, digest: BodyDigest) => {
    hashes.set(uid, digest.finish());
    const munged = digest.finishMunged();
    if (munged !== null) options.munged?.set(uid, munged);
  };
  for (const set of uidSets(uids, HASH_BATCH)) {
    const unfinished: Array<{ uid: number; digest: BodyDigest }> = [];
    await fetchPieces(c, folder, set, 0, wanted, (uid, body) => {
      const digest = new BodyDigest(strip.has(uid), options.munged !== undefined);
      digest.update(body);
      if (body.length < BODY_PIECE) finish(uid, digest);
      else unfinished.push({ uid, digest });
    });
    for (const { uid, digest } of unfinished) {
      const complete = await readRest(c, folder, uid, digest);
      if (complete) finish(uid, digest);
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
async function fetchPieces(
  c: ImapConnection,
  folder: string,
  set: string,
  offset: number,
  wanted: ReadonlySet<number>,
  take: (uid: number, body: Buffer) => void,
): Promise<void> {
  try {
    for await (const row of flowOf(c).fetch(
      set,
      { uid: true, source: { start: offset, maxLength: BODY_PIECE } },
      { uid: true },
    )) {
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
  readonly #munged: MungedHeaderDigest | null;
  #inHeader: boolean;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #lineStart = true;
  #dropping = false;

  constructor(withoutMessageId: boolean, munged: boolean) {
    this.#inHeader = withoutMessageId;
    this.#munged = munged ? new MungedHeaderDigest() : null;
  }

  update(piece: Buffer): void {
    let rest = piece;
    while (this.#inHeader && rest.length > 0) {
      const newline = rest.indexOf(0x0a);
      const part = newline === -1 ? rest : rest.subarray(0, newline + 1);
      rest = rest.subarray(part.length);
      this.#headerBytes(part, newline !== -1);
    }
    if (rest.length > 0) this.#emit(rest);
  }

  finish(): string {
    if (this.#pending.length > 0) this.#decide(false);
    return this.#hash.digest('hex');
  }

  /** After finish(): the munged variant's hash, or null when not asked for or no header byte was 8-bit. */
  finishMunged(): string | null {
    return this.#munged?.finish() ?? null;
  }

  #emit(bytes: Buffer): void {
    this.#hash.update(bytes);
    this.#munged?.update(bytes);
  }

  #headerBytes(part: Buffer, endsLine: boolean): void {
    if (!this.#lineStart) {
      if (!this.#dropping) this.#emit(part);
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
    if (!this.#dropping || !this.#inHeader) this.#emit(line);
  }
}

/**
 * SHA-256 of a message with every 8-bit byte of its header section replaced by `X`, as Cyrus
 * stores headers with `munge8bit` (on by default): what tells verify why such a copy differs.
 */
class MungedHeaderDigest {
  readonly #hash = createHash('sha256');
  /** The header ends at the first empty line: LF seen, then CR LF or LF. */
  #afterNewline = false;
  #afterNewlineCr = false;
  #inHeader = true;
  #eightBit = false;

  update(bytes: Buffer): void {
    if (!this.#inHeader) {
      this.#hash.update(bytes);
      return;
    }
    let end = bytes.length;
    let copy: Buffer | null = null;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) {
        copy ??= Buffer.from(bytes);
        copy[i] = 0x58;
        this.#eightBit = true;
      }
      if (byte === 0x0a) {
        if (this.#afterNewline) {
          end = i + 1;
          this.#inHeader = false;
          break;
        }
        this.#afterNewline = true;
        this.#afterNewlineCr = false;
      } else if (byte === 0x0d && this.#afterNewline && !this.#afterNewlineCr) {
        this.#afterNewlineCr = true;
      } else {
        this.#afterNewline = false;
        this.#afterNewlineCr = false;
      }
    }
    this.#hash.update((copy ?? bytes).subarray(0, end));
    if (end < bytes.length) this.#hash.update(bytes.subarray(end));
  }

  finish(): string | null {
    const digest = this.#hash.digest('hex');
    return this.#eightBit ? digest : null;
  }
}
