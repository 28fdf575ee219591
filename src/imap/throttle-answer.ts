import { MailshiftError, problem } from '../errors.ts';
import { throttleNotesOf, type ConnectionPlace, type ImapConnection } from './connection.ts';

// Providers ask a client to slow down in their own words, on any command:
//   Office 365  `NO|BAD … Request is throttled. Suggested Backoff Time: 299961 milliseconds`, then a disconnect;
//   Gmail       `[THROTTLED]` on a NO (back off, retry) or an OK (done, but slow down), and
//               `* BYE [UNAVAILABLE] … Account exceeded command or bandwidth limits`;
//   others      `[UNAVAILABLE]` (RFC 5530). Not `[LIMIT]`: Dovecot refuses a message over its size limit with it.
// Such an answer is no refusal and no lost connection: apply waits (as long as asked) and retries.
// `[OVERQUOTA]` is different: the target mailbox is full, and no retry will make room.

/** Whether a server's answer text asks the client to slow down. */
export function saysThrottled(text: string): boolean {
  return /\[(THROTTLED|UNAVAILABLE)\]|Request is throttled|Suggested Backoff Time|exceeded (the )?(command|bandwidth)/i.test(
    text,
  );
}

/** "Suggested Backoff Time: 12345 milliseconds" → 12345; null when the server did not say how long. */
export function suggestedBackoffMs(text: string): number | null {
  const match = /Backoff Time[:=\s]+(\d+)/i.exec(text);
  return match ? Number(match[1]) : null;
}

/** Whether the answer says the mailbox is over its quota (RFC 5530 OVERQUOTA). */
export function saysOverQuota(text: string): boolean {
  return /\[OVERQUOTA\]|\bOVERQUOTA\b/i.test(text);
}

/** A server asked to slow down: `said` is its answer (no tag), `waitMs` how long it asked for (null: it did not say). */
export class ServerThrottled extends MailshiftError {
  constructor(
    readonly place: ConnectionPlace,
    readonly said: string,
    readonly waitMs: number | null,
    doing: string,
    folder?: string,
  ) {
    const where = folder === undefined ? '' : `, folder "${folder}"`;
    super(
      problem(
        'THROTTLED',
        `${place.side} server ${place.host}:${place.port} throttled account ${place.accountId} (${doing}${where}): ${said}`,
        'mailshift waits as long as the server asks and goes on; the account stops once its throttle budget (maxThrottleWaitSeconds) is spent',
        { account: place.accountId, side: place.side, ...(folder === undefined ? {} : { folder }) },
      ),
    );
  }
}

/** The server's text in a failed command's error, with its response code: the tagged answer's, or a BYE's reason. */
export function answerText(error: unknown): string {
  const fields = (error ?? {}) as {
    responseText?: unknown;
    response?: unknown;
    reason?: unknown;
    serverResponseCode?: unknown;
  };
  const said = [fields.responseText, fields.reason, fields.response].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const text = (said ?? '').replace(/^\S+ (NO|BAD|BYE|OK) /i, '');
  const code = typeof fields.serverResponseCode === 'string' ? fields.serverResponseCode : '';
  return code !== '' && !text.includes(`[${code}`) ? `[${code}] ${text}`.trim() : text;
}

/**
 * What a connection heard last that asked it to slow down. imapflow would wait out a "Suggested
 * Backoff Time" itself (on the connection, before failing the command, and fetch() three times
 * more): waits no other account on the server would share, no audit would show and no throttle
 * budget would bound. So the moment its log says it is about to, the session ends instead, and
 * the command fails as a lost connection whose words these notes keep; when the server drops the
 * connection itself (as Office 365 does) that is the same case. The caller then waits through
 * the one shared, audited path (src/apply/throttle-waits.ts) and logs in again.
 */
export interface ThrottleNotes {
  last: { said: string; waitMs: number | null; at: number } | null;
  /** An OK [THROTTLED] (Gmail: done, but slow down) not yet taken by takeSlowDown(). */
  slowDown?: string;
  /** Ends the session at once (attachThrottleNotes sets it). */
  endSession?: () => void;
}

