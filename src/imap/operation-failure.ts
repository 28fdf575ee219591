import { MailshiftError, problem } from '../errors.ts';
import { lastErrorOf, throttleNotesOf, type ImapConnection } from './connection.ts';
import { throttledFailure } from './throttle-answer.ts';
import { oversizedAnswer } from './answer-limits.ts';
import { commandFailure } from './errors.ts';

// Apply retries what a dropped connection interrupted (on a new connection, with backoff) but not
// what the server refused. The two must be told apart by code: a command whose connection is gone
// afterwards failed with CONNECTION_LOST, whatever the socket said; anything else is commandFailure's.

/** A failed command after login, as a MailshiftError naming the folder; CONNECTION_LOST when the session is gone. */
export function operationFailure(
  error: unknown,
  connection: ImapConnection,
  doing: string,
  folder: string,
): MailshiftError {
  if (error instanceof MailshiftError) return error;
  // A server that asked to slow down (and perhaps dropped the connection for it) is waited for, not failed.
  const throttled = throttledFailure(error, connection.place, throttleNotesOf(connection), doing, folder);
  if (throttled) return throttled;
  // An answer past mailshift's limits closed the connection: a new one would only get it again.
  if (connection.usable || oversizedAnswer(lastErrorOf(connection)) !== null)
    return commandFailure(error, connection, doing, folder);
  const { place } = connection;
  const cause = lastErrorOf(connection) ?? error;
  return new MailshiftError(
    problem(
      'CONNECTION_LOST',
      `${place.side} ${doing} on folder "${folder}" was cut off: the connection for account ${place.accountId} to ${place.host}:${place.port} was lost (${reasonOf(cause)})`,
      'a new connection can resume the work; if this keeps happening, check the network path and the server log, or lower `connections`',
      { account: place.accountId, side: place.side, folder },
    ),
  );
}

function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : 'no reason given';
  return typeof code === 'string' && code !== '' ? `${text}, ${code}` : text;
}
