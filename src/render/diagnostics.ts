import type { Diagnostic, Location } from '../errors.ts';
import { paint, type Palette } from './palette.ts';

/** "file:3:5 /accounts/0/source (account alice)": every part that is known, in reading order. */
export function formatLocation(location: Location): string {
  const parts: string[] = [];
  if (location.file) {
    parts.push(
      location.line !== undefined ? `${location.file}:${location.line}:${location.column ?? 1}` : location.file,
    );
  }
  if (location.pointer) parts.push(location.pointer);
  const context = [
    location.account && `account ${location.account}`,
    location.folder && `folder ${location.folder}`,
  ].filter(Boolean);
  if (context.length > 0) parts.push(`(${context.join(', ')})`);
  return parts.join(' ');
}

/** One paragraph per diagnostic: what and where on the first line, the hint indented below. */
export function renderDiagnostic(diagnostic: Diagnostic, palette: Palette): string {
  const label = diagnostic.severity === 'error' ? paint(palette, 'red', 'error') : paint(palette, 'yellow', 'warning');
  const where = diagnostic.location ? formatLocation(diagnostic.location) : '';
  const lines = [`${label}: ${where ? `${paint(palette, 'bold', where)}: ` : ''}${diagnostic.message}`];
  if (diagnostic.hint) lines.push(`  ${paint(palette, 'dim', 'hint:')} ${diagnostic.hint}`);
  return lines.join('\n');
}

/** Diagnostics as JSON lines, for --json-logs. */
export function diagnosticJson(diagnostic: Diagnostic): string {
  return JSON.stringify({
    level: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    hint: diagnostic.hint,
    location: diagnostic.location,
  });
}
