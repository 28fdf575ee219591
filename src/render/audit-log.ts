import type { AuditChainReport } from '../audit/chain.ts';
import { overridden } from '../audit/outcomes.ts';
import type { AuditApplySummary } from '../audit/reader.ts';
import { renderChainLines } from './audit-chain.ts';
import { paint, type Colour, type Palette } from './palette.ts';
import { tableLines, type Cell } from './table.ts';

const HEADINGS = [
  'WHEN (UTC)',
  'PHASE',
  'APPLY',
  'OPERATOR',
  'RESULT',
  'COPIED',
  'FLAG UPDATES',
  'DELETIONS',
  'FAILURES',
  'NOTE',
];
const RIGHT_ALIGNED = new Set([5, 6, 7, 8]);
const RESULT_COLOURS: Record<AuditApplySummary['result'], Colour> = {
  ok: 'green',
  failed: 'red',
  interrupted: 'yellow',
  paused: 'yellow',
  unfinished: 'yellow',
};

/** `mailshift audit <manifest>`: the applies and gates in order as a table, then the hash chain check. */
export function renderAuditLog(
  name: string,
  dir: string,
  applies: readonly AuditApplySummary[],
  chain: AuditChainReport,
  palette: Palette,
): string {
  const lines = [paint(palette, 'bold', `mailshift audit: ${name} (${dir})`), ''];
  if (applies.length === 0) {
    lines.push('No applies or gates recorded yet.');
  } else {
    const ids = shortIds(applies.map((apply) => apply.applyId));
    const rows = applies.map((apply, index) => row(apply, ids[index]!));
    const table = tableLines(HEADINGS, rows, palette, RIGHT_ALIGNED);
    lines.push(table.heading, ...table.rows);
  }
  lines.push('', ...renderChainLines(chain, palette));
  if (applies.length > 0) lines.push('', 'Show one: mailshift audit <manifest> <APPLY-ID> (a unique prefix will do)');
  return `${lines.join('\n')}\n`;
}

function row(apply: AuditApplySummary, id: string): Cell[] {
  const { counts } = apply;
  const gate = apply.kind === 'gate';
  const result = gate && apply.result === 'ok' ? 'gated' : apply.result;
  return [
    { text: apply.startedAt.replace('T', ' ').slice(0, 16) },
    { text: apply.phase },
    { text: id },
    { text: apply.operator },
    {
      text: apply.forced ? `${result}, FORCED` : result,
      colour: apply.forced ? 'yellow' : RESULT_COLOURS[apply.result],
    },
    { text: gate ? '-' : String(counts.messagesCopied) },
    { text: gate ? '-' : String(counts.flagUpdates) },
    { text: gate ? '-' : String(counts.targetDeletes + counts.sourceDeletes) },
    { text: gate ? '-' : String(counts.failed), ...(counts.failed > 0 ? { colour: 'red' as const } : {}) },
    { text: noteOf(apply) },
  ];
}

/** A gate's note, and what --force overrode. */
function noteOf(apply: AuditApplySummary): string {
  const parts = [...(apply.note ? [apply.note] : []), ...overridden(apply).map((why) => `forced ${why}`)];
  return parts.join('; ');
}

/** Each id cut to the shortest prefix (8 characters at least) that no other id shares, like git's short hashes. */
export function shortIds(ids: readonly string[]): string[] {
  return ids.map((id) => {
    for (let length = Math.min(8, id.length); length < id.length; length++) {
      const prefix = id.slice(0, length);
      if (ids.every((other) => other === id || !other.startsWith(prefix))) return prefix;
    }
    return id;
  });
}

/** `mailshift audit <manifest> --format json`. */
export function renderAuditLogJson(
  name: string,
  dir: string,
  applies: readonly AuditApplySummary[],
  chain: AuditChainReport,
): string {
  return `${JSON.stringify({ format: 'mailshift-audit-log/v1', name, dir, applies, chain }, null, 2)}\n`;
}
