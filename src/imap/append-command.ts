import { MailshiftError, problem } from '../errors.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { imapDateTime } from './date-time.ts';
import { execCommand, folderToken, isBad, refusalText, responseCodeOf, type Token } from './wire/exec.ts';
import { openReadOnly } from './opened-folder.ts';
import { appendPublicly } from './public-commands.ts';
import { usesInternals } from './wire/internals.ts';
import { operationFailure } from './operation-failure.ts';
import { saysThrottled } from './throttle-answer.ts';

/** A message ready for the wire: flags already storable (storableFlags), date already whole. */
export interface OutgoingMessage {
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

/** What one APPEND command came to: a UID per message (null when the server named none) and the folder's UIDVALIDITY they belong to (APPENDUID), or the server's refusal (`closed`: a BAD, and the connection closed for it). */
export type AppendOutcome =
  | { uids: Array<number | null>; uidValidity: number | null }
  | { refused: string; closed?: MailshiftError };

// Refusals that concern the folder, not a message: retrying message by message would only hear
// them once per message.
// OVERQUOTA (the mailbox is full) refuses every message after it too.
export const FOLDER_REFUSALS: ReadonlySet<string> = new Set(['TRYCREATE', 'NONEXISTENT', 'NOPERM', 'OVERQUOTA']);

// `APPEND <folder> (<flags>) "<date>" {n}`, repeated per message for MULTIAPPEND (RFC 3502); a
// literal8 `~{n}` for a message with NUL bytes where the server has BINARY. With LITERAL+ every
// literal goes non-synchronizing ({n+}) and the command out at once (literal-plus.ts); otherwise
// imapflow waits for the server's "+" before each literal (over 4096 bytes with LITERAL-). After a
// BAD the connection is closed: Dovecot, having stopped parsing, reads the rest of the command,
// message text included, as commands of their own.

/** The arguments of one message in an APPEND, after the folder: `(<flags>) "<date>" {n}`. */
export function messageArguments(connection: ImapConnection, message: OutgoingMessage): Token[] {
  const binary = flowOf(connection).capabilities.has('BINARY');
  return [
    message.flags.map((flag): Token => ({ type: 'ATOM', value: flag })),
    { type: 'STRING', value: imapDateTime(message.internalDate) ?? '' },
    { type: 'LITERAL', value: message.raw, isLiteral8: binary && message.raw.includes(0) },
  ];
}

/** What must come before an APPEND into `folder` on this connection (see below). */
export async function readyToAppend(connection: ImapConnection, folder: string): Promise<void> {
  // Courier refuses an APPEND into the folder its session has open read-only ("NO Current box is
  // selected READ-ONLY"), and the checks before the copies EXAMINE it. CLOSE first, where that is so:
  // it expunges nothing in a folder opened read-only (RFC 3501 §6.4.2).
  if (openReadOnly(connection, folder)) await flowOf(connection).mailboxClose();
}

/** Whether a NO's response code refuses the folder rather than the message. */
export function refusesFolder(code: string | null): boolean {
  return FOLDER_REFUSALS.has(code ?? '');
}

/** One APPEND: OK [APPENDUID v set] gives the UIDs in message order, and v the folder's UIDVALIDITY; NO refuses the whole command ('refused'); a BAD refuses it too and closes the connection ('closed'); NO [TRYCREATE]/[NONEXISTENT]/[NOPERM] and a dropped connection throw. */
export async function appendCommand(
  connection: ImapConnection,
  folder: string,
  messages: readonly OutgoingMessage[],
): Promise<AppendOutcome> {
  const flow = flowOf(connection);
  await readyToAppend(connection, folder);
  let answer;
  try {
    answer = usesInternals(flow)
      ? await execCommand(flow, 'APPEND', appendArguments(connection, folder, messages), {
          literalPlus: flow.capabilities.has('LITERAL+'),
        })
      : await appendPublicly(flow, folder, onlyMessage(messages));
  } catch (error) {
    if (!connection.usable) throw operationFailure(error, connection, 'APPEND', folder);
    if (isBad(error) && (error as { code?: unknown }).code !== 'ETHROTTLE') {
      const said = refusalText(error);
      return { refused: said, closed: closedAfterBad(connection, folder, said) };
    }
    // A throttled APPEND (Gmail's NO [THROTTLED]) refused no message: it goes again after the wait.
    if (refusesFolder(responseCodeOf(error)) || saysThrottled(refusalText(error)))
      throw operationFailure(error, connection, 'APPEND', folder);
    if ((error as { responseStatus?: unknown }).responseStatus !== 'NO')
      throw operationFailure(error, connection, 'APPEND', folder);
    return { refused: refusalText(error) };
  }
  return appendUids(answer, messages.length);
}

function appendArguments(connection: ImapConnection, folder: string, messages: readonly OutgoingMessage[]): Token[] {
  const attributes: Token[] = [folderToken(flowOf(connection), folder)];
  for (const message of messages) attributes.push(...messageArguments(connection, message));
  return attributes;
}

/** imapflow's append() takes one message: on its public API there is no MULTIAPPEND (supportsMultiappend). */
function onlyMessage(messages: readonly OutgoingMessage[]): OutgoingMessage {
  if (messages.length !== 1) throw new Error(`imapflow's public API appends one message, not ${messages.length}`);
  return messages[0]!;
}

/** The UIDs an OK [APPENDUID v set] names for `count` messages, or nulls where it names none (no UIDPLUS) or not as many. */
export function appendUids(
  answer: { code: string | null; args: string[] },
  count: number,
): { uids: Array<number | null>; uidValidity: number | null } {
  const uids = answer.code === 'APPENDUID' ? expandUidSet(answer.args[1] ?? '') : [];
  if (uids.length !== count) return { uids: new Array<number | null>(count).fill(null), uidValidity: null };
  const uidValidity = Number(answer.args[0]);
  return { uids, uidValidity: Number.isSafeInteger(uidValidity) && uidValidity > 0 ? uidValidity : null };
}

/** An APPENDUID set, "4:6,9" → [4, 5, 6, 9], in the order written ("6:4" counts down); [] when it does not parse. */
export function expandUidSet(set: string): number[] {
  const uids: number[] = [];
  for (const part of set.split(',')) {
    const match = /^(\d+)(?::(\d+))?$/.exec(part);
    if (!match) return [];
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    // A range wider than any batch is a server fault, not a list to build.
    if (from === 0 || to === 0 || Math.abs(to - from) > 100_000) return [];
    const step = to >= from ? 1 : -1;
    for (let uid = from; uid !== to + step; uid += step) uids.push(uid);
  }
  return uids;
}

/** The error for a connection closed after a BAD to an APPEND (it closes it). */
export function closedAfterBad(connection: ImapConnection, folder: string, said: string): MailshiftError {
  const { place } = connection;
  flowOf(connection).close();
  return new MailshiftError(
    problem(
      'IMAP_ERROR',
      `${place.side} APPEND to folder "${folder}" for account ${place.accountId} at ${place.host}:${place.port} was rejected as malformed: ${said}; the connection was closed, as the server may read the rest of the command as commands`,
      "this is a bug in mailshift or the server: please report it with the server's answer",
      { account: place.accountId, side: place.side, folder },
    ),
  );
}
