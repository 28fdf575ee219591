import type { ImapFlow } from 'imapflow';
import { execCommand, type Token } from './wire/exec.ts';
import { addItem, readFetchRow, rowOf, type FetchRow, type FetchValue } from './wire/fetch-response.ts';
import { MalformedAnswer } from './malformed-answer.ts';
import { ANSWER_LIMITS, BODY_ANSWER_LIMITS } from './answer-limits.ts';
import { claimFramedResponses } from './wire/response-hook.ts';
import { frameWhileActive, setAnswerLimits } from './wire/stream-takeover.ts';
import { usesInternals } from './wire/internals.ts';
import { decodePath } from 'imapflow/lib/tools.js';
import { fetchPublicly } from './public-commands.ts';

// The bulk FETCHes (plan's identity headers, header digests and flags, apply's message bodies)
// without imapflow's fetch(): while such a command runs, its answers are framed from the socket's
// bytes by stream-takeover.ts and read by fetch-response.ts as they arrive. Responses framed by
// imapflow all the same (before a takeover, or where one is not possible) are caught on imapflow's
// internal handleResponse(), called once per framed response with its payload (the line, literal
// markers included) and its literals, and read the same way. A line that reader does not recognise
// goes the usual way, to the command's untagged FETCH handler, which reads imapflow's parse of it
// instead; the rows are the same in every case. A client on imapflow's public API (wire/internals.ts)
// reads them through fetch() instead (public-commands.ts), into the same checks.

/** What UID FETCH asks for: data items, e.g. `item('UID')`, `item('BODY.PEEK', [])` for BODY.PEEK[], with `partial` BODY.PEEK[]<0.4096>. */
export function item(name: string, section?: Token[], partial?: [number, number]): Token {
  if (section === undefined) return { type: 'ATOM', value: name };
  return partial === undefined
    ? { type: 'ATOM', value: name, section }
    : { type: 'ATOM', value: name, section, partial };
}

/** Where the FETCH running on a connection takes its rows, and what could not be a correct row. */
interface RowSink {
  row(row: FetchRow): void;
  malformed(error: MalformedAnswer): void;
}

const rowReaders = new WeakMap<ImapFlow, RowSink>();
const hooked = new WeakSet<ImapFlow>();

function hookResponses(flow: ImapFlow): void {
  if (hooked.has(flow)) return;
  hooked.add(flow);
  // A framed response that is a row of the FETCH running on this connection goes to its reader (true).
  const takeRow = (response: { payload: Buffer; literals: Buffer[] }): boolean => {
    const sink = rowReaders.get(flow);
    if (sink === undefined) return false;
    try {
      const row = readFetchRow(response.payload, response.literals);
      if (row === null) return false;
      sink.row(row);
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      sink.malformed(error);
    }
    return true;
  };
  // Where the input can be taken over, rows are read as the bytes arrive; the hook below reads
  // those imapflow framed (before a takeover, or instead of one).
  frameWhileActive(flow, () => rowReaders.has(flow), takeRow);
  claimFramedResponses(flow, takeRow);
}

/** The row field a data item fills in: a row without one of those asked for is not an answer to the FETCH. */
const FIELDS: Record<string, keyof FetchRow> = {
  UID: 'uid',
  'RFC822.SIZE': 'size',
  INTERNALDATE: 'internalDate',
  FLAGS: 'flags',
  'BODY.PEEK': 'body',
  'BINARY.PEEK': 'body',
  'X-GM-MSGID': 'gmailMessageId',
  'X-GM-LABELS': 'labels',
};

/** The row fields the data items asked for fill in. */
export function fieldsAsked(items: readonly Token[]): Array<keyof FetchRow> {
  return items.flatMap((token) => {
    const field = !Array.isArray(token) && token.type === 'ATOM' ? FIELDS[token.value.toUpperCase()] : undefined;
    return field === undefined ? [] : [field];
  });
}

/** Whether the row carries every field asked for: Dovecot's unasked news comes without a UID, other servers' with one. */
export function answers(row: FetchRow, fields: ReadonlyArray<keyof FetchRow>): boolean {
  return fields.every((field) => row[field] !== undefined);
}

/** What a FETCH answered besides its rows: the messages answered only in part, with the items missing. */
export interface FetchReport {
  incomplete: Map<number, Array<keyof FetchRow>>;
}

/**
 * `UID FETCH <set> (<items>)` on the folder the caller opened: each message the server answers
 * goes to onRow as it arrives, in the server's order (ascending UIDs); a message expunged
 * meanwhile is simply not answered. Rows without every item asked for are left out (the server's
 * unasked news about other messages, `* 3 FETCH (UID 9 FLAGS (\Seen))` when another session sets
 * a flag) and reported, so that the caller can tell a message never answered in full from one
 * that is gone. A row no correct server sends (an item twice, a UID outside the set, the same UID
 * answered twice) fails the FETCH with MalformedAnswer once the server has answered: one wrong
 * row may mean the answer was framed wrong, and then no row of it can be trusted. Rows are not
 * held back for a slow consumer: the caller bounds the set. Rejects as imapflow's exec() does
 * (NO/BAD, dropped connection), or with what onRow threw.
 */
