import { createTwoFilesPatch } from 'diff';
import { canonicalPlanJson } from '../plan/canonical-json.ts';
import type { Plan, PlanSummary } from '../plan/types.ts';

/** What changed between two plans: a unified diff of their canonical forms (createdAt left out) and count changes. */
export function renderPlanDiff(
  oldPlan: Plan,
  newPlan: Plan,
  names: { old: string; new: string },
): { text: string; changed: boolean } {
  const before = canonicalPlanJson({ ...oldPlan, createdAt: '' });
  const after = canonicalPlanJson({ ...newPlan, createdAt: '' });
  if (before === after)
    return { text: `No differences between ${names.old} and ${names.new} (apart from createdAt).\n`, changed: false };
  const patch = createTwoFilesPatch(names.old, names.new, before, after, oldPlan.createdAt, newPlan.createdAt, {
    context: 3,
  });
  return { text: `${patch}\n${countChanges(oldPlan.summary, newPlan.summary)}`, changed: true };
}

function countChanges(before: PlanSummary, after: PlanSummary): string {
  const lines = (Object.keys(after) as Array<keyof PlanSummary>).map((key) => {
    const delta = after[key] - before[key];
    return delta === 0
      ? `  ${key}: ${after[key]}`
      : `  ${key}: ${before[key]} → ${after[key]} (${delta > 0 ? '+' : ''}${delta})`;
  });
  return `Summary:\n${lines.join('\n')}\n`;
}
