// The phase order rule: a phase may be applied (or gated) once every phase it `requires` is
// applied or gated. These are its words: the refusal, and the plan-time notice.
import { problem, warning, type Diagnostic } from '../errors.ts';
import { shellWord, type RunbookPhase } from './runbook.ts';

/** What is missing, in words: "presync (not applied yet) and switch-mx (a manual gate, not recorded yet)". */
function missingPhrase(missing: readonly RunbookPhase[]): string {
  const phrases = missing.map(
    (phase) => `${phase.name} (${phase.kind === 'manual' ? 'a manual gate, not recorded yet' : 'not applied yet'})`,
  );
  return phrases.length <= 1 ? phrases.join('') : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

/** The commands that would do the missing phases, in runbook order. */
function stepsPhrase(missing: readonly RunbookPhase[]): string {
  return missing
    .map((phase) =>
      phase.step?.action === 'plan' ? `${phase.step.command}, then apply that plan` : (phase.step?.command ?? ''),
    )
    .join('; ');
}

/**
 * The refusal when `what` (e.g. `apply phase "final"`) comes too early: each missing phase, and the
 * exact commands to run first; `--force` overrides, and is audited.
 */
export function phaseOrderProblem(what: string, missing: readonly RunbookPhase[], manifestPath: string): Diagnostic {
  return problem(
    'PHASE_ORDER',
    `cannot ${what}: it requires ${missingPhrase(missing)}`,
    `run first: ${stepsPhrase(missing)}. \`mailshift status ${shellWord(manifestPath)}\` shows the whole runbook. ` +
      'To go ahead anyway, add --force: the audit log records it as forced, with what was missing',
  );
}

/** Planning ahead is fine (plans are reviewed early); this says apply will wait. */
export function phaseOrderNotice(phase: string, missing: readonly RunbookPhase[], manifestPath: string): Diagnostic {
  return warning(
    'PHASE_ORDER',
    `phase "${phase}" requires ${missingPhrase(missing)}: apply will refuse this plan until then`,
    `the runbook, and what to run next: mailshift status ${shellWord(manifestPath)}`,
  );
}
