// Writes one apply's audit file: the start record chained to the newest earlier file, one record
// per finished action, the end record. Every line is durable before record() resolves. Writers of
// one migration's audit log must hold its state lock: the chain assumes one writer at a time.
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { MailshiftError, problem } from '../errors.ts';
import { openAppendLog, type AppendLog } from '../state/jsonl-file.ts';
import { guardWrite, writeFault, type WritePlace } from '../state/write-fault.ts';
import { sha256Hex } from '../sha256.ts';
import {
  AUDIT_FILE_NAME,
  AUDIT_FORMAT,
  auditFileNames,
  fileStamp,
  stampDate,
  type AuditAction,
  type AuditEnd,
  type AuditStart,
} from './records.ts';

export type { AuditAction, AuditEnd, AuditGate, AuditStart } from './records.ts';

export interface AuditWriter {
  /** The audit file's path. */
  readonly file: string;
  record(entry: AuditAction): Promise<void>;
  /** A gate's one action: the phase is done, in the operator's words. */
  recordGate(note: string | null): Promise<void>;
  /** Write the end record and close the file; nothing may be recorded afterwards. */
  finish(end: AuditEnd): Promise<void>;
}

/** audit/<name>/ next to the manifest: committed with it, reviewed like it. */
export function auditDirFor(manifestFile: string, name: string): string {
  return join(dirname(manifestFile), 'audit', name);
}

