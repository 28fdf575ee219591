// What each audit file says happened, read from its first and last records only: which phase,
// apply or gate, by whom, when, and how it ended. This is the runbook's history (status and the
// phase order read it), so it must stay fast however many actions a file holds; checking the
// records in between is `mailshift audit`'s job (chain.ts).
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isStart } from './file-check.ts';
import { auditFileNames, type AuditStart, type EndRecord, type GateRecord, type StartRecord } from './records.ts';

export interface AuditOutcome {
  kind: 'apply' | 'gate';
  /** Also a gate's id. */
  applyId: string;
  /** Path of its audit file. */
  file: string;
  phase: string;
  planSha256: string | null;
  manifest: AuditStart['manifest'];
  tool: string;
  operator: string;
  forced: boolean;
  /** The requirements --force overrode. */
  unmetRequires: string[];
  /** Target deletions --force let through against the cutover rule (0: none). */
  cutoverOverride: number;
  /** A gate's note. */
  note: string | null;
  startedAt: string;
  endedAt: string | null;
  /** 'interrupted' also for a file without end record that is not the newest; 'unfinished': the newest, still running or killed. */
  result: 'ok' | 'failed' | 'interrupted' | 'paused' | 'unfinished';
  /** The end record's summary, as the executor counted it (null without end record). */
  summary: Record<string, number> | null;
}

/** The parts of one file an outcome is made of. */
export interface AuditFileEnds {
  path: string;
  start: StartRecord | null;
  gate: GateRecord | null;
  end: EndRecord | null;
}

/** What --force overrode, in words ("although presync was not done"), or nothing. */
export function overridden(outcome: Pick<AuditOutcome, 'unmetRequires' | 'cutoverOverride'>): string[] {
  const n = outcome.cutoverOverride;
  return [
    ...(outcome.unmetRequires.length > 0
      ? [`although ${outcome.unmetRequires.join(', ')} ${outcome.unmetRequires.length === 1 ? 'was' : 'were'} not done`]
      : []),
    ...(n > 0 ? [`with ${n} target ${n === 1 ? 'deletion' : 'deletions'} the cutover rule forbids`] : []),
  ];
}

/** One file's outcome; `newest` tells a running (or killed) apply from an interrupted one. Null without a start record. */
export function outcomeOf({ path, start, gate, end }: AuditFileEnds, newest: boolean): AuditOutcome | null {
  if (!start) return null;
  return {
    kind: start.kind ?? 'apply',
    applyId: start.applyId,
    file: path,
    phase: start.phase,
    planSha256: start.planSha256,
    manifest: start.manifest,
    tool: start.tool,
    operator: start.operator,
    forced: start.forced === true,
    unmetRequires: start.unmetRequires ?? [],
    cutoverOverride: start.cutoverOverride ?? 0,
    note: gate?.note ?? null,
    startedAt: start.startedAt,
    endedAt: end?.endedAt ?? null,
    result: end ? end.result : newest ? 'unfinished' : 'interrupted',
    summary: end?.summary ?? null,
  };
}

/** Every apply and gate recorded in `dir`, oldest first; files without a readable start record are left out. */
export async function readAuditOutcomes(dir: string): Promise<AuditOutcome[]> {
  const names = await auditFileNames(dir);
  const outcomes: AuditOutcome[] = [];
  for (const [index, name] of names.entries()) {
    const outcome = outcomeOf(await readFileEnds(join(dir, name)), index === names.length - 1);
    if (outcome) outcomes.push(outcome);
  }
  return outcomes;
}

// Start and end records are small (under a kilobyte); a gate file is three such lines.
const EDGE = 64 * 1024;

async function readFileEnds(path: string): Promise<AuditFileEnds> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = await readAt(handle, 0, Math.min(size, EDGE));
    const tail = size <= EDGE ? head : await readAt(handle, size - EDGE, EDGE);
    const headLines = completeLines(head);
    const start = parsed(headLines[0], isStart);
    const gate =
      start?.kind === 'gate'
        ? parsed(
            headLines[1],
            (record): record is GateRecord =>
              (record as GateRecord).type === 'action' && (record as GateRecord).op === 'gate',
          )
        : null;
    const end = parsed(completeLines(tail).at(-1), isEnd);
    return { path, start, gate, end };
  } finally {
    await handle.close();
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The newline-terminated lines in `bytes` (a torn last line, written by a killed process, is no record). */
function completeLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const last = text.lastIndexOf('\n');
  return last === -1 ? [] : text.slice(0, last).split('\n');
}

function parsed<T>(line: string | undefined, is: (value: unknown) => value is T): T | null {
  if (line === undefined) return null;
  try {
    const value: unknown = JSON.parse(line);
    return is(value) ? value : null;
  } catch {
    return null;
  }
}

function isEnd(value: unknown): value is EndRecord {
  const end = value as EndRecord;
  return (
    typeof end === 'object' &&
    end !== null &&
    end.type === 'end' &&
    ['ok', 'failed', 'interrupted', 'paused'].includes(end.result)
  );
}
