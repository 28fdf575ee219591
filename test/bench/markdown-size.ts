// The pull-request comment's size for a large wave: a pure render of a synthetic plan, no servers.
//   npx tsx test/bench/markdown-size.ts [ACCOUNTS]      (also printed by `npm run bench`)
import { fileURLToPath } from 'node:url';
import { COMMENT_MAX_CHARS, renderPlanComment } from '../../src/render/plan-comment.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { wavePlan } from '../support/wave-plan.ts';

const GITHUB_LIMIT = 65_536;

/** Print the markdown comment's and the full tables' sizes for `accounts` accounts (1 in 100 deleting, 1 in 50 warned). */
export function benchMarkdownSize(accounts = 2_000): void {
  const every = (step: number) => Array.from({ length: Math.ceil(accounts / step) }, (_, n) => n * step);
  const plan = wavePlan({ accounts, deleting: every(100), deletions: 3, warned: every(50), reflagging: every(7) });
  const started = performance.now();
  const comment = renderPlanComment(plan, { maxChars: COMMENT_MAX_CHARS, fullTables: '`mailshift show … --full`' });
  const milliseconds = performance.now() - started;
  const shown = comment.match(/<details>/g)?.length ?? 0;
  console.log(
    `bench markdown: ${accounts} synthetic accounts (8 folders each, ${every(100).length} deleting, ${every(50).length} warned): comment ${Array.from(comment).length} characters (target ≤ ${GITHUB_LIMIT}; budget ${COMMENT_MAX_CHARS}), ${shown} accounts shown, rendered in ${milliseconds.toFixed(0)} ms; full tables (--full) ${renderPlanMarkdown(plan).length} characters`,
  );
  console.log(`reproduce: npx tsx test/bench/markdown-size.ts ${accounts}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) benchMarkdownSize(Number(process.argv[2] ?? 2_000));
