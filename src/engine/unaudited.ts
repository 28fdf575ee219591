// The journal is written before the audit (a re-run must never repeat an action), so an apply
// killed between the two (kill -9, a second Ctrl-C) leaves journaled actions no audit file holds.
// The next apply of the plan finds them and audits them first, in its own file: every action the
// journal has is then in the audit log once.
import { actionKey } from '../apply/journal-keys.ts';
import { scanAuditFile } from '../audit/file-check.ts';
import type { AuditOutcome } from '../audit/outcomes.ts';
import type { AuditAction, AuditWriter } from '../audit/writer.ts';
import type { Plan } from '../plan/types.ts';
import type { Journal } from '../state/store.ts';

const REASON = 'journaled by an earlier apply of this plan that ended before auditing it';

/** Audit, in `audit`, each journal entry whose result no earlier audit file of the plan (in `log`) ends with. Returns how many. */
export async function auditUnaudited(
  plan: Plan,
  planSha256: string,
  journal: Journal,
  log: AuditOutcome[],
  audit: AuditWriter,
): Promise<number> {
  const entries = journal.entries();
  if (entries.length === 0) return 0;
  const audited = new Map<string, string>();
  for (const outcome of log) {
    if (outcome.planSha256 !== planSha256 || outcome.file === audit.file) continue;
    await scanAuditFile(outcome.file, (record) =>
      audited.set(
        actionKey(record.account, { source: record.folder, target: record.target ?? '' }, record),
        record.result,
      ),
    );
  }
  const missing = entries.filter((entry) => audited.get(entry.key) !== entry.result);
  if (missing.length === 0) return 0;
  const actions = planActions(plan);
  let written = 0;
  for (const entry of missing) {
    const action = actions.get(entry.key);
    if (!action) continue; // not this plan's action (the journal is per plan, so only after a hand edit)
    const record: AuditAction = { ...action, result: entry.result, reason: REASON };
    if (action.op === 'copy' && entry.detail && 'targetUid' in entry.detail)
      record.targetUid = entry.detail.targetUid as number | null;
    await audit.record(record);
    written++;
  }
  return written;
}

/** Each action of the plan by its journal key, as the audit records it (without result). */
function planActions(plan: Plan): Map<string, Omit<AuditAction, 'result'>> {
  const actions = new Map<string, Omit<AuditAction, 'result'>>();
  for (const account of plan.accounts) {
    for (const folder of account.folders) {
      for (const action of folder.actions) {
        actions.set(actionKey(account.id, folder, action), {
          account: account.id,
          folder: folder.source,
          target: folder.target,
          op: action.op,
          ...('uid' in action ? { uid: action.uid } : {}),
          ...('identity' in action ? { identity: action.identity } : {}),
          ...(action.op === 'copy' ? { size: action.size } : {}),
        });
      }
    }
  }
  return actions;
}
