import type { ImapFlow } from 'imapflow';
import { usesInternals } from './internals.ts';
import { ResponseFramer, type Framed } from './response-framer.ts';

// imapflow frames what the server sends in its ImapStream (a Transform stream): each response is
// pushed as an object, and the next is framed only once the connection's reader has handled it,
// a promise round trip per response, with every literal copied together from the socket's chunks.
// While a bulk FETCH runs, its connection's input is framed here instead, synchronously:
// the answers the FETCH claims are read on the spot, everything else (the tagged completion,
// untagged news) goes into imapflow's stream as the very object its own framing would push.
//
// The framing changes hands only where no response is half read: imapflow's stream must be idle
// (nothing queued, nothing buffered) to be taken over, and gets the input back, from the start of
// any half-read response, once the FETCH is over or a response is past imapflow's size limits
// (imapflow then fails it as it always would). What this relies on of imapflow's stream is
// checked with the rest in internals.ts; where it is not there, imapflow keeps framing.

interface ImapStreamInternals {
  _transform(chunk: Buffer, encoding: BufferEncoding, next: (error?: Error | null) => void): void;
  push(item: unknown): boolean;
  destroyed: boolean;
  processingInput: boolean;
  inputQueue: unknown[];
  state: number;
  lineBuffer: unknown[];
  inputBuffer: unknown[];
  literals: unknown[];
  literalBuffer: unknown[];
  pendingPush: unknown;
  readBytesCounter: number;
  maxLineLength: number;
  maxLiteralSize: number;
  maxResponseSize: number;
}

/** ImapStream's state while it reads a line (not a literal). */
const READING_LINE = 0x01;

/** Per connection with the takeover installed: how many responses were framed here. */
const framedHere = new WeakMap<ImapFlow, number>();

/**
 * While `active()` holds, frame the connection's input here and offer each response to `claim`
 * (true: taken); the rest goes on to imapflow. Installed once per connection; false where
 * imapflow's stream is not the one this knows (imapflow then frames everything, as before).
 */
export function frameWhileActive(flow: ImapFlow, active: () => boolean, claim: (response: Framed) => boolean): boolean {
  if (!usesInternals(flow)) return false;
  const streamer = streamOf(flow);
  if (framedHere.has(flow)) return true;
  framedHere.set(flow, 0);
  const original = streamer._transform;
  // Read live: setAnswerLimits changes them between commands.
  const framer = new ResponseFramer({
    get line() {
      return streamer.maxLineLength;
    },
    get literal() {
      return streamer.maxLiteralSize;
    },
    get response() {
      return streamer.maxResponseSize;
    },
  });
  let owning = false;
  const handBack = (rest: Buffer, encoding: BufferEncoding, next: (error?: Error | null) => void) => {
    owning = false;
    const unfinished = framer.takeUnfinished();
    if (unfinished.length === 0) return original.call(streamer, rest, encoding, next);
    // imapflow counts the bytes it is given; these were counted here already.
    streamer.readBytesCounter -= unfinished.reduce((sum, part) => sum + part.length, 0);
    return original.call(streamer, Buffer.concat([...unfinished, rest]), encoding, next);
  };
  const forward = (response: Framed) => {
    framedHere.set(flow, framedHere.get(flow)! + 1);
    if (claim(response) || streamer.destroyed) return;
    // imapflow's reader releases each item through `next` once handled: nothing waits on it here.
    streamer.push({ ...response, next: () => {} });
  };
  streamer._transform = (chunk, encoding, next) => {
    if (!owning) {
      if (!active() || !isIdle(streamer)) return original.call(streamer, chunk, encoding, next);
      owning = true;
    }
    if (!active() || streamer.destroyed || !Buffer.isBuffer(chunk)) return handBack(chunk, encoding, next);
    streamer.readBytesCounter += chunk.length;
    try {
      const stopped = framer.push(chunk, forward);
      if (stopped < chunk.length) return handBack(chunk.subarray(stopped), encoding, next);
    } catch (error) {
      return next(error as Error);
    }
    next();
  };
  return true;
}

/**
 * Sets the largest literal and response imapflow's stream (and the framing here) accepts from now
 * on; false where the stream is not the one this knows (its limits then stay as constructed).
 */
export function setAnswerLimits(flow: ImapFlow, limits: { literal: number; response: number }): boolean {
  if (!usesInternals(flow)) return false;
  const streamer = streamOf(flow);
  streamer.maxLiteralSize = limits.literal;
  streamer.maxResponseSize = limits.response;
  return true;
}

function streamOf(flow: ImapFlow): ImapStreamInternals {
  return (flow as unknown as { streamer: ImapStreamInternals }).streamer;
}

/** Whether imapflow's stream has nothing queued and no response half framed. */
function isIdle(streamer: ImapStreamInternals): boolean {
  return (
    !streamer.destroyed &&
    !streamer.processingInput &&
    streamer.inputQueue.length === 0 &&
    streamer.state === READING_LINE &&
    streamer.lineBuffer.length === 0 &&
    streamer.inputBuffer.length === 0 &&
    streamer.literals.length === 0 &&
    streamer.literalBuffer.length === 0 &&
    streamer.pendingPush === null
  );
}

/** How many of the connection's responses were framed here (0 where it never took over): for tests and diagnostics. */
export function responsesFramedHere(flow: ImapFlow): number {
  return framedHere.get(flow) ?? 0;
}
