// What the audit log says happened: the applies (and gates) in order with their counts, and one
// apply broken down by account and folder. Counts come from the action records themselves, not
// from the end record's summary, so they show what was audited even for an interrupted apply.
import { join } from 'node:path';
import type { ActionOp } from '../plan/types.ts';
import { scanAuditFile, type ActionVisitor } from './file-check.ts';
import { outcomeOf, type AuditOutcome } from './outcomes.ts';
import { auditFileNames, emptyActionCounts, type ActionCounts, type ActionRecord } from './records.ts';

/** What the action records add up to: the summary's counts, and the subscriptions it does not count. */
export interface AuditCounts extends ActionCounts {
  subscribed: number;
}

/** Which count a done action adds to; exhaustive, so a new action kind cannot go uncounted. */
const COUNTED_AS: Record<ActionOp, keyof AuditCounts> = {
  createFolder: 'foldersCreated',
  subscribe: 'subscribed',
  copy: 'messagesCopied',
  setFlags: 'flagUpdates',
  deleteTarget: 'targetDeletes',
  deleteFolder: 'foldersDeleted',
  deleteSource: 'sourceDeletes',
};

/** An apply or gate, with what its action records add up to (all zero for a gate). */
export interface AuditApplySummary extends AuditOutcome {
  counts: AuditCounts;
}

export interface AuditFailure {
  op: string;
  uid?: number;
  result: 'failed' | 'skipped';
  reason: string;
  line: number;
}

export interface AuditFolder {
  source: string | null;
  target: string | null;
  counts: AuditCounts;
  /** Failed actions, each with its reason. */
  failures: AuditFailure[];
  /** Skipped actions by reason. */
  skipped: Array<{ reason: string; count: number }>;
}

/** A throttle episode (op 'throttle'): no action of the plan's, so it belongs to no folder. */
export interface AuditThrottle {
  server: string;
  reason: string;
  waitedMs: number;
  line: number;
}

/** A pause by a daily byte budget (op 'quota'): like a throttle episode, it belongs to no folder. */
export interface AuditPause {
  until: string;
  reason: string;
  line: number;
}

export interface AuditApplyDetail extends AuditApplySummary {
  accounts: Array<{ id: string; folders: AuditFolder[]; throttled: AuditThrottle[]; paused: AuditPause[] }>;
}

/** All counts at zero. */
export function emptyAuditCounts(): AuditCounts {
  return { ...emptyActionCounts(), subscribed: 0 };
}

/** Add one action record to `counts`. */
export function countAction(counts: AuditCounts, record: Pick<ActionRecord, 'op' | 'result' | 'size'>): void {
  if (record.result !== 'done') {
    counts[record.result]++;
    return;
  }
  if (!Object.hasOwn(COUNTED_AS, record.op)) return;
  counts[COUNTED_AS[record.op as ActionOp]]++;
  if (record.op === 'copy') counts.bytesCopied += record.size ?? 0;
}

/** Every apply and gate recorded in `dir`, oldest first. Files whose start record is unreadable are left to checkAuditChain. */
export async function readAuditLog(dir: string): Promise<AuditApplySummary[]> {
  const names = await auditFileNames(dir);
  const applies: AuditApplySummary[] = [];
  for (const [index, name] of names.entries()) {
    const counts = emptyAuditCounts();
    const scanned = await scanAuditFile(join(dir, name), (record) => countAction(counts, record));
    const outcome = outcomeOf(scanned, index === names.length - 1);
    if (outcome) applies.push({ ...outcome, counts });
  }
  return applies;
}

/** One apply by account and folder, in the order the executor recorded them. */
export async function readAuditApply(apply: AuditApplySummary): Promise<AuditApplyDetail> {
  const accounts = new Map<string, Map<string, AuditFolder & { skippedBy: Map<string, number> }>>();
  const throttled = new Map<string, AuditThrottle[]>();
  const paused = new Map<string, AuditPause[]>();
  const visit: ActionVisitor = (record, line) => {
    if (record.op === 'quota') {
      const pauses = paused.get(record.account) ?? paused.set(record.account, []).get(record.account)!;
      pauses.push({ until: String(record.until ?? ''), reason: record.reason ?? '', line });
      if (!accounts.has(record.account)) accounts.set(record.account, new Map());
      return;
    }
    if (record.op === 'throttle') {
      const episodes = throttled.get(record.account) ?? throttled.set(record.account, []).get(record.account)!;
      episodes.push({
        server: String(record.server ?? ''),
        reason: record.reason ?? '',
        waitedMs: Number(record.waitedMs ?? 0),
        line,
      });
      if (!accounts.has(record.account)) accounts.set(record.account, new Map());
      return;
    }
    const folders = accounts.get(record.account) ?? accounts.set(record.account, new Map()).get(record.account)!;
    const key = JSON.stringify([record.folder, record.target]);
    const folder =
      folders.get(key) ??
      folders
        .set(key, {
          source: record.folder,
          target: record.target,
          counts: emptyAuditCounts(),
          failures: [],
          skipped: [],
          skippedBy: new Map(),
        })
        .get(key)!;
    countAction(folder.counts, record);
    const reason = record.reason ?? 'no reason recorded';
    if (record.result === 'failed')
      folder.failures.push({
        op: record.op,
        ...(record.uid !== undefined ? { uid: record.uid } : {}),
        result: 'failed',
        reason,
        line,
      });
    if (record.result === 'skipped') folder.skippedBy.set(reason, (folder.skippedBy.get(reason) ?? 0) + 1);
  };
  await scanAuditFile(apply.file, visit);
  return {
    ...apply,
    accounts: [...accounts].map(([id, folders]) => ({
      id,
      throttled: throttled.get(id) ?? [],
      paused: paused.get(id) ?? [],
      folders: [...folders.values()].map(({ skippedBy, ...folder }) => ({
        ...folder,
        skipped: [...skippedBy].map(([reason, count]) => ({ reason, count })),
      })),
    })),
  };
}

/** The applies whose id is `idOrPrefix`, or else starts with it. */
export function findApplies(applies: readonly AuditApplySummary[], idOrPrefix: string): AuditApplySummary[] {
  const wanted = idOrPrefix.toLowerCase();
  const exact = applies.filter((apply) => apply.applyId.toLowerCase() === wanted);
  return exact.length > 0 ? exact : applies.filter((apply) => apply.applyId.toLowerCase().startsWith(wanted));
}
