import { loginOf } from '../manifest/login-name.ts';
import type { AccountVerification, VerifyReport } from '../engine/verify.ts';
import { assertNever } from '../plan/types.ts';
import type { Difference, FolderVerification } from '../plan/verify-compare.ts';
import { paint, type Palette } from './palette.ts';
import { formatBytes, plural } from './sizes.ts';

export interface VerifyTextOptions {
  palette: Palette;
  /** Also list equal folders, and the mapping's notes. */
  verbose: boolean;
}

/** UIDs listed per kind of difference before "… and N more". */
const LISTED = 20;

/** The verification for a terminal: per account "= equal" or each difference, then imapsync's closing count. */
export function renderVerifyText(report: VerifyReport, options: VerifyTextOptions): string {
  const { palette } = options;
  const lines = [
    paint(palette, 'bold', `mailshift verify: ${report.name}, phase ${report.phase}`),
    `  checked ${report.checkedAt}; ${report.content ? 'message bodies compared by SHA-256' : 'message bodies not compared (add --content)'}`,
    '',
  ];
  for (const account of report.accounts) lines.push(...accountLines(account, options), '');
  lines.push(paint(palette, 'bold', closingLine(report)));
  return `${lines.join('\n')}\n`;
}

/** "3 differences in 2 folders (checked 6 folders, 120 source and 118 target messages, 2.4 MB hashed)." */
export function closingLine(report: VerifyReport): string {
  const s = report.summary;
  const found =
    s.differences === 0
      ? 'no differences'
      : `${plural(s.differences, 'difference')} in ${plural(s.foldersWithDifferences, 'folder')}`;
  const checked = [
    `${plural(s.folders, 'folder')}`,
    `${s.sourceMessages} source and ${s.targetMessages} target messages`,
    ...(report.content ? [`${formatBytes(s.bytesHashed)} hashed`] : []),
  ];
  const failed = s.failed > 0 ? `; ${plural(s.failed, 'account')} not verified` : '';
  const kept = s.kept > 0 ? `; ${plural(s.kept, 'message')} on the target kept by the phase` : '';
  return `Verify: ${found} (checked ${checked.join(', ')})${kept}${failed}.`;
}

function accountLines(account: AccountVerification, options: VerifyTextOptions): string[] {
  const { palette } = options;
  const header = `Account ${account.id}: ${loginOf(account.source)}@${account.source.host}:${account.source.port} → ${loginOf(account.target)}@${account.target.host}:${account.target.port}`;
  const lines = [paint(palette, 'bold', header)];
  if (account.folders === null) {
    lines.push(
      `  ${paint(palette, 'red', '✗ not verified')}: ${account.errors.map((error) => error.code).join(', ')} (see the error${account.errors.length === 1 ? '' : 's'} below)`,
    );
    return lines;
  }
  let equal = 0;
  for (const folder of account.folders) {
    if (folder.differences.length === 0 && folder.kept.length === 0 && !options.verbose) {
      equal++;
      continue;
    }
    lines.push(...folderLines(folder, options));
  }
  const differing = account.folders.filter((folder) => folder.differences.length > 0).length;
  const totals = `${plural(account.folders.length, 'folder')}, ${account.messages.source} source and ${account.messages.target} target messages`;
  if (differing === 0) lines.push(`  ${paint(palette, 'green', '= equal')} (${totals})`);
  else if (equal > 0) lines.push(`    ${plural(equal, 'folder')} equal`);
  return lines;
}