/** The part of imapflow's client the notes need: its documented `response` event and close(). */
interface NotedFlow {
  on(event: 'response', listener: (response: { response: string; code?: string | undefined }) => void): unknown;
  close(): void;
}

const notesOfFlow = new WeakMap<object, ThrottleNotes>();

/**
 * Where this client's throttling answers are noted (connect.ts, before connect()). A tagged OK with
 * the code THROTTLED is seen on imapflow's documented `response` event, whichever wire sent the
 * command: imapflow's public API hands no response code of an OK over otherwise.
 */
export function attachThrottleNotes(flow: NotedFlow, notes: ThrottleNotes): void {
  notesOfFlow.set(flow, notes);
  notes.endSession = () => flow.close();
  flow.on('response', ({ response, code }) => {
    if (response.toUpperCase() === 'OK' && code?.toUpperCase() === 'THROTTLED')
      notes.slowDown = '[THROTTLED] the server did the command and asked to slow down';
  });
}

/** A command was answered OK [THROTTLED]: it succeeded, and the server asks to slow down (`said`: its words). */
export function heardSlowDown(flow: object, said: string): void {
  const notes = notesOfFlow.get(flow);
  if (notes) notes.slowDown = said;
}

/** The OK [THROTTLED] heard on this connection since the last call, if any (then forgotten). */
export function takeSlowDown(connection: ImapConnection): string | null {
  const notes = throttleNotesOf(connection);
  const said = notes?.slowDown ?? null;
  if (notes) delete notes.slowDown;
  return said;
}

/**
 * An imapflow logger that notes throttling answers into `notes`, ends the session rather than let
 * imapflow wait them out (see ThrottleNotes), and drops everything else.
 */
export function throttleLogger(
  notes: ThrottleNotes,
): Record<'trace' | 'debug' | 'info' | 'warn' | 'error', (entry: unknown) => void> {
  const ignore = () => undefined;
  return {
    trace: ignore,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (entry) => {
      const { msg, throttleDelay, err } = (entry ?? {}) as { msg?: unknown; throttleDelay?: unknown; err?: unknown };
      if (msg !== 'Throttling detected') return;
      notes.last = { said: answerText(err), waitMs: Number(throttleDelay) || null, at: Date.now() };
      // imapflow logs this right before it starts its wait, which close() aborts: a microtask later it has.
      queueMicrotask(() => notes.endSession?.());
    },
  };
}

const NOTE_FRESH_MS = 10_000;
/** How imapflow fails a command, or a connect, whose connection closed (after a login: NoConnection). */
const CLOSED = new Set([
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * A failed command as ServerThrottled when the server asked to slow down: in the answer itself (a
 * NO/BAD, imapflow's ETHROTTLE), in the BYE that closed the connection, or just before the
 * connection dropped (`notes`). The wait left is what the server asked minus what imapflow already
 * waited. Null when the failure is anything else.
 */
export function throttledFailure(
  error: unknown,
  place: ConnectionPlace,
  notes: ThrottleNotes | undefined,
  doing: string,
  folder?: string,
): ServerThrottled | null {
  if (error instanceof ServerThrottled) return error;
  const said = answerText(error);
  const fields = (error ?? {}) as { code?: unknown; throttleReset?: unknown; throttleWaited?: unknown };
  if (fields.code === 'ETHROTTLE' || saysThrottled(said)) {
    const asked = Number(fields.throttleReset) || suggestedBackoffMs(said);
    const waited = Number(fields.throttleWaited) || 0;
    return new ServerThrottled(place, said, asked === null ? null : Math.max(0, asked - waited), doing, folder);
  }
  // A note counts while the wait it asked for (and a little more) lasts: an older one is another episode's.
  const heard = notes?.last;
  if (heard && CLOSED.has(String(fields.code)) && Date.now() - heard.at <= (heard.waitMs ?? 0) + NOTE_FRESH_MS) {
    const left = heard.waitMs === null ? null : Math.max(0, heard.waitMs - (Date.now() - heard.at));
    return new ServerThrottled(place, heard.said, left, doing, folder);
  }
  return null;
}
