import type { ImapFlow } from 'imapflow';
import type { TracedSession } from '../protocol-trace.ts';
import { usesInternals } from './internals.ts';

// Where a protocol trace sees a session's real bytes. Everything the client sends, imapflow's own
// commands and continuations as well as mailshift's (literal-plus.ts), goes through the client's
// write(), which adds the closing CRLF itself: what it wrote is told by the public byte counter,
// stats().sent. Everything the server sends reaches imapflow's response stream (`streamer`) by a
// write() from the socket, or from the inflater under COMPRESS=DEFLATE, so the trace reads the
// protocol, not deflated bytes; this sits in front of stream-takeover.ts's framing. Both members
// are imapflow's private ones (internals.ts): where they are not used, the trace says so instead
// of guessing.

interface TappableFlow {
  write(chunk: string | Buffer): unknown;
  streamer: { write(chunk: unknown, ...rest: unknown[]): boolean };
}

const CRLF = Buffer.from('\r\n');

/** Copies the session's bytes, both ways, into `session` (installed before connect(), so the greeting is in it). */
export function tapWire(flow: ImapFlow, session: TracedSession): void {
  if (!usesInternals(flow)) throw new Error("wire-tap needs imapflow's internals: logged-trace.ts traces this client");
  const internal = flow as unknown as TappableFlow;
  const write = internal.write;
  internal.write = function (this: TappableFlow, chunk: string | Buffer) {
    const before = flow.stats().sent;
    try {
      return write.call(this, chunk);
    } finally {
      const sent = flow.stats().sent - before;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'binary') : chunk;
      if (sent > 0) session.client(sent >= bytes.length ? bytes : bytes.subarray(0, sent));
      if (sent > bytes.length) session.client(CRLF);
    }
  };
  const streamer = internal.streamer;
  const read = streamer.write;
  streamer.write = function (chunk: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(chunk)) session.server(chunk);
    return read.call(this, chunk, ...rest);
  };
  flow.on('close', () => session.note('closed'));
}
