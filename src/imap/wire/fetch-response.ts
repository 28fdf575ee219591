// One untagged FETCH answer ("* 12 FETCH (UID 40 FLAGS (\Seen) BODY[] {2048}\r\n)"), read straight
// from the bytes imapflow's stream framed: the line with its literal markers, and the literals in
// order. imapflow's general parser builds a token tree, converts every key back to text and copies
// each literal; for the bulk FETCHes of plan and apply that was the larger part of their CPU time.
// What this reader does not recognise it leaves alone (null), and imapflow's parser takes the line.
import { MalformedAnswer } from '../malformed-answer.ts';

/** The data items mailshift asks for, as one message's answer carries them. */
export interface FetchRow {
  uid: number;
  /** RFC822.SIZE */
  size?: number;
  /** INTERNALDATE as the server wrote it. */
  internalDate?: string;
  flags?: string[];
  /** The one BODY[...] (or BINARY[...]) section asked for; null for NIL. */
  body?: Buffer | null;
  /** X-GM-MSGID (Gmail's X-GM-EXT-1): the message's id across all its label folders, a 64-bit number in decimal. */
  gmailMessageId?: string;
  /**
   * X-GM-LABELS: the message's labels, each an astring as the server wrote it (modified UTF-7
   * unless UTF8=ACCEPT; system labels start with a backslash, "\\Inbox"). uidFetch decodes them
   * as imapflow decodes folder names before a row leaves it.
   */
  labels?: string[];
}

/** A parsed value: an atom (numbers too), the bytes of a quoted string or literal, NIL, a list. */
export type FetchValue = string | Buffer | null | FetchValue[];

const SPACE = 0x20;
const QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const BACKSLASH = 0x5c;
const OPEN_SECTION = 0x5b;
const CLOSE_SECTION = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TILDE = 0x7e;
const CR = 0x0d;
const LF = 0x0a;
const LESS = 0x3c;
const GREATER = 0x3e;
const FETCH = Buffer.from(' FETCH (');

/** A syntax this reader does not take: imapflow's parser gets the line instead. */
class Unreadable extends Error {}

/** The largest UID there can be (RFC 3501: nz-number, 32 bits). */
export const MAX_UID = 4294967295;

/** X-GM-MSGID is an unsigned 64-bit number. */
const MAX_GMAIL_ID = 18446744073709551615n;

/** Whether the line is an untagged FETCH ("* <n> FETCH ("): the only lines worth trying here. */
export function isFetchLine(payload: Buffer): boolean {
  if (payload[0] !== 0x2a || payload[1] !== SPACE) return false;
  let at = 2;
  while (at < payload.length && isDigit(payload[at]!)) at++;
  return at > 2 && startsWithIgnoringCase(payload, at, FETCH);
}

/** The row of a FETCH line with a UID; null for anything else (another line, no UID, a shape this reader does not know). */
export function readFetchRow(payload: Buffer, literals: readonly Buffer[]): FetchRow | null {
  if (!isFetchLine(payload)) return null;
  try {
    const items = new Reader(payload, literals).items(payload.indexOf(0x28) + 1);
    return rowOf(items);
  } catch (error) {
    if (error instanceof Unreadable) return null;
    throw error;
  }
}

/** Adds one item of a row; an item named twice is malformed (which one would be true?). */
export function addItem(items: Map<string, FetchValue>, name: string, value: FetchValue): void {
  if (items.has(name)) throw new MalformedAnswer(`names ${name} twice`);
  items.set(name, value);
}

/**
 * The row from item names (upper case, sections kept: "BODY[HEADER.FIELDS (MESSAGE-ID)]") and
 * values; null without a UID (news about a message, not an answer); MalformedAnswer for values no
 * correct server sends.
 */
export function rowOf(items: ReadonlyMap<string, FetchValue>): FetchRow | null {
  if (!items.has('UID')) return null;
  const uid = wholeNumber(items.get('UID'));
  if (uid === null || uid === 0 || uid > MAX_UID)
    throw new MalformedAnswer(`gives UID ${describe(items.get('UID'))}, which no message can have (1 to ${MAX_UID})`);
  const row: FetchRow = { uid };
  const wrong = (name: string, value: FetchValue | undefined) =>
    new MalformedAnswer(`of UID ${uid} gives ${name} as ${describe(value)}`);
  for (const [name, value] of items) {
    if (name === 'RFC822.SIZE') {
      const size = wholeNumber(value);
      if (size === null) throw wrong(name, value);
      row.size = size;
    } else if (name === 'INTERNALDATE') {
      if (!Buffer.isBuffer(value)) throw wrong(name, value);
      row.internalDate = value.toString('utf8');
    } else if (name === 'FLAGS') {
      if (!Array.isArray(value) || !value.every((flag) => typeof flag === 'string')) throw wrong(name, value);
      row.flags = value as string[];
    } else if (name === 'X-GM-MSGID') {
      if (typeof value !== 'string' || !/^\d{1,20}$/.test(value) || BigInt(value) > MAX_GMAIL_ID)
        throw wrong(name, value);
      row.gmailMessageId = value;
    } else if (name === 'X-GM-LABELS') {
      // A message without labels is answered "()"; NIL is taken to say the same.
      const labels = value === null ? [] : value;
      if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string' || Buffer.isBuffer(label)))
        throw wrong(name, value);
      row.labels = labels.map((label) => (Buffer.isBuffer(label) ? label.toString('utf8') : (label as string)));
    } else if (name.startsWith('BODY[') || name.startsWith('BINARY[')) {
      if (value !== null && !Buffer.isBuffer(value)) throw wrong(name, value);
      if (row.body !== undefined) throw new MalformedAnswer(`of UID ${uid} gives two body sections`);
      row.body = value;
    }
  }
  return row;
}

