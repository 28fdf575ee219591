// The plan as a pull-request comment that fits GitHub's 65,536-character limit at any number of
// accounts. A plan whose whole markdown fits is shown whole; a larger one keeps what a reviewer
// must see (totals, every warning class, every deletion group) and then as many accounts as fit,
// riskiest and largest first, and says where the full tables are.
import type { Plan, PlanWarning } from '../plan/types.ts';
import { restSentence, weighAccounts, type AccountWeight } from './plan-comment-accounts.ts';
import {
  accountSection,
  deletionGroups,
  deletionsSection,
  failedSection,
  planFooter,
  planHeading,
  renderPlanMarkdown,
  summaryTable,
  warningText,
} from './plan-markdown.ts';

/** The default budget: GitHub refuses comments over 65,536 characters; the rest is room for the workflow's own lines. */
export const COMMENT_MAX_CHARS = 60_000;

export interface CommentOptions {
  /** The most characters the comment may take (counted in UTF-16 units, never fewer than GitHub counts). */
  maxChars: number;
  /** Where every account's table is, as a reader can open it: "`mailshift show … --full`". */
  fullTables: string;
}

/** Deletions listed one by one per folder, tried in turn until the deletions fit. */
const DELETION_DETAILS = [10, 3, 0];
/** A warning's example message is cut to this, so that the classes fit however long the messages are. */
const WARNING_EXAMPLE_CHARS = 240;

/** The plan as a pull-request comment of at most `maxChars` characters (warning classes and totals are never cut). */
export function renderPlanComment(plan: Plan, options: CommentOptions): string {
  const whole = renderPlanMarkdown(plan);
  return whole.length <= options.maxChars ? whole : shortened(plan, options);
}

function shortened(plan: Plan, options: CommentOptions): string {
  const weights = weighAccounts(plan);
  const footer = planFooter(plan);
  const notice = (shown: number) =>
    `_Shortened to fit a pull-request comment: ${shown} of ${plan.accounts.length} accounts shown below, riskiest and largest first. Every account's table is in the full tables: ${options.fullTables}._`;
  // What comes last is known up to its numbers: kept free from the start (a subset's sentence is never longer).
  const reserved = notice(plan.accounts.length).length + restSentence(weights).length + footer.length + 64;
  const parts = [planHeading(plan), summaryTable(plan.summary)];
  const room = () => options.maxChars - reserved - joinedLength(parts);
  const failed = fittingFailed(plan, Math.max(0, room() / 4));
  if (failed) parts.push(failed);
  if (plan.warnings.length > 0) parts.push(warningClasses(plan.warnings));
  const deletions = fittingDeletions(plan, room(), options.fullTables);
  if (deletions) parts.push(deletions);
  const shown: AccountWeight[] = [];
  const rest: AccountWeight[] = [];
  for (const weight of weights) {
    const section = accountSection(weight.account);
    if (section.length + 2 <= room()) {
      parts.push(section);
      shown.push(weight);
    } else rest.push(weight);
  }
  parts.splice(2, 0, notice(shown.length));
  if (rest.length > 0) parts.push(restSentence(rest));
  parts.push(footer);
  return `${parts.join('\n\n')}\n`;
}

/** One line per warning code, with its count and the first warning of it as the example. */
function warningClasses(warnings: readonly PlanWarning[]): string {
  const byCode = new Map<string, PlanWarning[]>();
  for (const warning of warnings) byCode.set(warning.code, [...(byCode.get(warning.code) ?? []), warning]);
  const lines = [...byCode].map(([code, all]) => {
    const first = all[0]!;
    const example = warningText({ ...first, message: cut(first.message, WARNING_EXAMPLE_CHARS) });
    const accounts = new Set(all.flatMap((w) => [...(w.account ? [w.account] : []), ...(w.accounts ?? [])])).size;
    const counts = `${all.length} warning${all.length === 1 ? '' : 's'}${accounts > 1 ? `, ${accounts} accounts` : ''}`;
    return `- \`${code}\` (${counts}): ${example}${all.length > 1 ? ` (and ${all.length - 1} more like it)` : ''}`;
  });
  return `**⚠️ Warnings (${warnings.length}, by kind)**\n\n${lines.join('\n')}`;
}

/** Every folder that deletes, with as many deletions listed one by one as fit; when even the groups do not fit, those that do and how many are not shown. */
function fittingDeletions(plan: Plan, room: number, fullTables: string): string | null {
  for (const details of DELETION_DETAILS) {
    const groups = deletionGroups(plan, details);
    if (groups.length === 0) return null;
    const section = deletionsSection(groups);
    if (section.length + 2 <= room) return section;
  }
  const groups = deletionGroups(plan, 0);
  const tail = (hidden: number) =>
    `- … and ${hidden} more folder(s) with deletions, not shown here for length: every one is in the full tables, ${fullTables}`;
  const budget = room - tail(groups.length).length - 1;
  const shown: string[] = [];
  let length = deletionsSection([]).length + 2;
  for (const group of groups) {
    if (length + group.length + 1 > budget) break;
    shown.push(group);
    length += group.length + 1;
  }
  return deletionsSection([...shown, tail(groups.length - shown.length)]);
}

/** The accounts left out, as many named as fit in `room`. */
function fittingFailed(plan: Plan, room: number): string | null {
  let limit = plan.accountsFailed?.length ?? 0;
  let section = failedSection(plan, limit);
  while (section !== null && section.length > room && limit > 1) {
    limit = Math.floor(limit / 2);
    section = failedSection(plan, limit);
  }
  return section;
}

function joinedLength(parts: readonly string[]): number {
  return parts.reduce((sum, part) => sum + part.length + 2, 0);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