function folderLines(folder: FolderVerification, options: VerifyTextOptions): string[] {
  const { palette } = options;
  const [symbol, colour] =
    folder.differences.length > 0
      ? ['!', 'red' as const]
      : folder.kept.length > 0
        ? ['~', 'yellow' as const]
        : ['=', 'dim' as const];
  const name =
    folder.source === null
      ? `${folder.target} (target only)`
      : `${folder.source} → ${folder.target}${folder.mappedBy === 'structure' || folder.mappedBy === 'inbox' ? '' : ` (${folder.mappedBy})`}`;
  const counts =
    folder.messages.target === null
      ? `${plural(folder.messages.source, 'source message')}`
      : `${folder.messages.source} source, ${plural(folder.messages.target, 'target message')}`;
  const headline = folder.differences.find((d) => d.kind === 'missingFolder' || d.kind === 'extraFolder');
  const lines = [`  ${paint(palette, colour, symbol)} ${name}: ${headline ? differenceLines(headline)[0] : counts}`];
  if (options.verbose) for (const note of folder.notes) lines.push(`      note: ${note}`);
  for (const difference of folder.differences) {
    if (difference === headline) continue;
    lines.push(...differenceLines(difference).map((line) => `      ${line}`));
  }
  for (const kept of folder.kept) {
    lines.push(
      ...differenceLines(kept, ', kept (the phase has no deleteTarget)').map(
        (line) => `      ${paint(palette, 'dim', line)}`,
      ),
    );
  }
  return lines;
}

/** One difference in words: a first line, and for per-message kinds up to LISTED messages below it. */
function differenceLines(difference: Difference, suffix = ''): string[] {
  switch (difference.kind) {
    case 'missingFolder':
      return [`target folder missing (${plural(difference.messages, 'source message')})`];
    case 'extraFolder':
      return [`still on the target with ${plural(difference.messages, 'message')} (deleteTargetFolders removes it)`];
    case 'missing':
      return [`${difference.uids.length} missing on the target: source ${uidList(difference.uids)}`];
    case 'extra':
      return [`${difference.uids.length} extra on the target${suffix}: target ${uidList(difference.uids)}`];
    case 'duplicate':
      return [
        `${plural(difference.uids.length, 'duplicate')} on the target${suffix}: target ${uidList(difference.uids)}`,
      ];
    case 'flags':
      return [
        `${plural(difference.messages.length, 'message')} with other flags:`,
        ...listed(
          difference.messages.map(
            (m) =>
              `  source UID ${m.sourceUid} → target UID ${m.targetUid}: ${[
                ...(m.sourceOnly.length > 0 ? [`${m.sourceOnly.join(' ')} only on the source`] : []),
                ...(m.targetOnly.length > 0 ? [`${m.targetOnly.join(' ')} only on the target`] : []),
              ].join(', ')}`,
          ),
        ),
      ];
    case 'content':
      return [
        `${plural(difference.messages.length, 'message')} with another body:`,
        ...listed(
          difference.messages.map(
            (m) =>
              `  source UID ${m.sourceUid} → target UID ${m.targetUid}${unreadable(m.source, m.target)}${m.likelyCause === 'munge8bit' ? ' (8-bit header bytes turned into X)' : ''}`,
          ),
        ),
        ...(difference.messages.some((m) => m.likelyCause === 'munge8bit') ? [MUNGE8BIT_HINT] : []),
      ];
    default:
      return assertNever(difference);
  }
}

const MUNGE8BIT_HINT =
  '  hint: the target rewrote 8-bit bytes in these headers to "X", as Cyrus does with `munge8bit` (on by default): set `munge8bit: no` in the target\'s imapd.conf before copying; copies already made keep the X';

function unreadable(source: string | null, target: string | null): string {
  if (source === null && target === null) return ' (could not be read on either side)';
  if (source === null) return ' (could not be read on the source)';
  return target === null ? ' (could not be read on the target)' : '';
}

/** "UIDs 4, 9, 12" or "UIDs 1, 2, … 20 … and 480 more". */
function uidList(uids: readonly number[]): string {
  const shown = uids.slice(0, LISTED).join(', ');
  return `${uids.length === 1 ? 'UID' : 'UIDs'} ${shown}${uids.length > LISTED ? ` … and ${uids.length - LISTED} more` : ''}`;
}

function listed(lines: readonly string[]): string[] {
  return lines.length > LISTED ? [...lines.slice(0, LISTED), `  … and ${lines.length - LISTED} more`] : [...lines];
}
