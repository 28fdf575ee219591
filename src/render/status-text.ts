import { emptyCounts, type ApplyCounts } from '../apply/outcome.ts';
import { overridden, type AuditOutcome } from '../audit/outcomes.ts';
import { shellWord, type PhaseState, type PlanStatus, type Runbook, type RunbookPhase } from '../engine/runbook.ts';
import type { PlanSummary } from '../plan/types.ts';
import { leftOutIds, namedAccounts } from '../plan/account-names.ts';
import { countsLine } from './apply-progress.ts';
import { accountOptions } from './replan-accounts.ts';
import { paint, type Colour, type Palette } from './palette.ts';
import { formatBytes, plural } from './sizes.ts';
import { tableLines, type Cell } from './table.ts';

const HEADINGS = ['PHASE', 'KIND', 'STATE', 'REQUIRES', 'PLAN', 'LAST APPLY / GATE'];
const STATE_COLOURS: Record<PhaseState, Colour | undefined> = {
  done: 'green',
  next: 'bold',
  ready: undefined,
  blocked: 'yellow',
};

/** `mailshift status`: the phases in order as a table, a line of detail under each, then the next command. */
export function renderStatusText(runbook: Runbook, palette: Palette): string {
  const rows = runbook.phases.map(row);
  const table = tableLines(HEADINGS, rows, palette);
  const lines = [paint(palette, 'bold', `mailshift status: ${runbook.name} (${runbook.manifest})`), '', table.heading];
  runbook.phases.forEach((phase, index) => {
    lines.push(table.rows[index]!);
    for (const detail of details(phase)) lines.push(paint(palette, 'dim', `  ${detail}`));
    for (const left of leftOut(phase, runbook.manifest)) lines.push(paint(palette, 'red', `  ${left}`));
  });
  lines.push('', 'Times are UTC.', '');
  if (runbook.next === null) {
    lines.push(paint(palette, 'green', 'The runbook is complete: every phase is applied or gated.'));
  } else {
    lines.push(`${paint(palette, 'bold', 'Next:')} ${runbook.next.command}`, `      ${runbook.next.why}`);
  }
  return `${lines.join('\n')}\n`;
}

function row(phase: RunbookPhase): Cell[] {
  const unmet = phase.requires.some((requirement) => !requirement.met);
  return [
    { text: phase.name },
    { text: phase.kind },
    { text: phase.state, colour: STATE_COLOURS[phase.state] },
    {
      text:
        phase.requires.map((requirement) => `${requirement.phase} ${requirement.met ? '✓' : '✗'}`).join(', ') || '-',
      ...(unmet ? { colour: 'red' as const } : {}),
    },
    phase.plan ? planCell(phase.plan) : { text: '-' },
    phase.kind === 'manual' ? gateCell(phase.gate) : applyCell(phase.lastApply),
  ];
}

function planCell(plan: PlanStatus): Cell {
  switch (plan.state) {
    case 'missing':
      return { text: 'none' };
    case 'unreadable':
      return { text: `unusable: ${plan.reason}`, colour: 'red' };
    case 'stale':
      return { text: `${minute(plan.createdAt)}, stale (manifest changed)`, colour: 'yellow' };
    case 'current':
      if (plan.outdatedBy.length > 0 && !plan.applied)
        return {
          text: `${minute(plan.createdAt)}: ${changes(plan.summary)}, made before ${plan.outdatedBy.join(', ')}`,
          colour: 'yellow',
        };
      return { text: `${minute(plan.createdAt)}: ${changes(plan.summary)}${plan.applied ? ', applied' : ''}` };
  }
}

function applyCell(apply: AuditOutcome | null): Cell {
  if (apply === null) return { text: '-' };
  const counts = apply.summary ? `: ${countsLine({ ...emptyCounts(), ...apply.summary } as ApplyCounts, 0)}` : '';
  const unfinished = apply.result === 'unfinished' ? ' (running, or killed)' : '';
  const colour: Colour = apply.forced
    ? 'yellow'
    : apply.result === 'ok'
      ? 'green'
      : apply.result === 'failed'
        ? 'red'
        : 'yellow';
  return {
    text: `${apply.result}${apply.forced ? ' (forced)' : ''} ${minute(apply.startedAt)} by ${apply.operator}${unfinished}${counts}`,
    colour,
  };
}

function gateCell(gate: AuditOutcome | null): Cell {
  if (gate === null) return { text: 'pending' };
  return {
    text: `gated${gate.forced ? ' (forced)' : ''} ${minute(gate.startedAt)} by ${gate.operator}`,
    colour: gate.forced ? 'yellow' : 'green',
  };
}

/** The lines under a phase's row: what it is, and what the audit log adds (a gate's note, what --force overrode). */
function details(phase: RunbookPhase): string[] {
  const lines: string[] = [];
  if (phase.instruction !== null) lines.push(phase.instruction);
  if (phase.description !== null) lines.push(phase.description);
  const record = phase.kind === 'manual' ? phase.gate : phase.lastApply;
  if (record?.note) lines.push(`note: ${record.note}`);
  if (record?.forced) lines.push(...overridden(record).map((why) => `forced ${why}`));
  return lines;
}

/** The accounts the phase's plan left out (they could not be planned): not done, whatever the phase's state says. */
function leftOut(phase: RunbookPhase, manifest: string): string[] {
  if (phase.plan?.state !== 'current' || phase.plan.accountsFailed.length === 0) return [];
  const ids = leftOutIds(phase.plan.accountsFailed);
  return [
    `not done for ${plural(ids.length, 'account')}, which the plan left out (they could not be planned): ${namedAccounts(ids)}`,
    `once they work: mailshift plan ${shellWord(manifest)} --phase ${phase.name} ${accountOptions(ids)}`,
  ];
}

/** "12 copies (3.4 MB), 2 flag updates, 3 deletions", or "no changes". */
function changes(summary: PlanSummary): string {
  const deletions = summary.targetDeletes + summary.sourceDeletes + summary.foldersToDelete;
  const parts = [
    ...(summary.foldersToCreate > 0 ? [`${plural(summary.foldersToCreate, 'folder')} to create`] : []),
    ...(summary.messagesToCopy > 0
      ? [`${plural(summary.messagesToCopy, 'copy', 'copies')} (${formatBytes(summary.bytesToCopy)})`]
      : []),
    ...(summary.flagUpdates > 0 ? [plural(summary.flagUpdates, 'flag update')] : []),
    ...(deletions > 0 ? [plural(deletions, 'deletion')] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

/** "2026-11-22T15:10:07.123Z" → "2026-11-22 15:10". */
function minute(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}
