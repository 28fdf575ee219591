import { basename } from 'node:path';
import type { AuditChainReport, AuditProblem } from '../audit/chain.ts';
import { paint, type Palette } from './palette.ts';
import { plural } from './sizes.ts';

/** "hash chain: ok (3 files)", or BROKEN with each problem; notes on interrupted applies below. */
export function renderChainLines(chain: AuditChainReport, palette: Palette): string[] {
  const breaks = chain.problems.filter((problem) => problem.severity === 'break');
  const notes = chain.problems.filter((problem) => problem.severity === 'note');
  const files = plural(chain.files, 'file');
  const lines =
    breaks.length === 0
      ? [`hash chain: ${paint(palette, 'green', 'ok')} (${files})`]
      : [
          `hash chain: ${paint(palette, 'red', 'BROKEN')}: ${plural(breaks.length, 'problem')} in ${files}`,
          ...breaks.map((problem) => `  ✗ ${where(problem)}: ${problem.message}`),
        ];
  return [
    ...lines,
    ...notes.map((problem) => `  ${paint(palette, 'dim', 'note:')} ${where(problem)}: ${problem.message}`),
  ];
}

/** name:line, or the name alone for problems with a whole file (the heading names the folder). */
function where(problem: AuditProblem): string {
  return problem.line === undefined ? basename(problem.file) : `${basename(problem.file)}:${problem.line}`;
}
