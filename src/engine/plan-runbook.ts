// What a plan knows of the runbook it was made in, and what apply checks against it: the applies
// and gates the audit log showed as done, and the gate since which the cutover rule holds. Pure.
import type { AuditOutcome } from '../audit/outcomes.ts';
import type { Cutover } from '../plan/cutover.ts';
import type { Plan, PlanRunbook, RunbookMark } from '../plan/types.ts';

/** The runbook state to record in a plan made now, from the audit log (oldest first). */
export function planRunbook(log: readonly AuditOutcome[], forced: boolean): PlanRunbook {
  const after = log
    .filter((entry) => entry.result === 'ok')
    .map((entry): RunbookMark => ({ kind: entry.kind, phase: entry.phase, id: entry.applyId, at: endOf(entry) }));
  return { after, cutover: cutoverOf(log, forced) };
}

/** The latest gate recorded in full: from then on mail reaches the new server by itself. */
export function cutoverOf(log: readonly AuditOutcome[], forced: boolean): Cutover | null {
  const gate = log.filter((entry) => entry.kind === 'gate' && entry.result === 'ok').at(-1);
  return gate ? { gate: gate.phase, at: endOf(gate), forced } : null;
}

/** Gates recorded since the plan was made: not among those it records, or (plans without the record) done after its createdAt. */
export function gatesSince(plan: Pick<Plan, 'createdAt' | 'runbook'>, log: readonly AuditOutcome[]): AuditOutcome[] {
  const known = new Set(plan.runbook?.after.filter((mark) => mark.kind === 'gate').map((mark) => mark.id) ?? []);
  return log.filter(
    (entry) =>
      entry.kind === 'gate' &&
      entry.result === 'ok' &&
      (plan.runbook ? !known.has(entry.applyId) : doneAfter(entry, plan.createdAt)),
  );
}

/** Whether the record ended after `createdAt`; plans say whole seconds, so the same second counts as before. */
export function doneAfter(entry: AuditOutcome, createdAt: string): boolean {
  return Math.floor(Date.parse(endOf(entry)) / 1000) * 1000 > Date.parse(createdAt);
}

function endOf(entry: AuditOutcome): string {
  return entry.endedAt ?? entry.startedAt;
}
