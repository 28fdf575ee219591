import { MailshiftError, problem } from '../errors.ts';
import { canonicalPlanJson } from '../plan/canonical-json.ts';
import type { Plan } from '../plan/types.ts';
import { renderPlanMarkdown } from '../render/plan-markdown.ts';
import { renderPlanText } from '../render/plan-text.ts';
import type { GlobalOptions } from './io.ts';

export type PlanFormat = 'text' | 'markdown' | 'json';
const FORMATS: PlanFormat[] = ['text', 'markdown', 'json'];

/** The --format value, checked. */
export function planFormat(value: unknown): PlanFormat {
  const format = (value ?? 'text') as PlanFormat;
  if (!FORMATS.includes(format)) {
    throw new MailshiftError(
      problem('USAGE', `--format ${format} is not a plan format`, `use one of: ${FORMATS.join(', ')}`),
    );
  }
  return format;
}

/** A plan in the format asked for. */
export function renderPlan(plan: Plan, format: PlanFormat, options: GlobalOptions): string {
  switch (format) {
    case 'json':
      return canonicalPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan, { palette: { color: options.color }, verbose: options.verbose });
  }
}
