import { loginOf } from '../manifest/login-name.ts';
import type { AccountPlan, FolderPlan, Plan } from '../plan/types.ts';
import {
  accountMessagesLeftOut,
  destructiveLines,
  digestFolder,
  folderChanges,
  foldersLeftOutWords,
  gmailWords,
  messagesLeftOutWords,
  summarySentence,
  type FolderDigest,
} from './plan-digest.ts';
import { paint, type Colour, type Palette } from './palette.ts';
import { plural } from './sizes.ts';

export interface TextOptions {
  palette: Palette;
  /** Also list folders with nothing to do. */
  verbose: boolean;
}

/** The plan for a terminal, Terraform style: + create/copy, ~ update, - delete, per account and folder. */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const { palette } = options;
  const lines: string[] = [
    paint(palette, 'bold', `mailshift plan: ${plan.name}, phase ${plan.phase}`),
    `  manifest ${plan.manifest.path} (sha256 ${plan.manifest.sha256.slice(0, 12)}${plan.manifest.git ? `, commit ${plan.manifest.git.commit.slice(0, 12)}${plan.manifest.git.dirty ? ' with uncommitted changes' : ''}` : ''})`,
    `  created ${plan.createdAt} by ${plan.tool}`,
    '',
  ];
  const failed = plan.accountsFailed ?? [];
  if (failed.length > 0) {
    lines.push(
      paint(
        palette,
        'red',
        `Left out: ${plural(new Set(failed.map((f) => f.id)).size, 'account')} could not be planned, and this plan does nothing for them:`,
      ),
    );
    for (const f of failed) lines.push(`  x ${f.id}${f.side ? ` (${f.side})` : ''}: ${f.reason}`);
    lines.push('');
  }
  if (plan.warnings.length > 0) {
    lines.push(paint(palette, 'yellow', `Warnings (${plan.warnings.length}):`));
    for (const w of plan.warnings)
      lines.push(`  ! ${[w.account, w.folder].filter(Boolean).join(' / ')}${w.account ? ': ' : ''}${w.message}`);
    lines.push('');
  }
  for (const account of plan.accounts) lines.push(...accountLines(account, options), '');
  lines.push(paint(palette, 'bold', `Plan: ${summarySentence(plan.summary)}.`));
  return `${lines.join('\n')}\n`;
}

function accountLines(account: AccountPlan, options: TextOptions): string[] {
  const header = `Account ${account.id}: ${loginOf(account.source)}@${account.source.host}:${account.source.port} → ${loginOf(account.target)}@${account.target.host}:${account.target.port}`;
  const lines = [paint(options.palette, 'bold', header)];
  if (account.gmail) lines.push(`    gmail: ${gmailWords(account.gmail)}`);
  // What the plan leaves out, first: what a reviewer cannot see in the actions.
  const folders = foldersLeftOutWords(account, options.verbose ? Number.POSITIVE_INFINITY : 10);
  if (folders !== null) lines.push(`    left out: ${folders}`);
  const messages = accountMessagesLeftOut(account);
  if (messages !== null)
    lines.push(
      `    left out by the message rules: ${plural(messages.total, 'message')} in ${plural(messages.folders, 'folder')} (${messagesLeftOutWords(messages.counts)})`,
    );
  let unchanged = 0;
  for (const folder of account.folders) {
    if (folder.actions.length === 0 && !options.verbose) {
      unchanged++;
      continue;
    }
    lines.push(...folderLines(folder, options));
  }
  if (unchanged > 0) lines.push(`    ${plural(unchanged, 'folder')} without changes`);
  return lines;
}

function folderLines(folder: FolderPlan, { palette, verbose }: TextOptions): string[] {
  const digest = digestFolder(folder);
  const [symbol, colour] = marker(digest);
  const name =
    folder.source === null
      ? `${folder.target} (target only)`
      : `${folder.source} → ${folder.target}${folder.mappedBy === 'structure' || folder.mappedBy === 'inbox' ? '' : ` (${folder.mappedBy})`}`;
  const changes = [
    ...(digest.create ? ['create folder'] : []),
    ...(digest.deleteFolder !== null ? [`DELETE folder with ${plural(digest.deleteFolder, 'message')}`] : []),
    ...folderChanges(digest),
  ];
  const lines = [
    `  ${paint(palette, colour, symbol)} ${name}${changes.length > 0 ? `: ${changes.join(', ')}` : ': no changes'}`,
  ];
  for (const note of folder.notes) lines.push(`      note: ${note}`);
  if (folder.messagesLeftOut) lines.push(`      left out: ${messagesLeftOutWords(folder.messagesLeftOut)}`);
  // --verbose lists every deletion; by default the first ten of a folder.
  for (const line of destructiveLines(folder, verbose ? Number.POSITIVE_INFINITY : 10)) {
    lines.push(
      `      ${paint(palette, 'red', line.startsWith('… and') ? `${line} (--verbose lists every one)` : line)}`,
    );
  }
  return lines;
}

function marker(digest: FolderDigest): [string, Colour] {
  if (digest.deleteFolder !== null || digest.targetDeletes > 0 || digest.sourceDeletes > 0) return ['-', 'red'];
  if (digest.create || digest.copies > 0) return ['+', 'green'];
  if (digest.flagUpdates > 0 || digest.subscribe) return ['~', 'yellow'];
  return ['=', 'dim'];
}
