// One direction of an IMAP session's bytes as trace lines: a line ends at CRLF, and a literal
// ({N}, {N+}, {N-}, ~{N}) is written as its size, `{N bytes}`, never its content: a trace of a big
// apply stays small, and holds no message (headers included). Nothing but the current line's text
// is kept, and only up to MAX_LINE_BYTES of it.

/** Longer lines are cut; the trace notes how many bytes were left out. */
export const MAX_LINE_BYTES = 8192;

const LITERAL_AT_END = /~?\{(\d+)([+-]?)\}$/;
/** Enough of a line's end to read its literal announcement after the line was cut. */
const TAIL_BYTES = 32;

/** `continued`: this text goes on the previous emitted line's command (after a synchronizing literal). */
export type EmitLine = (text: string, continued: boolean) => void;

/** Frames one direction's bytes into lines, literals as their size; `splitAtSyncLiteral` for the client, who waits for "+" there. */
export class TraceLines {
  private head: Buffer[] = [];
  private headBytes = 0;
  private cut = 0;
  private tail = Buffer.alloc(0);
  private line = '';
  private continued = false;
  private literalLeft = 0;
  private literalSize = 0;

  constructor(
    private readonly emit: EmitLine,
    private readonly splitAtSyncLiteral: boolean,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.literalLeft > 0) {
        const taken = Math.min(this.literalLeft, chunk.length - at);
        this.literalLeft -= taken;
        at += taken;
        if (this.literalLeft === 0) this.line += ` {${this.literalSize} bytes}`;
        continue;
      }
      const lf = chunk.indexOf(0x0a, at);
      this.keep(chunk.subarray(at, lf === -1 ? chunk.length : lf));
      if (lf === -1) return;
      at = lf + 1;
      this.endSegment();
    }
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    const room = MAX_LINE_BYTES - this.headBytes;
    if (room > 0) {
      const taken = part.subarray(0, room);
      this.head.push(Buffer.from(taken));
      this.headBytes += taken.length;
    }
    if (part.length > room) this.cut += part.length - Math.max(room, 0);
    this.tail = Buffer.concat([this.tail, part.subarray(Math.max(0, part.length - TAIL_BYTES))]).subarray(-TAIL_BYTES);
  }

  private endSegment(): void {
    const crlf = this.tail.at(-1) === 0x0d;
    const cut = this.cut - (this.cut > 0 && crlf ? 1 : 0);
    let text = Buffer.concat(this.head).toString('utf8');
    if (crlf && this.cut === 0) text = text.slice(0, -1);
    const end = this.tail.toString('latin1').replace(/\r$/, '');
    this.head = [];
    this.headBytes = 0;
    this.cut = 0;
    this.tail = Buffer.alloc(0);
    const literal = LITERAL_AT_END.exec(end);
    this.line += escapeControls(text) + (cut > 0 ? ` … (${cut} more bytes)${literal ? ` ${literal[0]}` : ''}` : '');
    if (!literal) return this.flush(false);
    this.literalSize = Number(literal[1]);
    this.literalLeft = this.literalSize;
    if (this.splitAtSyncLiteral && literal[2] === '') this.flush(true);
    if (this.literalSize === 0) this.line += ' {0 bytes}';
  }

  /** Writes the line so far; `more`: the same command goes on after the server's "+". */
  private flush(more: boolean): void {
    this.emit(this.line.replace(/^ /, ''), this.continued);
    this.line = '';
    this.continued = more;
  }
}

function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
