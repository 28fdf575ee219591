import { loginOf } from '../manifest/login-name.ts';
import type { AccountPlan, Plan, PlanSummary, PlanWarning } from '../plan/types.ts';
import {
  accountMessagesLeftOut,
  destructiveLines,
  digestFolder,
  folderChanges,
  foldersLeftOutWords,
  gmailWords,
  messagesLeftOutWords,
} from './plan-digest.ts';
import { formatBytes } from './sizes.ts';

/** The whole plan as markdown, every account's folder table included (`--full`): the file a pull request links to. */
export function renderPlanMarkdown(plan: Plan): string {
  const parts = [planHeading(plan), summaryTable(plan.summary)];
  const failed = failedSection(plan, Number.POSITIVE_INFINITY);
  if (failed) parts.push(failed);
  if (plan.warnings.length > 0) {
    parts.push(
      `**⚠️ Warnings (${plan.warnings.length})**\n\n${plan.warnings.map((w) => `- ${warningText(w)}`).join('\n')}`,
    );
  }
  const groups = deletionGroups(plan, 10);
  if (groups.length > 0) parts.push(deletionsSection(groups));
  parts.push(...plan.accounts.map(accountSection));
  parts.push(planFooter(plan));
  return `${parts.join('\n\n')}\n`;
}

/** The comment's first line: which plan. */
export function planHeading(plan: Plan): string {
  return `### mailshift plan: \`${plan.name}\` · phase \`${plan.phase}\``;
}

/** The accounts the plan leaves out, the first `limit` of them named (null when none). */
export function failedSection(plan: Plan, limit: number): string | null {
  const failed = plan.accountsFailed ?? [];
  if (failed.length === 0) return null;
  const accounts = new Set(failed.map((f) => f.id)).size;
  const lines = failed
    .slice(0, limit)
    .map((f) => `- \`${f.id}\`${f.side ? ` (${f.side})` : ''}: ${escapeMarkdown(f.reason)}`);
  if (failed.length > limit) lines.push(`- … and ${failed.length - limit} more`);
  return `**⛔ Left out: ${accounts} account(s) could not be planned; this plan does nothing for them**\n\n${lines.join('\n')}`;
}

/** One warning as a list item's text: where, then what. */
export function warningText(w: PlanWarning): string {
  return `${w.account ? `\`${w.account}\`${w.folder ? ` / \`${w.folder}\`` : ''}: ` : ''}${escapeMarkdown(w.message)}`;
}

/** Where the plan came from, in small print at the end. */
export function planFooter(plan: Plan): string {
  const git = plan.manifest.git
    ? ` at \`${plan.manifest.git.commit.slice(0, 12)}\`${plan.manifest.git.dirty ? ' (uncommitted changes)' : ''}`
    : '';
  return `<sub>Manifest \`${plan.manifest.path}\`${git}, sha256 \`${plan.manifest.sha256.slice(0, 16)}…\` · ${plan.tool} · ${plan.createdAt}</sub>`;
}

/** The totals, one table row. */
export function summaryTable(s: PlanSummary): string {
  return [
    '| accounts | folders to create | folders to delete | messages to copy | size | flag updates | target deletions | source deletions |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.accounts} | ${s.foldersToCreate} | ${s.foldersToDelete} | ${s.messagesToCopy} | ${formatBytes(s.bytesToCopy)} | ${s.flagUpdates} | ${s.targetDeletes} | ${s.sourceDeletes} |`,
  ].join('\n');
}

/** The deletions section around its groups. */
export function deletionsSection(groups: string[]): string {
  return `**🗑️ Deletions — review these**\n\n${groups.join('\n')}`;
}

/** One group per folder that deletes: its counts, then the first `detailLimit` deletions one by one. */
export function deletionGroups(plan: Plan, detailLimit: number): string[] {
  const groups: string[] = [];
  for (const account of plan.accounts) {
    for (const folder of account.folders) {
      const lines: string[] = [];
      const digest = digestFolder(folder);
      const name = `\`${account.id}\` / \`${folder.source ?? folder.target}\``;
      if (digest.deleteFolder !== null)
        lines.push(`- ${name}: delete target folder \`${folder.target}\` with ${digest.deleteFolder} message(s)`);
      if (digest.targetDeletes > 0) lines.push(`- ${name}: delete ${digest.targetDeletes} message(s) on the target`);
      if (digest.sourceDeletes > 0) lines.push(`- ${name}: delete ${digest.sourceDeletes} message(s) on the source`);
      if (lines.length === 0) continue;
      // With no deletion listed, the counts above say it all: no "… and N more" under them.
      if (detailLimit > 0)
        lines.push(...destructiveLines(folder, detailLimit).map((line) => `  - ${mailText(line.replace(/^- /, ''))}`));
      groups.push(lines.join('\n'));
    }
  }
  return groups;
}

/** One account's folder table, folded. */
export function accountSection(account: AccountPlan): string {
  const rows = account.folders.map((folder) => {
    const digest = digestFolder(folder);
    const changes = [
      ...(digest.create ? ['create folder'] : []),
      ...(digest.deleteFolder !== null ? [`**delete folder** (${digest.deleteFolder} messages)`] : []),
      ...folderChanges(digest).map((c) => c.replace(/^DELETE/, '**delete**')),
    ];
    const remarks = [
      ...folder.notes,
      ...(folder.messagesLeftOut ? [`left out: ${messagesLeftOutWords(folder.messagesLeftOut)}`] : []),
    ];
    const notes = remarks.length > 0 ? `<br>${remarks.map(escapeMarkdown).join('<br>')}` : '';
    const details = destructiveLines(folder, 5).map(mailText).join('<br>');
    return `| ${cell(folder.source ?? '—')} | ${cell(folder.target)} | ${folder.mappedBy} | ${changes.join(', ') || 'no changes'}${notes}${details ? `<br>${details}` : ''} |`;
  });
  const changed = account.folders.filter((f) => f.actions.length > 0).length;
  return [
    `<details><summary><b>${escapeMarkdown(account.id)}</b>: ${escapeMarkdown(loginOf(account.source))}@${escapeMarkdown(account.source.host)} → ${escapeMarkdown(loginOf(account.target))}@${escapeMarkdown(account.target.host)} — ${changed} of ${account.folders.length} folders change</summary>`,
    '',
    ...(account.gmail ? [`Gmail: ${escapeMarkdown(gmailWords(account.gmail))}`, ''] : []),
    ...leftOutLines(account),
    '| source folder | target folder | mapped by | changes |',
    '|---|---|---|---|',
    ...rows,
    '',
    '</details>',
  ].join('\n');
}

/** What the account leaves out, above its folder table (each line a paragraph of its own). */
function leftOutLines(account: AccountPlan): string[] {
  const folders = foldersLeftOutWords(account, 20);
  const messages = accountMessagesLeftOut(account);
  return [
    ...(folders !== null ? [`Left out: ${escapeMarkdown(folders)}`, ''] : []),
    ...(messages !== null
      ? [
          `Left out by the message rules: ${messages.total} message(s) in ${messages.folders} folder(s) (${escapeMarkdown(messagesLeftOutWords(messages.counts))})`,
          '',
        ]
      : []),
  ];
}

function cell(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** Text that holds what senders wrote (a Subject, a From): no markdown in it acts, no link, no emphasis, no code span. */
function mailText(text: string): string {
  return escapeMarkdown(text.replace(/[\\`*_[\]()#!~]/g, (c) => `\\${c}`));
}

function escapeMarkdown(text: string): string {
  return text.replace(/[<>&|]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '|': '\\|' })[c]!);
}
