// Reads one audit file as a stream (it may hold a million actions) and checks it line by line:
// record numbers without gaps, each line's `prev` the SHA-256 of the line before, one start
// record first, nothing after the end record. Hands each action record to a visitor (a gate's
// one action is kept apart: it is not a change to a mailbox).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { sha256Hex } from '../sha256.ts';
import type { ActionRecord, AuditRecord, EndRecord, GateRecord, StartRecord } from './records.ts';

export interface AuditProblem {
  kind:
    | 'modified-record'
    | 'deleted-records'
    | 'inserted-record'
    | 'invalid-record'
    | 'changed-file'
    | 'missing-file'
    | 'unchained-file'
    | 'interrupted';
  /** A break means the log was altered after it was written; a note (an interrupted apply) does not. */
  severity: 'break' | 'note';
  file: string;
  line?: number;
  message: string;
}

export interface ScannedAuditFile {
  name: string;
  path: string;
  /** SHA-256 of the whole file, as the next file's `previous` should record it. */
  sha256: string;
  start: StartRecord | null;
  /** A gate file's action record. */
  gate: GateRecord | null;
  end: EndRecord | null;
  /** The last line is incomplete: the writer was killed mid-line. */
  torn: boolean;
  breaks: AuditProblem[];
}

export type ActionVisitor = (record: ActionRecord, line: number) => void;

/** Check the audit file at `path` and pass its action records to `visit`. */
export async function scanAuditFile(path: string, visit: ActionVisitor = () => undefined): Promise<ScannedAuditFile> {
  const check = new LineCheck(path, visit);
  const hash = createHash('sha256');
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, from)) {
      check.line(data.subarray(from, newline), true);
      from = newline + 1;
    }
    carry = Buffer.from(data.subarray(from));
  }
  if (carry.length > 0) check.line(carry, false);
  return {
    name: basename(path),
    path,
    sha256: hash.digest('hex'),
    start: check.start,
    gate: check.gate,
    end: check.end,
    torn: check.torn,
    breaks: check.breaks,
  };
}

class LineCheck {
  start: StartRecord | null = null;
  gate: GateRecord | null = null;
  end: EndRecord | null = null;
  torn = false;
  breaks: AuditProblem[] = [];
  private lineNumber = 0;
  private expectedN = 1;
  private previousSha256: string | null = null;
  private lastReported = 0;

  constructor(
    private readonly path: string,
    private readonly visit: ActionVisitor,
  ) {}

  line(bytes: Buffer, terminated: boolean): void {
    const line = ++this.lineNumber;
    const previousSha256 = this.previousSha256;
    this.previousSha256 = sha256Hex(bytes);
    let record: AuditRecord;
    try {
      record = JSON.parse(bytes.toString('utf8')) as AuditRecord;
    } catch {
      if (!terminated) this.torn = true;
      else this.invalid(line, `line ${line} is not a JSON record`);
      return;
    }
    if (
      typeof record !== 'object' ||
      record === null ||
      !['start', 'action', 'end'].includes(record.type) ||
      typeof record.n !== 'number'
    ) {
      return this.invalid(line, `line ${line} is not an audit record`);
    }
    if (line === 1) {
      if (isStart(record)) this.start = record;
      else
        this.report(
          'invalid-record',
          1,
          (record as { type: string }).type === 'start'
            ? 'line 1 is not a complete start record'
            : 'line 1 is not the start record: it was deleted or replaced',
        );
      this.expectedN = record.n + 1;
      return;
    }
    if (this.end) return this.report('inserted-record', line, `line ${line} comes after the end record`);
    if (record.type === 'start') return this.report('inserted-record', line, `line ${line} is a second start record`);
    if (record.n !== this.expectedN) {
      if (record.n > this.expectedN)
        this.report(
          'deleted-records',
          line,
          `${record.n - this.expectedN} record(s) deleted before line ${line} (record ${this.expectedN} should be here, record ${record.n} is)`,
        );
      else
        this.report(
          'inserted-record',
          line,
          `line ${line} repeats record number ${record.n}: a record was inserted or copied`,
        );
    } else if (record.prev !== previousSha256 && this.lastReported !== line - 1) {
      this.report(
        'modified-record',
        line - 1,
        `line ${line - 1} was changed after it was written: line ${line} holds another SHA-256 for it`,
      );
    }
    this.expectedN = record.n + 1;
    if (isGate(record)) this.gate = record;
    else if (record.type === 'action') this.visit(record, line);
    else this.end = record;
  }

  /** A line that holds no record still took a record's place. */
  private invalid(line: number, message: string): void {
    this.expectedN++;
    this.report('invalid-record', line, message);
  }

  private report(kind: AuditProblem['kind'], line: number, message: string): void {
    this.lastReported = line;
    this.breaks.push({ kind, severity: 'break', file: this.path, line, message });
  }
}

/** A complete first record (its kind absent in files written before gates existed). */
export function isStart(record: unknown): record is StartRecord {
  const start = record as StartRecord;
  return (
    typeof start === 'object' &&
    start !== null &&
    start.type === 'start' &&
    start.n === 1 &&
    start.prev === null &&
    typeof start.applyId === 'string' &&
    typeof start.phase === 'string' &&
    (start.kind === undefined || start.kind === 'apply' || start.kind === 'gate') &&
    (typeof start.planSha256 === 'string' || start.planSha256 === null) &&
    typeof start.operator === 'string' &&
    typeof start.startedAt === 'string' &&
    (start.previous === null ||
      (typeof start.previous?.file === 'string' && typeof start.previous?.sha256 === 'string'))
  );
}

function isGate(record: AuditRecord): record is GateRecord {
  return record.type === 'action' && record.op === 'gate';
}
