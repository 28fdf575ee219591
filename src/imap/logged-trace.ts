import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { TracedSession } from './protocol-trace.ts';

// A protocol trace for a client on imapflow's public API (wire/internals.ts), where wire-tap.ts
// cannot sit on the socket: imapflow's documented raw log (logRaw) gives the same bytes, base64 in
// `data`, `src` 'c' for what the client wrote (before COMPRESS) and 's' for what the server sent
// (after it). imapflow writes a placeholder for the login's own bytes, which the trace redacts anyway.

interface RawEntry {
  src?: unknown;
  data?: unknown;
}

/** The client options that send this session's bytes into `session`; `base` keeps the client's other log levels. */
export function loggedTraceOptions(
  session: TracedSession,
  base: ImapFlowOptions['logger'] = false,
): Pick<ImapFlowOptions, 'logger' | 'logRaw'> {
  const ignore = () => undefined;
  const trace = (entry: RawEntry) => {
    if (typeof entry?.data !== 'string') return;
    if (entry.src === 'c') session.client(Buffer.from(entry.data, 'base64'));
    else if (entry.src === 's') session.server(Buffer.from(entry.data, 'base64'));
  };
  const levels = base || { debug: ignore, info: ignore, warn: ignore, error: ignore };
  return { logRaw: true, logger: { ...levels, trace } };
}

/** Notes the session's end in the trace, as wire-tap.ts does. */
export function noteClose(flow: ImapFlow, session: TracedSession): void {
  flow.on('close', () => session.note('closed'));
}