/** Start a new audit file in `dir` (made if missing) and write its first record. */
export async function openAudit(dir: string, start: AuditStart): Promise<AuditWriter> {
  const startedAt = new Date(start.startedAt);
  if (Number.isNaN(startedAt.getTime()))
    throw new MailshiftError(problem('INTERNAL', `audit start time "${start.startedAt}" is not a date`));
  if (!/^[a-z0-9][a-z0-9-]*$/.test(start.phase))
    throw new MailshiftError(problem('INTERNAL', `phase "${start.phase}" cannot name an audit file`));
  const place = (file: string): WritePlace => ({
    code: 'AUDIT_WRITE',
    what: 'the audit log',
    path: file,
    then: 'then run again',
  });
  await guardWrite(place(dir), () => mkdir(dir, { recursive: true }));
  for (let attempt = 1; ; attempt++) {
    const newest = (await auditFileNames(dir)).at(-1);
    const name = `${fileStampAfter(startedAt, newest)}-${start.phase}.jsonl`;
    const previous = newest === undefined ? null : { file: newest, sha256: await fileSha256(join(dir, newest)) };
    let log: AppendLog;
    try {
      log = await openAppendLog(join(dir, name), { exclusive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw writeFault(error, place(join(dir, name)));
    }
    const writer = new FileAuditWriter(join(dir, name), log);
    await writer.begin(start, previous);
    return writer;
  }
}

/**
 * The start second, moved past the newest earlier file's when needed (two applies within a second,
 * a clock set back), so that names always sort in chain order.
 */
function fileStampAfter(startedAt: Date, newest: string | undefined): string {
  const stamp = fileStamp(startedAt);
  const newestStamp = newest === undefined ? undefined : AUDIT_FILE_NAME.exec(newest)![1]!;
  if (newestStamp === undefined || stamp > newestStamp) return stamp;
  return fileStamp(new Date(stampDate(newestStamp).getTime() + 1000));
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const RESULTS = new Set(['done', 'failed', 'skipped']);

class FileAuditWriter implements AuditWriter {
  private count = 0;
  private lastLineSha256: string | null = null;
  private finished = false;
  private stampedAt = Number.NaN;
  private stamp = '';

  private readonly place: WritePlace;

  constructor(
    readonly file: string,
    private readonly log: AppendLog,
  ) {
    this.place = {
      code: 'AUDIT_WRITE',
      what: 'the audit log',
      path: file,
      then: 'then run again (this file stays as it is: incomplete)',
    };
  }

  begin(start: AuditStart, previous: { file: string; sha256: string } | null): Promise<void> {
    return this.write('start', {
      format: AUDIT_FORMAT,
      kind: start.kind,
      applyId: start.applyId,
      phase: start.phase,
      planSha256: start.planSha256,
      manifest: {
        path: start.manifest.path,
        sha256: start.manifest.sha256,
        git: start.manifest.git ? { commit: start.manifest.git.commit, dirty: start.manifest.git.dirty } : null,
      },
      tool: start.tool,
      operator: start.operator,
      startedAt: start.startedAt,
      ...(start.forced !== undefined ? { forced: start.forced } : {}),
      ...(start.unmetRequires !== undefined ? { unmetRequires: start.unmetRequires.map(String) } : {}),
      ...(start.cutoverOverride !== undefined ? { cutoverOverride: Number(start.cutoverOverride) } : {}),
      ...(start.accountsLeftOut !== undefined ? { accountsLeftOut: start.accountsLeftOut.map(String) } : {}),
      previous,
    });
  }

  record(entry: AuditAction): Promise<void> {
    if (this.finished)
      return Promise.reject(new MailshiftError(problem('INTERNAL', 'audit record after the end record')));
    if (!RESULTS.has(entry.result) || typeof entry.op !== 'string' || typeof entry.account !== 'string') {
      return Promise.reject(new MailshiftError(problem('INTERNAL', `not an audit action: ${JSON.stringify(entry)}`)));
    }
    // Field by field: whatever else a caller's object holds (a message, a credential) never gets in.
    // Built in the order the line lists them, with no object per optional field: one per action.
    const record: Record<string, unknown> = {
      type: 'action',
      n: 0,
      at: this.now(),
      account: entry.account,
      folder: entry.folder ?? null,
      target: entry.target ?? null,
      op: entry.op,
    };
    if (entry.uid !== undefined) record.uid = entry.uid;
    if (entry.targetUid !== undefined) record.targetUid = entry.targetUid;
    record.result = entry.result;
    if (entry.reason !== undefined) record.reason = entry.reason;
    if (entry.identity !== undefined) record.identity = entry.identity;
    if (entry.size !== undefined) record.size = entry.size;
    if (entry.server !== undefined) record.server = String(entry.server);
    if (entry.waitedMs !== undefined) record.waitedMs = Number(entry.waitedMs);
    if (entry.side !== undefined) record.side = entry.side === 'source' ? 'source' : 'target';
    if (entry.usedBytes !== undefined) record.usedBytes = Number(entry.usedBytes);
    if (entry.budgetBytes !== undefined) record.budgetBytes = Number(entry.budgetBytes);
    if (entry.until !== undefined) record.until = String(entry.until);
    return this.chain(record);
  }

  recordGate(note: string | null): Promise<void> {
    if (this.finished)
      return Promise.reject(new MailshiftError(problem('INTERNAL', 'audit record after the end record')));
    if (note !== null && typeof note !== 'string')
      return Promise.reject(new MailshiftError(problem('INTERNAL', 'a gate note is text')));
    return this.write('action', { at: this.now(), op: 'gate', note, result: 'done' });
  }

  async finish(end: AuditEnd): Promise<void> {
    if (this.finished) throw new MailshiftError(problem('INTERNAL', 'the audit file was already finished'));
    this.finished = true;
    try {
      await this.write('end', {
        result: end.result,
        summary: end.summary,
        failures: end.failures,
        endedAt: end.endedAt,
      });
    } finally {
      await guardWrite(this.place, () => this.log.close());
    }
  }

  private write(type: 'start' | 'action' | 'end', fields: Record<string, unknown>): Promise<void> {
    return this.chain({ type, n: 0, ...fields });
  }

  /**
   * Number and chain the record at the moment of the call, so concurrent records keep one order.
   * The record starts with type and n (numbered here); prev goes last.
   */
  private chain(record: Record<string, unknown>): Promise<void> {
    record.n = ++this.count;
    record.prev = this.lastLineSha256;
    const line = JSON.stringify(record);
    this.lastLineSha256 = sha256Hex(line);
    return guardWrite(this.place, () => this.log.append(line));
  }

  /** Now as an ISO string, formatted once per millisecond: a batch's actions mostly finish within one. */
  private now(): string {
    const now = Date.now();
    if (now !== this.stampedAt) {
      this.stampedAt = now;
      this.stamp = new Date(now).toISOString();
    }
    return this.stamp;
  }
}