export async function uidFetch(
  flow: ImapFlow,
  set: string,
  items: Token[],
  onRow: (row: FetchRow) => void,
): Promise<FetchReport> {
  const fields = fieldsAsked(items);
  const inSet = uidSetMembership(set);
  const report: FetchReport = { incomplete: new Map() };
  let failure: { error: unknown } | null = null;
  let malformed: MalformedAnswer | null = null;
  const delivered = new Set<number>();
  const sink: RowSink = {
    malformed: (error) => {
      malformed ??= error;
    },
    row: (row) => {
      if (failure !== null || malformed !== null) return;
      if (!answers(row, fields)) {
        report.incomplete.set(
          row.uid,
          fields.filter((field) => row[field] === undefined),
        );
        return;
      }
      if (!inSet(row.uid))
        return sink.malformed(
          new MalformedAnswer(`includes UID ${row.uid}, which is not in the set asked for (${set})`),
        );
      if (delivered.has(row.uid)) return sink.malformed(new MalformedAnswer(`includes UID ${row.uid} twice`));
      delivered.add(row.uid);
      report.incomplete.delete(row.uid);
      try {
        onRow(row);
      } catch (error) {
        failure = { error };
      }
    },
  };
  if (!usesInternals(flow)) {
    await fetchPublicly(flow, set, items, sink.row);
    return outcome(report, malformed, failure);
  }
  hookResponses(flow);
  // Rows read here carry labels as the server wrote them; fetch() decodes them (public path).
  const wire: RowSink = { malformed: sink.malformed, row: (row) => sink.row(withDecodedLabels(flow, row)) };
  // Only a read of whole messages may bring literals beyond a header's size.
  const readsBodies = items.some(isWholeBody);
  rowReaders.set(flow, wire);
  if (readsBodies) setAnswerLimits(flow, BODY_ANSWER_LIMITS);
  try {
    // A throttled FETCH is not tried again here: the caller waits (shared with the server's other
    // accounts, audited, on the throttle budget) and tries again (src/apply/throttle-waits.ts).
    await execCommand(flow, 'UID FETCH', [{ type: 'SEQUENCE', value: set }, items], {
      untagged: { FETCH: (answer) => readParsed(answer, wire) },
    });
  } finally {
    rowReaders.delete(flow);
    if (readsBodies) setAnswerLimits(flow, ANSWER_LIMITS);
  }
  return outcome(report, malformed, failure);
}

/** X-GM-LABELS decoded as imapflow's fetch() decodes them: as folder names (modified UTF-7 unless UTF8=ACCEPT). */
export function withDecodedLabels(flow: ImapFlow, row: FetchRow): FetchRow {
  if (row.labels === undefined) return row;
  return { ...row, labels: row.labels.map((label) => decodePath(flow, label)) };
}

function outcome(
  report: FetchReport,
  malformed: MalformedAnswer | null,
  failure: { error: unknown } | null,
): FetchReport {
  if (malformed !== null) throw malformed;
  if (failure !== null) throw failure.error;
  return report;
}

/** BODY.PEEK[] or BINARY.PEEK[]: a whole message, not a header. */
function isWholeBody(token: Token): boolean {
  return (
    !Array.isArray(token) &&
    token.type === 'ATOM' &&
    /^(BODY|BINARY)\.PEEK$/i.test(token.value) &&
    Array.isArray(token.section) &&
    token.section.length === 0
  );
}

/** imapflow's parse of a FETCH line this reader left alone: the same checks, the same sink. */
function readParsed(answer: { attributes?: unknown[] }, sink: RowSink): void {
  try {
    const row = rowOfParsed(answer);
    if (row !== null) sink.row(row);
  } catch (error) {
    if (!(error instanceof MalformedAnswer)) throw error;
    sink.malformed(error);
  }
}

/**
 * Whether a UID is in a UID set as the server must read it. A range with "*" holds the highest UID
 * whatever it is ("4711:*" is answered with the last message even when its UID is lower), so only
 * ranges of numbers bound the answer.
 */
export function uidSetMembership(set: string): (uid: number) => boolean {
  const ranges: Array<[number, number]> = [];
  for (const part of set.split(',')) {
    if (part.includes('*')) return () => true;
    const [from, to = from] = part.split(':').map(Number);
    ranges.push([Math.min(from!, to!), Math.max(from!, to!)]);
  }
  return (uid) => ranges.some(([from, to]) => uid >= from && uid <= to);
}

interface ParsedNode {
  type?: string;
  value?: unknown;
  section?: unknown;
}

/** The row from imapflow's parse of a FETCH line ("* 12 FETCH (...)": attributes FETCH, then the item list). */
export function rowOfParsed(answer: { attributes?: unknown[] }): FetchRow | null {
  const list = answer.attributes?.[1];
  if (!Array.isArray(list)) return null;
  const items = new Map<string, FetchValue>();
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = list[i] as ParsedNode | null;
    if (key === null || typeof key.value !== 'string') return null;
    // Only the kind of section matters to rowOf: BODY[...] is the body asked for.
    addItem(items, `${key.value.toUpperCase()}${key.section ? '[]' : ''}`, parsedValue(list[i + 1]));
  }
  return rowOf(items);
}

function parsedValue(node: unknown): FetchValue {
  if (node === null || node === undefined) return null;
  if (Array.isArray(node)) return node.map(parsedValue);
  const { type, value } = node as ParsedNode;
  // imapflow keeps literals as the Buffers framed, and decodes quoted strings as UTF-8.
  if (type === 'LITERAL' || type === 'STRING')
    return Buffer.isBuffer(value) ? value : Buffer.from(String(value ?? ''), 'utf8');
  if (typeof value === 'string' && value.toUpperCase() === 'NIL' && type === 'ATOM') return null;
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value ?? '');
}
