import type { ImapFlow } from 'imapflow';
import type { ThrottleNotes } from './throttle-answer.ts';

// The one imapflow object stays inside src/imap: callers get an ImapConnection, and the files of
// this folder reach the client behind it with flowOf(). That keeps imapflow's types (and its
// habit of guessing) out of the planner, the engine and the CLI.

export type Side = 'source' | 'target';

/** Where a connection goes: enough to say which side of which account failed, and at which server. */
export interface ConnectionPlace {
  side: Side;
  accountId: string;
  host: string;
  port: number;
}

/** A logged-in IMAP session on one side of one account. */
export interface ImapConnection {
  readonly place: ConnectionPlace;
  /** False once the server, the network, a timeout or close() ended the session. */
  readonly usable: boolean;
  /** LOGOUT, or just drop the socket when that fails; never throws. */
  close(): Promise<void>;
  /** Drop the socket now, without LOGOUT: a command in flight fails at once. */
  drop(): void;
}

interface Entry {
  flow: ImapFlow;
  /** The last 'error' event: why a command failed when the connection went away under it. */
  lastError: unknown;
  /** What the server said last to slow down (throttle-answer.ts). */
  throttle: ThrottleNotes | undefined;
}

const entries = new WeakMap<ImapConnection, Entry>();

/** Wraps a connected client (connect.ts only). */
export function wrapFlow(flow: ImapFlow, place: ConnectionPlace, throttle?: ThrottleNotes): ImapConnection {
  const entry: Entry = { flow, lastError: undefined, throttle };
  // imapflow reports socket trouble as 'error' events; an EventEmitter without a listener would
  // throw them at the process instead.
  flow.on('error', (error: unknown) => {
    entry.lastError = error;
  });
  const connection: ImapConnection = {
    place,
    get usable() {
      return flow.usable && !flow.isClosed;
    },
    async close() {
      if (flow.isClosed) return;
      try {
        await flow.logout();
      } catch {
        flow.close();
      }
    },
    drop() {
      if (!flow.isClosed) flow.close();
    },
  };
  entries.set(connection, entry);
  return connection;
}

/** The imapflow client behind a connection (src/imap only). */
export function flowOf(connection: ImapConnection): ImapFlow {
  const entry = entries.get(connection);
  if (!entry) throw new Error('not a connection opened by openConnection()');
  return entry.flow;
}

/** Why the connection last failed, when a socket error or timeout was reported (src/imap only). */
export function lastErrorOf(connection: ImapConnection): unknown {
  return entries.get(connection)?.lastError;
}

/** What the server said last to slow down on this connection, when its client notes that (src/imap only). */
export function throttleNotesOf(connection: ImapConnection): ThrottleNotes | undefined {
  return entries.get(connection)?.throttle;
}
