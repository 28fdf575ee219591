import { shellWord } from '../engine/runbook.ts';
import { MailshiftError, problem } from '../errors.ts';
import { canonicalPlanJson } from '../plan/canonical-json.ts';
import type { Plan } from '../plan/types.ts';
import { COMMENT_MAX_CHARS, renderPlanComment } from '../render/plan-comment.ts';
import { renderPlanMarkdown } from '../render/plan-markdown.ts';
import { renderPlanText } from '../render/plan-text.ts';
import type { GlobalOptions } from './io.ts';

export type PlanFormat = 'text' | 'markdown' | 'json';
const FORMATS: PlanFormat[] = ['text', 'markdown', 'json'];
/** Below this a comment holds little more than its totals and warning classes. */
const MIN_COMMENT_CHARS = 2_000;

/** How the markdown view is cut: the comment (at most `maxChars`) or, with `full`, every account's table. */
export interface MarkdownView {
  full: boolean;
  maxChars: number;
}

/** The options `plan` and `show` share for the markdown view. */
export const MARKDOWN_OPTIONS = {
  full: { type: 'boolean' },
  'max-chars': { type: 'string' },
} as const;

export const MARKDOWN_USAGE = `  --full                with --format markdown: every account's folder table, however long (the
                        file a workflow uploads next to the comment)
  --max-chars N         with --format markdown: the comment's most characters (default ${COMMENT_MAX_CHARS}, under
                        GitHub's 65,536); a longer plan keeps the totals, every warning kind and every
                        deletion, then the riskiest and largest accounts that fit`;

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

/** The --full and --max-chars values, checked (they only mean something for markdown). */
export function markdownView(values: Record<string, unknown>, format: PlanFormat): MarkdownView {
  const full = Boolean(values.full);
  const given = values['max-chars'];
  if ((full || given !== undefined) && format !== 'markdown')
    throw new MailshiftError(
      problem('USAGE', `--${full ? 'full' : 'max-chars'} goes with --format markdown`, 'add --format markdown'),
    );
  const maxChars = given === undefined ? COMMENT_MAX_CHARS : Number(given);
  if (!Number.isInteger(maxChars) || maxChars < MIN_COMMENT_CHARS)
    throw new MailshiftError(
      problem('USAGE', `--max-chars ${given} is not a whole number of at least ${MIN_COMMENT_CHARS}`),
    );
  if (full && given !== undefined)
    throw new MailshiftError(problem('USAGE', '--full and --max-chars exclude each other', 'choose one'));
  return { full, maxChars };
}

/** A plan in the format asked for; `planPath` is where the plan file is, for the comment to name the full tables. */
export function renderPlan(
  plan: Plan,
  format: PlanFormat,
  options: GlobalOptions,
  markdown: MarkdownView & { planPath: string },
): string {
  switch (format) {
    case 'json':
      return canonicalPlanJson(plan);
    case 'markdown':
      return markdown.full
        ? renderPlanMarkdown(plan)
        : renderPlanComment(plan, {
            maxChars: markdown.maxChars,
            fullTables: `\`mailshift show ${shellWord(markdown.planPath)} --format markdown --full\``,
          });
    case 'text':
      return renderPlanText(plan, { palette: { color: options.color }, verbose: options.verbose });
  }
}
