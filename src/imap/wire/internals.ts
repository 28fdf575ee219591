import type { ImapFlow } from 'imapflow';

// The wire layer reaches into imapflow (2.10) where its public API falls short: MULTIAPPEND,
// LITERAL+ for every literal, STORE and SUBSCRIBE failures it swallows, flags it drops, a FETCH row
// reader and framing that save most of the CPU of a bulk read. These are every private member it
// uses, checked on each client before it connects. Where one is missing (another imapflow), or
// MAILSHIFT_WIRE=imapflow says so, that client goes through imapflow's public API instead
// (public-commands.ts): the same answers, without the pipelining and the fast reader.

/** What a member must be: a method, an array, a Map, a number, or just there (false at first, set later). */
type Kind = 'function' | 'array' | 'map' | 'number' | 'object' | 'present';

/** The client's private members, with the file that relies on each. */
const CLIENT_MEMBERS: Record<string, Kind> = {
  exec: 'function', // exec.ts: every command mailshift writes itself
  send: 'function', // literal-plus.ts, append-pipeline.ts
  write: 'function', // literal-plus.ts, append-pipeline.ts, wire-tap.ts
  handleResponse: 'function', // response-hook.ts, append-pipeline.ts
  commandParts: 'array',
  currentRequest: 'present',
  writeSocket: 'present',
  rawSensitiveCommand: 'present',
  state: 'present',
  states: 'object',
  folders: 'map', // mailbox-cache.ts
  streamer: 'object', // stream-takeover.ts, wire-tap.ts
};

/** The members of the client's response stream (ImapStream) that stream-takeover.ts and wire-tap.ts use. */
const STREAM_MEMBERS: Record<string, Kind> = {
  _transform: 'function',
  push: 'function',
  write: 'function',
  destroyed: 'present',
  processingInput: 'present',
  inputQueue: 'array',
  state: 'number',
  lineBuffer: 'array',
  inputBuffer: 'array',
  literals: 'array',
  literalBuffer: 'array',
  pendingPush: 'present',
  readBytesCounter: 'number',
  maxLineLength: 'number',
  maxLiteralSize: 'number',
  maxResponseSize: 'number',
};

/** Which way a client's commands go: through imapflow's internals, or through its public API only. */
export type WirePath = 'internals' | 'imapflow';

const chosen = new WeakMap<ImapFlow, WirePath>();
let firstFallback: string | null = null;

/** The private members this client lacks or has in another shape ("streamer.inputQueue"); none for imapflow 2.10. */
export function missingMembers(flow: ImapFlow): string[] {
  const client = flow as unknown as Record<string, unknown>;
  const missing = absent(client, CLIENT_MEMBERS, '');
  const streamer = client['streamer'];
  if (typeof streamer === 'object' && streamer !== null)
    missing.push(...absent(streamer as Record<string, unknown>, STREAM_MEMBERS, 'streamer.'));
  return missing;
}

/** Settles the client's path once, before it connects: the public API when MAILSHIFT_WIRE=imapflow or a member is missing. */
export function chooseWire(flow: ImapFlow, env: NodeJS.ProcessEnv): WirePath {
  const missing = missingMembers(flow);
  const forced = env['MAILSHIFT_WIRE'] === 'imapflow';
  const path: WirePath = forced || missing.length > 0 ? 'imapflow' : 'internals';
  chosen.set(flow, path);
  if (path === 'imapflow')
    firstFallback ??= forced
      ? 'MAILSHIFT_WIRE=imapflow'
      : `this imapflow lacks ${missing.length === 1 ? 'a member' : 'members'} mailshift relies on (${missing.join(', ')})`;
  return path;
}

/** Whether this client's commands may use imapflow's internals; a client connect.ts did not make is checked on first use. */
export function usesInternals(flow: ImapFlow): boolean {
  return (chosen.get(flow) ?? chooseWire(flow, process.env)) === 'internals';
}

/** Why this process went through imapflow's public API, for --verbose; null when it never did. */
export function publicApiNotice(): string | null {
  if (firstFallback === null) return null;
  return `IMAP went through imapflow's public API (${firstFallback}): no MULTIAPPEND or pipelined APPEND, no LITERAL+ beyond 4 KiB, imapflow's own FETCH parser`;
}

function absent(holder: Record<string, unknown>, members: Record<string, Kind>, prefix: string): string[] {
  return Object.entries(members)
    .filter(([name, kind]) => !(name in holder) || !isKind(holder[name], kind))
    .map(([name]) => `${prefix}${name}`);
}

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'function':
      return typeof value === 'function';
    case 'array':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map;
    case 'number':
      return typeof value === 'number';
    case 'object':
      return typeof value === 'object' && value !== null;
    case 'present':
      return true;
  }
}
