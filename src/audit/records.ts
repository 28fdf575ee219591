// The audit log's contract: what each line holds and how files are named. One file per apply (or
// gate), audit/<name>/<UTC start, e.g. 20261123T091500Z>-<phase>.jsonl, one JSON record per line:
//   line 1   {"type":"start","n":1,"format":"mailshift-audit/v1","kind":"apply",…,"previous":{file,sha256}|null,"prev":null}
//   then     {"type":"action","n":2,"at":…,"account":…,"op":"copy",…,"result":"done","prev":"<sha256 of line 1>"}
//   last     {"type":"end","n":…,"result":"ok",…,"prev":"<sha256 of the line before>"}
// A gate's file holds one action, {"op":"gate","note":…,"result":"done"}, between its start and end.
// `n` numbers the records (a deleted line leaves a gap), `prev` chains each line to the one before
// (an edited line breaks it), and `previous` chains the file to the newest earlier one.
import { readdir } from 'node:fs/promises';

export const AUDIT_FORMAT = 'mailshift-audit/v1';

/** What the first record says about the apply or gate. */
export interface AuditStart {
  /** Files written before gates existed have no kind: they are applies. */
  kind: 'apply' | 'gate';
  /** Also the id of a gate. */
  applyId: string;
  phase: string;
  /** The applied plan file's SHA-256; null for a gate, which has no plan. */
  planSha256: string | null;
  /** `path` as the plan records it (relative, never absolute). */
  manifest: { path: string; sha256: string; git: { commit: string; dirty: boolean } | null };
  tool: string;
  /** user@host */
  operator: string;
  startedAt: string;
  /** Set when --force overrode the phase order (or re-recorded a gate); `unmetRequires` then names what was missing. */
  forced?: boolean;
  unmetRequires?: string[];
  /** Set when --force let through target deletions the cutover rule forbids: how many. */
  cutoverOverride?: number;
  /** The accounts the applied plan left out because they could not be planned (its accountsFailed). */
  accountsLeftOut?: string[];
}

/** One finished action. Only these fields are written: never message content, never a secret. */
export interface AuditAction {
  account: string;
  /** Source folder (null for target-only folders). */
  folder: string | null;
  target: string | null;
  op: string;
  uid?: number;
  /** For copies, the target UID from APPENDUID (null when the server did not say). */
  targetUid?: number | null;
  result: 'done' | 'failed' | 'skipped';
  reason?: string;
  identity?: string;
  size?: number;
  /** A throttle episode (op 'throttle'): the server (host:port) and how long the account waited. */
  server?: string;
  waitedMs?: number;
  /** A pause by a daily byte budget (op 'quota'): the side, its bytes in the last 24 h, its budget, and until when (ISO UTC). */
  side?: 'source' | 'target';
  usedBytes?: number;
  budgetBytes?: number;
  until?: string;
}

/** The one action of a gate: the operator's own words, nothing else. */
export interface AuditGate {
  op: 'gate';
  note: string | null;
  result: 'done';
}

/**
 * Finished actions counted: what apply's summary and the end record say, and what `mailshift
 * audit` recounts from the action records (so the two can be compared key by key).
 */
export interface ActionCounts {
  foldersCreated: number;
  messagesCopied: number;
  bytesCopied: number;
  flagUpdates: number;
  targetDeletes: number;
  foldersDeleted: number;
  sourceDeletes: number;
  skipped: number;
  failed: number;
}

/** All counts at zero. */
export function emptyActionCounts(): ActionCounts {
  return {
    foldersCreated: 0,
    messagesCopied: 0,
    bytesCopied: 0,
    flagUpdates: 0,
    targetDeletes: 0,
    foldersDeleted: 0,
    sourceDeletes: 0,
    skipped: 0,
    failed: 0,
  };
}

export interface AuditEnd {
  /** 'paused': a daily byte budget stopped an account before its work was done (and nothing failed). */
  result: 'ok' | 'failed' | 'interrupted' | 'paused';
  summary: Record<string, number>;
  failures: number;
  endedAt: string;
}

type Chained = { n: number; prev: string | null };
export type StartRecord = { type: 'start'; format: string } & Omit<AuditStart, 'kind'> & {
    kind?: AuditStart['kind'];
    previous: { file: string; sha256: string } | null;
  } & Chained;
export type ActionRecord = { type: 'action'; at: string } & AuditAction & Chained;
export type GateRecord = { type: 'action'; at: string } & AuditGate & Chained;
export type EndRecord = { type: 'end' } & AuditEnd & Chained;
export type AuditRecord = StartRecord | ActionRecord | GateRecord | EndRecord;

/** An audit file's name: its start second, then its phase. */
export const AUDIT_FILE_NAME = /^(\d{8}T\d{6}Z)-([a-z0-9][a-z0-9-]*)\.jsonl$/;

/** "2026-11-23T09:15:00.123Z" → "20261123T091500Z". */
export function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** "20261123T091500Z" → the Date it names. */
export function stampDate(stamp: string): Date {
  return new Date(stamp.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
}

/** The audit files in `dir`, oldest first (their names sort in time order); none when it does not exist. */
export async function auditFileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => AUDIT_FILE_NAME.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
