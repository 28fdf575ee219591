// Splits the bytes a server sends into whole responses, each a line with its literals, framed as
// imapflow's ImapStream frames them: the payload is the response's lines joined (a line that
// announces a literal keeps its `{n}\r\n`, the last line loses its line break) and the literals
// come apart, in order. stream-takeover.ts reads the bulk FETCH answers with it, synchronously,
// where imapflow's stream passes each response through a promise and copies every literal.

/** One whole response: imapflow's shape, so the same readers take either. */
export interface Framed {
  payload: Buffer;
  literals: Buffer[];
  /** Whether more bytes of the chunk follow the response's last line. */
  trailingAfterLine: boolean;
}

/** The sizes beyond which the framer stops and hands the bytes to a reader that enforces them. */
export interface FramerLimits {
  line: number;
  literal: number;
  response: number;
}

const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export class ResponseFramer {
  /** Every byte of the response being read (subarrays of the chunks): what is handed over unread. */
  #raw: Buffer[] = [];
  #lineParts: Buffer[] = [];
  #lineBytes = 0;
  #lines: Buffer[] = [];
  #literals: Buffer[] = [];
  #literalParts: Buffer[] = [];
  /** Bytes of the current literal still to come; -1 while reading a line. */
  #literalLeft = -1;
  #responseBytes = 0;

  constructor(private readonly limits: FramerLimits) {}

  /** Whether no response is half read. */
  get clean(): boolean {
    return this.#raw.length === 0;
  }

  /**
   * Reads the chunk, handing each whole response to onResponse as soon as its last byte is in.
   * Returns the offset where it stopped: the chunk's length, or the start of a response past a
   * limit (with that response's earlier bytes left for takeUnfinished()), which it does not read.
   */
  push(chunk: Buffer, onResponse: (response: Framed) => void): number {
    let at = 0;
    while (at < chunk.length) {
      if (this.#literalLeft >= 0) {
        const take = Math.min(this.#literalLeft, chunk.length - at);
        const part = chunk.subarray(at, at + take);
        this.#raw.push(part);
        this.#literalParts.push(part);
        this.#literalLeft -= take;
        at += take;
        if (this.#literalLeft === 0) {
          this.#literals.push(
            this.#literalParts.length === 1 ? this.#literalParts[0]! : Buffer.concat(this.#literalParts),
          );
          this.#literalParts = [];
          this.#literalLeft = -1;
        }
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      const end = lf === -1 ? chunk.length : lf + 1;
      const part = chunk.subarray(at, end);
      this.#lineBytes += part.length;
      if (this.#lineBytes > this.limits.line || this.#responseBytes + this.#lineBytes > this.limits.response) return at;
      this.#raw.push(part);
      this.#lineParts.push(part);
      at = end;
      if (lf === -1) break;
      const line = this.#lineParts.length === 1 ? this.#lineParts[0]! : Buffer.concat(this.#lineParts);
      this.#lineParts = [];
      this.#responseBytes += this.#lineBytes;
      this.#lineBytes = 0;
      const literal = literalAnnounced(line);
      if (literal === null) {
        this.#finish(line, at < chunk.length, onResponse);
        continue;
      }
      // The marker line is kept with the rest of the response; the literal is left in the chunk.
      if (literal > this.limits.literal || this.#responseBytes + literal > this.limits.response) return at;
      this.#lines.push(line);
      this.#responseBytes += literal;
      this.#literalLeft = literal;
      if (literal === 0) {
        this.#literals.push(Buffer.alloc(0));
        this.#literalLeft = -1;
      }
    }
    return at;
  }

  /** The bytes of the half-read response, forgotten here: for another reader to start from. */
  takeUnfinished(): Buffer[] {
    const raw = this.#raw;
    this.#reset();
    return raw;
  }

  #finish(lastLine: Buffer, trailingAfterLine: boolean, onResponse: (response: Framed) => void): void {
    let end = lastLine.length - 1;
    if (end > 0 && lastLine[end - 1] === CR) end--;
    const last = lastLine.subarray(0, end);
    const payload = this.#lines.length === 0 ? last : Buffer.concat([...this.#lines, last]);
    const literals = this.#literals;
    this.#reset();
    // imapflow passes an empty line over; so does this.
    if (payload.length > 0) onResponse({ payload, literals, trailingAfterLine });
  }

  #reset(): void {
    this.#raw = [];
    this.#lineParts = [];
    this.#lineBytes = 0;
    this.#lines = [];
    this.#literals = [];
    this.#literalParts = [];
    this.#literalLeft = -1;
    this.#responseBytes = 0;
  }
}

/** The size a line announces with a closing `{n}` (before its line break), or null; absurd sizes read as Infinity. */
export function literalAnnounced(line: Buffer): number | null {
  let at = line.length - 1;
  if (at < 0 || line[at] !== LF) return null;
  at--;
  if (at >= 0 && line[at] === CR) at--;
  if (at <= 0 || line[at] !== CLOSE_BRACE) return null;
  const digitsEnd = at;
  at--;
  while (at >= 0 && line[at]! >= 0x30 && line[at]! <= 0x39) at--;
  if (at < 0 || line[at] !== OPEN_BRACE || digitsEnd - at - 1 === 0) return null;
  // Leading zeros are allowed; a number too long to be exact is beyond every limit anyway.
  return digitsEnd - at - 1 > 15 ? Number.POSITIVE_INFINITY : Number(line.toString('latin1', at + 1, digitsEnd));
}
