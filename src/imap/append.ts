import { MailshiftError, problem } from '../errors.ts';
import {
  appendCommand,
  appendUids,
  closedAfterBad,
  FOLDER_REFUSALS,
  messageArguments,
  readyToAppend,
  refusesFolder,
  type OutgoingMessage,
} from './append-command.ts';
import { heardSlowDown, saysThrottled } from './throttle-answer.ts';
import { appendPipelined, canPipeline, type PipelineRun } from './wire/append-pipeline.ts';
import { hasCapability } from './capabilities.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';
import { folderToken, refusalText } from './wire/exec.ts';
import { operationFailure } from './operation-failure.ts';
import { usesInternals } from './wire/internals.ts';
import { storableFlags } from './storable-flags.ts';

/** A message to store: its bytes exactly as read, with the flags and INTERNALDATE it had. */
export interface AppendItem {
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

/**
 * Per message: the UID it got and the folder's UIDVALIDITY that UID belongs to (both null when the
 * server does not say: no UIDPLUS), or why it was not stored.
 */
export type AppendResult = { uid: number; uidValidity: number } | { uid: null } | { error: string };

/** Bounds of one MULTIAPPEND: bigger batches save little more, and a refused batch is sent again message by message. */
export const APPEND_BATCH = { messages: 100, bytes: 8 * 1024 * 1024 };

/** Whether the server takes several messages in one APPEND (RFC 3502), as it said at login. */
export function supportsMultiappend(connection: ImapConnection): boolean {
  // imapflow's public append() sends one message per command.
  return hasCapability(connection, 'MULTIAPPEND') && usesInternals(flowOf(connection));
}

/**
 * What an appendMessages() came to. Every message stored has its result, whatever happened after
 * it; `failure` says why some have none: the folder was refused or the connection went (then the
 * `unsure` ones were sent with no answer, and may be stored), or a BAD closed the connection with
 * nothing in doubt (`resend`: the rest may go on another connection, one message per APPEND).
 */
export interface AppendRun {
  results: Array<AppendResult | undefined>;
  unsure: number[];
  failure: MailshiftError | null;
  resend: boolean;
}

// With MULTIAPPEND one APPEND per batch (APPEND_BATCH), otherwise one per message: pipelined where
// LITERAL+ lets the APPENDs go without waiting (append-pipeline.ts), else each answer awaited. A
// batch the server refuses stored nothing (RFC 3502 makes it atomic) and is sent again message by
// message, so only the refused message fails. Refused here without asking: a flag no server can
// store, a message over the server's APPENDLIMIT, an invalid date. The results hold no message content.

/** APPEND, in order: a UID per message (APPENDUID), or the server's NO or BAD for that message ([TOOBIG], [LIMIT], [CANNOT]…); what stops the rest (the folder refused, NO [TRYCREATE] or no right; the connection lost or closed) is the run's `failure`. */
export async function appendMessages(
  connection: ImapConnection,
  folder: string,
  items: readonly AppendItem[],
  options: { singly?: boolean } = {},
): Promise<AppendRun> {
  const run: AppendRun = { results: new Array(items.length).fill(undefined), unsure: [], failure: null, resend: false };
  const outgoing: Array<{ index: number; message: OutgoingMessage }> = [];
  const limit = appendLimit(connection);
  items.forEach((item, index) => {
    const prepared = prepare(item, limit);
    if ('error' in prepared) run.results[index] = prepared;
    else outgoing.push({ index, message: prepared });
  });
  const multi = supportsMultiappend(connection) && !options.singly;
  let inFlight: typeof outgoing = [];
  try {
    if (!multi && outgoing.length > 1 && pipelines(connection, outgoing)) {
      await appendEachPipelined(connection, folder, outgoing, run);
      return run;
    }
    for (const batch of multi ? batchesOf(outgoing) : outgoing.map((entry) => [entry])) {
      inFlight = batch;
      if (!(await appendBatch(connection, folder, batch, run))) return run;
    }
  } catch (error) {
    run.failure = operationFailure(error, connection, 'APPEND', folder);
    // A dropped connection leaves the APPEND it cut short in doubt: it may have been stored.
    if (run.failure.code === 'CONNECTION_LOST')
      run.unsure = inFlight.map((entry) => entry.index).filter((index) => run.results[index] === undefined);
  }
  return run;
}

/** One APPEND of a batch (one by one again after a NO); false when the rest must not follow on this connection. */
async function appendBatch(
  connection: ImapConnection,
  folder: string,
  batch: Array<{ index: number; message: OutgoingMessage }>,
  run: AppendRun,
): Promise<boolean> {
  const outcome = await appendCommand(
    connection,
    folder,
    batch.map((entry) => entry.message),
  );
  if ('uids' in outcome) {
    batch.forEach((entry, i) => {
      run.results[entry.index] = stored(outcome, i);
    });
    return true;
  }
  if (outcome.closed) {
    // A refused MULTIAPPEND stored none of its messages: they may go again, one by one.
    if (batch.length === 1) run.results[batch[0]!.index] = { error: outcome.refused };
    run.failure = outcome.closed;
    run.resend = true;
    return false;
  }
  if (batch.length === 1) {
    run.results[batch[0]!.index] = { error: outcome.refused };
    return true;
  }
  for (const entry of batch) if (!(await appendBatch(connection, folder, [entry], run))) return false;
  return true;
}

/** Whether APPENDs can go back to back here: every literal non-synchronizing (LITERAL+, or LITERAL- for messages of at most 4096 bytes, RFC 7888), and imapflow as the pipeline knows it. */
function pipelines(connection: ImapConnection, outgoing: ReadonlyArray<{ message: OutgoingMessage }>): boolean {
  const flow = flowOf(connection);
  const nonSynchronizing =
    flow.capabilities.has('LITERAL+') ||
    (flow.capabilities.has('LITERAL-') && outgoing.every((entry) => entry.message.raw.length <= LITERAL_MINUS_BYTES));
  return nonSynchronizing && canPipeline(flow);
}

/** The largest literal LITERAL- lets a client send without waiting (RFC 7888). */
const LITERAL_MINUS_BYTES = 4096;

/** One APPEND per message, pipelined; each answer is its message's, by tag. */
async function appendEachPipelined(
  connection: ImapConnection,
  folder: string,
  outgoing: Array<{ index: number; message: OutgoingMessage }>,
  run: AppendRun,
): Promise<void> {
  const flow = flowOf(connection);
  await readyToAppend(connection, folder);
  const messages = outgoing.map((entry) => ({
    attributes: messageArguments(connection, entry.message),
    bytes: entry.message.raw.length,
  }));
  let pipelined: PipelineRun;
  try {
    pipelined = await appendPipelined(flow, folderToken(flow, folder), messages, FOLDER_REFUSALS);
  } catch (error) {
    run.failure = operationFailure(error, connection, 'APPEND', folder);
    pipelined = (error as { partial?: PipelineRun }).partial ?? { answers: [], sent: 0 };
  }
  outgoing.forEach((entry, i) => {
    const answer = pipelined.answers[i];
    if (answer === undefined) {
      if (i < pipelined.sent) run.unsure.push(entry.index);
      return;
    }
    const said = refusalText({ response: `* ${answer.status} ${answer.text}` });
    if (answer.status === 'OK' && answer.code === 'THROTTLED') heardSlowDown(flow, `[THROTTLED] ${answer.text}`);
    if (answer.status === 'OK') run.results[entry.index] = stored(appendUids(answer, 1), 0);
    else if (answer.status === 'NO' && (refusesFolder(answer.code) || saysThrottled(said)))
      run.failure ??= commandFailure(
        { responseStatus: 'NO', serverResponseCode: answer.code, response: `* NO ${answer.text}` },
        connection,
        'APPEND',
        folder,
      );
    else run.results[entry.index] = { error: said };
    if (answer.status === 'BAD') run.failure ??= closedAfterBad(connection, folder, said);
  });
  if (!pipelined.answers.some((answer) => answer?.status === 'BAD')) return;
  // A BAD closed the connection: with nothing unanswered behind it, the rest can go on another;
  // otherwise what the unanswered APPENDs stored is as unknown as after a drop, and retried as one.
  if (run.unsure.length === 0) run.resend = true;
  else run.failure = unansweredAfterBad(connection, folder, run.unsure.length);
}

function unansweredAfterBad(connection: ImapConnection, folder: string, unanswered: number): MailshiftError {
  const { place } = connection;
  return new MailshiftError(
    problem(
      'CONNECTION_LOST',
      `${place.side} APPEND to folder "${folder}" for account ${place.accountId} at ${place.host}:${place.port}: the connection was closed after a BAD with ${unanswered} ${unanswered === 1 ? 'APPEND' : 'APPENDs'} behind it unanswered`,
      'a new connection counts on the target what they stored before sending the rest',
      { account: place.accountId, side: place.side, folder },
    ),
  );
}

/** The result for the index-th message of an APPEND the server took. */
function stored(outcome: { uids: Array<number | null>; uidValidity: number | null }, index: number): AppendResult {
  const uid = outcome.uids[index] ?? null;
  return uid !== null && outcome.uidValidity !== null ? { uid, uidValidity: outcome.uidValidity } : { uid: null };
}

function prepare(item: AppendItem, limit: number | null): OutgoingMessage | { error: string } {
  const flags = storableFlags(item.flags);
  if ('invalid' in flags)
    return {
      error: `flag ${JSON.stringify(flags.invalid)} cannot be stored over IMAP (not a system flag, or not a valid keyword)`,
    };
  if (Number.isNaN(item.internalDate.getTime())) return { error: 'the message has no valid INTERNALDATE to store' };
  if (limit !== null && item.raw.length > limit)
    return {
      error: `TOOBIG the message (${item.raw.length} bytes) is larger than the server's APPENDLIMIT of ${limit} bytes`,
    };
  return { raw: item.raw, flags: flags.flags, internalDate: item.internalDate };
}

/** The account-wide APPENDLIMIT (RFC 7889), or null when none was advertised. */
function appendLimit(connection: ImapConnection): number | null {
  const limit = flowOf(connection).capabilities.get('APPENDLIMIT');
  return typeof limit === 'number' && limit > 0 ? limit : null;
}

/** Consecutive runs within APPEND_BATCH; a message over the byte bound goes alone. */
function batchesOf<T extends { message: OutgoingMessage }>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.message.raw.length;
    if (current.length > 0 && (current.length >= APPEND_BATCH.messages || bytes + size > APPEND_BATCH.bytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
