import type { AccountCheck, SideCheck } from '../engine/check.ts';
import { loginOf } from '../manifest/login-name.ts';
import { paint, type Palette } from './palette.ts';
import { tableLines } from './table.ts';

const HEADINGS = [
  'ACCOUNT',
  'SIDE',
  'RESULT',
  'ENDPOINT',
  'SERVER',
  'DELIMITER',
  'PREFIX',
  'FOLDERS',
  'MESSAGES',
  'CAPABILITIES',
];
const RIGHT_ALIGNED = new Set([7, 8]);

/** `mailshift check` as a table: one row per side, aligned columns, then a one-line summary. */
export function renderCheckTable(results: readonly AccountCheck[], palette: Palette): string {
  const rows = results.flatMap((result) => [
    row(result.account, 'source', result.source),
    row('', 'target', result.target),
  ]);
  const table = tableLines(HEADINGS, rows, palette, RIGHT_ALIGNED);
  const failed = results.filter((result) => !result.source.ok || !result.target.ok).length;
  const summary = `${results.length} account${results.length === 1 ? '' : 's'} checked: ${results.length - failed} ok, ${failed} failed`;
  return [
    table.heading,
    ...table.rows,
    ...tokenLines(results),
    '',
    failed > 0 ? paint(palette, 'red', summary) : summary,
    '',
  ].join('\n');
}

function row(account: string, side: string, check: SideCheck): Array<{ text: string; colour?: 'green' | 'red' }> {
  // An admin login for a user says so ("admin as alice@host:port"): it is not the user's own.
  const at = `${check.authorizeAs === undefined ? '' : `${loginOf(check)}@`}${check.host}:${check.port}`;
  if (!check.ok) {
    return [
      { text: account },
      { text: side },
      { text: 'FAILED', colour: 'red' },
      { text: at },
      { text: '-' },
      { text: '-' },
      { text: '-' },
      { text: '-' },
      { text: '-' },
      { text: check.error?.code ?? '' },
    ];
  }
  const capabilities = check.capabilities.map((capability) =>
    capability === 'APPENDLIMIT' && check.appendLimit !== null
      ? `APPENDLIMIT=${megabytes(check.appendLimit)}`
      : capability.replace('=DEFLATE', ''),
  );
  return [
    { text: account },
    { text: side },
    { text: 'ok', colour: 'green' },
    { text: at },
    { text: check.server ?? '?' },
    { text: quoted(check.delimiter) },
    { text: quoted(check.personalPrefix) },
    { text: String(check.folders ?? '-') },
    { text: String(check.messages ?? '-') },
    { text: capabilities.join(' ') || '-' },
  ];
}

// Below the table, one line per side that logged in with a token mailshift fetched itself.
function tokenLines(results: readonly AccountCheck[]): string[] {
  const lines = results.flatMap((result) =>
    (['source', 'target'] as const).flatMap((side) => {
      const token = result[side].token;
      if (token === null) return [];
      return [
        `${result.account} ${side}: token from ${token.issuer}, expires ${token.expiresAt.replace(/\.\d+Z$/, 'Z')}`,
      ];
    }),
  );
  return lines.length > 0 ? ['', ...lines] : [];
}

// Quoted, so that an empty prefix and a '.' delimiter are visible as what they are.
function quoted(value: string | null): string {
  return value === null ? '-' : JSON.stringify(value);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)}MB`;
}

/** `mailshift check --format json`: the results as they are, plus a summary. */
export function renderCheckJson(results: readonly AccountCheck[]): string {
  const failed = results.filter((result) => !result.source.ok || !result.target.ok).length;
  return `${JSON.stringify(
    {
      format: 'mailshift-check/v1',
      summary: { accounts: results.length, ok: results.length - failed, failed },
      accounts: results,
    },
    null,
    2,
  )}\n`;
}