/** A value as an error message shows it: short, printable. */
function describe(value: FetchValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'NIL';
  if (Array.isArray(value)) return 'a list';
  const text = Buffer.isBuffer(value) ? `"${value.toString('latin1')}"` : value;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function wholeNumber(value: FetchValue | undefined): number | null {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

class Reader {
  private at = 0;
  private literal = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly literals: readonly Buffer[],
  ) {}

  /** `name value name value ...)` up to the closing parenthesis, which must end the line. */
  items(start: number): Map<string, FetchValue> {
    this.at = start;
    const items = new Map<string, FetchValue>();
    if (this.peek() === CLOSE) {
      this.at++;
      return this.end(items);
    }
    for (;;) {
      const name = this.name();
      this.expect(SPACE);
      addItem(items, name, this.value());
      const next = this.take();
      if (next === CLOSE) return this.end(items);
      if (next !== SPACE) throw new Unreadable();
    }
  }

  private end(items: Map<string, FetchValue>): Map<string, FetchValue> {
    while (this.peek() === SPACE) this.at++;
    // Every byte read, every literal used: anything else is a line this reader misunderstood.
    if (this.at !== this.bytes.length || this.literal !== this.literals.length) throw new Unreadable();
    return items;
  }

  /** An item name: an atom, with a [section] (which may hold spaces and parentheses) and a <partial> origin. */
  private name(): string {
    const start = this.at;
    while (this.at < this.bytes.length) {
      const byte = this.bytes[this.at]!;
      if (byte === OPEN_SECTION) {
        const close = this.bytes.indexOf(CLOSE_SECTION, this.at);
        if (close === -1) throw new Unreadable();
        this.at = close + 1;
        if (this.peek() === LESS) {
          const greater = this.bytes.indexOf(GREATER, this.at);
          if (greater === -1) throw new Unreadable();
          this.at = greater + 1;
        }
        break;
      }
      if (byte === SPACE || byte === OPEN || byte === CLOSE || byte === QUOTE || byte === OPEN_BRACE || byte < SPACE)
        break;
      this.at++;
    }
    if (this.at === start) throw new Unreadable();
    return this.bytes.toString('latin1', start, this.at).toUpperCase();
  }

  private value(): FetchValue {
    const byte = this.peek();
    if (byte === OPEN) return this.list();
    if (byte === QUOTE) return this.quoted();
    if (byte === OPEN_BRACE || (byte === TILDE && this.bytes[this.at + 1] === OPEN_BRACE)) return this.literalValue();
    const atom = this.atom();
    return atom.toUpperCase() === 'NIL' ? null : atom;
  }

  private list(): FetchValue[] {
    this.expect(OPEN);
    const values: FetchValue[] = [];
    if (this.peek() === CLOSE) {
      this.at++;
      return values;
    }
    for (;;) {
      values.push(this.value());
      const next = this.take();
      if (next === CLOSE) return values;
      if (next !== SPACE) throw new Unreadable();
    }
  }

  private atom(): string {
    const start = this.at;
    while (this.at < this.bytes.length) {
      const byte = this.bytes[this.at]!;
      if (
        byte === SPACE ||
        byte === OPEN ||
        byte === CLOSE ||
        byte === QUOTE ||
        byte === OPEN_BRACE ||
        byte === OPEN_SECTION ||
        byte === CLOSE_SECTION ||
        byte < SPACE ||
        byte > 0x7e
      )
        break;
      this.at++;
    }
    if (this.at === start) throw new Unreadable();
    return this.bytes.toString('latin1', start, this.at);
  }

  private quoted(): Buffer {
    this.expect(QUOTE);
    const parts: Buffer[] = [];
    let start = this.at;
    for (;;) {
      if (this.at >= this.bytes.length) throw new Unreadable();
      const byte = this.bytes[this.at]!;
      if (byte === CR || byte === LF) throw new Unreadable();
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        parts.push(this.bytes.subarray(start, this.at));
        start = this.at + 1;
        this.at += 2;
        continue;
      }
      this.at++;
    }
    parts.push(this.bytes.subarray(start, this.at));
    this.at++;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** `{n}` or `~{n}` then the line break: the next literal of the response, which must be n bytes. */
  private literalValue(): Buffer {
    if (this.peek() === TILDE) this.at++;
    this.expect(OPEN_BRACE);
    const start = this.at;
    while (isDigit(this.peek())) this.at++;
    if (this.at === start || this.at - start > 15) throw new Unreadable();
    const length = Number(this.bytes.toString('latin1', start, this.at));
    this.expect(CLOSE_BRACE);
    if (this.peek() === CR) this.at++;
    this.expect(LF);
    const value = this.literals[this.literal++];
    if (value === undefined || value.length !== length) throw new Unreadable();
    return value;
  }

  private peek(): number {
    return this.at < this.bytes.length ? this.bytes[this.at]! : -1;
  }

  private take(): number {
    const byte = this.peek();
    this.at++;
    return byte;
  }

  private expect(byte: number): void {
    if (this.take() !== byte) throw new Unreadable();
  }
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function startsWithIgnoringCase(bytes: Buffer, at: number, expected: Buffer): boolean {
  if (bytes.length < at + expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const byte = bytes[at + i]!;
    const lower = byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte;
    if (lower !== expected[i]) return false;
  }
  return true;
}
