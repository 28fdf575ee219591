import type { AuditChainReport } from '../audit/chain.ts';
import { overridden } from '../audit/outcomes.ts';
import { emptyAuditCounts, type AuditApplyDetail, type AuditCounts, type AuditFolder } from '../audit/reader.ts';
import { renderChainLines } from './audit-chain.ts';
import { paint, type Palette } from './palette.ts';
import { formatBytes, plural } from './sizes.ts';

/** `mailshift audit <manifest> <APPLY-ID>`: what one apply did, per account and folder, with every failure; or who recorded a gate, when, and their note. */
export function renderAuditApply(apply: AuditApplyDetail, chain: AuditChainReport, palette: Palette): string {
  const { manifest } = apply;
  const head = [
    ...(apply.forced
      ? [paint(palette, 'yellow', `  FORCED    ${overridden(apply).join(', ') || 'recorded again'} (--force)`)]
      : []),
    `  manifest  ${manifest.path} (sha256 ${manifest.sha256.slice(0, 12)}${manifest.git ? `, commit ${manifest.git.commit.slice(0, 12)}${manifest.git.dirty ? ' with uncommitted changes' : ''}` : ''})`,
    `  file      ${apply.file}`,
  ];
  if (apply.kind === 'gate') {
    return `${[
      paint(
        palette,
        'bold',
        `gate ${apply.applyId}: phase ${apply.phase}, ${apply.result === 'ok' ? 'recorded' : `not recorded in full (${apply.result})`}`,
      ),
      `  recorded  ${readable(apply.startedAt)} by ${apply.operator} (${apply.tool})`,
      `  note      ${apply.note ?? '(none)'}`,
      ...head,
      '',
      ...renderChainLines(chain, palette),
    ].join('\n')}\n`;
  }
  const lines = [
    paint(
      palette,
      'bold',
      `apply ${apply.applyId}: phase ${apply.phase}, ${apply.result}${apply.forced ? ' (forced)' : ''}`,
    ),
    `  started   ${readable(apply.startedAt)} by ${apply.operator} (${apply.tool})`,
    `  ended     ${apply.endedAt ? readable(apply.endedAt) : apply.result === 'unfinished' ? 'not yet: still running, or killed' : 'never: interrupted'}`,
    `  plan      sha256 ${apply.planSha256}`,
    ...head,
    '',
  ];
  const total = emptyAuditCounts();
  for (const account of apply.accounts) {
    lines.push(paint(palette, 'bold', `Account ${account.id}`));
    for (const folder of account.folders) {
      lines.push(...folderLines(folder, palette));
      for (const key of Object.keys(total) as Array<keyof AuditCounts>) total[key] += folder.counts[key];
    }
    for (const episode of account.throttled)
      lines.push(paint(palette, 'yellow', `  throttled by ${episode.server}: ${episode.reason}`));
    for (const pause of account.paused) lines.push(paint(palette, 'yellow', `  ${pause.reason}`));
  }
  if (apply.accounts.length === 0) lines.push('No actions recorded.');
  lines.push(
    '',
    paint(palette, 'bold', `Total: ${countPhrases(total, true).join(', ')}.`),
    ...renderChainLines(chain, palette),
  );
  return `${lines.join('\n')}\n`;
}

function folderLines(folder: AuditFolder, palette: Palette): string[] {
  const name =
    folder.source === null
      ? `(target only) ${folder.target}`
      : folder.target === null || folder.target === folder.source
        ? folder.source
        : `${folder.source} → ${folder.target}`;
  const phrases = countPhrases(folder.counts, false);
  return [
    `  ${name}: ${phrases.length > 0 ? phrases.join(', ') : 'nothing done'}`,
    ...folder.failures.map((failure) =>
      paint(
        palette,
        'red',
        `    ✗ ${failure.op}${failure.uid !== undefined ? ` uid ${failure.uid}` : ''}: ${failure.reason}`,
      ),
    ),
    ...folder.skipped.map((skip) => `    - ${plural(skip.count, 'action')} skipped: ${skip.reason}`),
  ];
}

/** The non-zero counts in words ("folder created, 3 copied (4.2 KB), 1 failed"); `all` also keeps the zero message counts. */
function countPhrases(counts: AuditCounts, all: boolean): string[] {
  const folders = (count: number, what: string) => (all ? `${plural(count, 'folder')} ${what}` : `folder ${what}`);
  const phrases: Array<{ count: number; text: string; always?: boolean }> = [
    { count: counts.foldersCreated, text: folders(counts.foldersCreated, 'created') },
    { count: counts.subscribed, text: folders(counts.subscribed, 'subscribed') },
    {
      count: counts.messagesCopied,
      text: `${counts.messagesCopied} copied${counts.messagesCopied > 0 ? ` (${formatBytes(counts.bytesCopied)})` : ''}`,
      always: true,
    },
    { count: counts.flagUpdates, text: `${counts.flagUpdates} re-flagged`, always: true },
    { count: counts.targetDeletes, text: `${counts.targetDeletes} deleted on the target`, always: true },
    { count: counts.foldersDeleted, text: folders(counts.foldersDeleted, 'deleted') },
    { count: counts.sourceDeletes, text: `${counts.sourceDeletes} deleted on the source`, always: true },
    { count: counts.skipped, text: `${counts.skipped} skipped` },
    { count: counts.failed, text: `${counts.failed} failed`, always: true },
  ];
  return phrases.filter((phrase) => phrase.count > 0 || (all && phrase.always)).map((phrase) => phrase.text);
}

function readable(iso: string): string {
  return `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`;
}

/** `mailshift audit <manifest> <APPLY-ID> --format json`. */
export function renderAuditApplyJson(apply: AuditApplyDetail, chain: AuditChainReport): string {
  return `${JSON.stringify({ format: 'mailshift-audit-apply/v1', apply, chain }, null, 2)}\n`;
}
