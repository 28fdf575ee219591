import { loginOf } from '../manifest/login-name.ts';
import type { AccountPlan, Plan, PlanSummary } from '../plan/types.ts';
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

/** The plan as a pull-request comment: summary table, warnings and deletions first, details folded. */
export function renderPlanMarkdown(plan: Plan): string {
  const parts = [`### mailshift plan: \`${plan.name}\` · phase \`${plan.phase}\``, summaryTable(plan.summary)];
  const failed = plan.accountsFailed ?? [];
  if (failed.length > 0) {
    const accounts = new Set(failed.map((f) => f.id)).size;
    parts.push(
      `**⛔ Left out: ${accounts} account(s) could not be planned; this plan does nothing for them**\n\n${failed.map((f) => `- \`${f.id}\`${f.side ? ` (${f.side})` : ''}: ${escapeMarkdown(f.reason)}`).join('\n')}`,
    );
  }
  if (plan.warnings.length > 0) {
    parts.push(
      `**⚠️ Warnings (${plan.warnings.length})**\n\n${plan.warnings.map((w) => `- ${w.account ? `\`${w.account}\`${w.folder ? ` / \`${w.folder}\`` : ''}: ` : ''}${escapeMarkdown(w.message)}`).join('\n')}`,
    );
  }
  const destructive = destructiveSection(plan);
  if (destructive) parts.push(destructive);
  parts.push(...plan.accounts.map(accountSection));
  const git = plan.manifest.git
    ? ` at \`${plan.manifest.git.commit.slice(0, 12)}\`${plan.manifest.git.dirty ? ' (uncommitted changes)' : ''}`
    : '';
  parts.push(
    `<sub>Manifest \`${plan.manifest.path}\`${git}, sha256 \`${plan.manifest.sha256.slice(0, 16)}…\` · ${plan.tool} · ${plan.createdAt}</sub>`,
  );
  return `${parts.join('\n\n')}\n`;
}

function summaryTable(s: PlanSummary): string {
  return [
    '| accounts | folders to create | folders to delete | messages to copy | size | flag updates | target deletions | source deletions |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.accounts} | ${s.foldersToCreate} | ${s.foldersToDelete} | ${s.messagesToCopy} | ${formatBytes(s.bytesToCopy)} | ${s.flagUpdates} | ${s.targetDeletes} | ${s.sourceDeletes} |`,
  ].join('\n');
}

function destructiveSection(plan: Plan): string | null {
  const lines: string[] = [];
  for (const account of plan.accounts) {
    for (const folder of account.folders) {
      const digest = digestFolder(folder);
      const name = `\`${account.id}\` / \`${folder.source ?? folder.target}\``;
      if (digest.deleteFolder !== null)
        lines.push(`- ${name}: delete target folder \`${folder.target}\` with ${digest.deleteFolder} message(s)`);
      if (digest.targetDeletes > 0) lines.push(`- ${name}: delete ${digest.targetDeletes} message(s) on the target`);
      if (digest.sourceDeletes > 0) lines.push(`- ${name}: delete ${digest.sourceDeletes} message(s) on the source`);
      lines.push(...destructiveLines(folder, 10).map((line) => `  - ${mailText(line.replace(/^- /, ''))}`));
    }
  }
  return lines.length > 0 ? `**🗑️ Deletions — review these**\n\n${lines.join('\n')}` : null;
}

function accountSection(account: AccountPlan): string {
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
    const notes = remarks.length > 0 ? `<br>${remarks.map(escape).join('<br>')}` : '';
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
