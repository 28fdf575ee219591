import type { AuditOutcome } from '../audit/outcomes.ts';
import type { Runbook, RunbookPhase } from '../engine/runbook.ts';

/** `mailshift status --format json`: a stable object for scripts (fields documented in the README). */
export function renderStatusJson(runbook: Runbook): string {
  return `${JSON.stringify(
    {
      format: 'mailshift-status/v1',
      name: runbook.name,
      manifest: runbook.manifest,
      complete: runbook.next === null,
      next: runbook.next,
      phases: runbook.phases.map(phaseJson),
    },
    null,
    2,
  )}\n`;
}

function phaseJson(phase: RunbookPhase) {
  return {
    name: phase.name,
    kind: phase.kind,
    state: phase.state,
    description: phase.description,
    instruction: phase.instruction,
    requires: phase.requires,
    plan: phase.plan,
    lastApply: phase.lastApply && {
      ...recordJson(phase.lastApply),
      planSha256: phase.lastApply.planSha256,
      endedAt: phase.lastApply.endedAt,
      result: phase.lastApply.result,
      counts: phase.lastApply.summary,
    },
    gate:
      phase.kind === 'manual'
        ? phase.gate
          ? { done: true, ...recordJson(phase.gate), note: phase.gate.note }
          : { done: false }
        : null,
    step: phase.step,
  };
}

/** What applies and gates share: their id, who and when, and what --force overrode. */
function recordJson(record: AuditOutcome) {
  return {
    id: record.applyId,
    at: record.startedAt,
    operator: record.operator,
    forced: record.forced,
    unmetRequires: record.unmetRequires,
  };
}
