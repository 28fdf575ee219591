import { basename } from 'node:path';
import { problem, type Diagnostic } from '../errors.ts';
import { packageFile } from '../package-files.ts';
import { parseCsv } from './csv.ts';
import { envName } from './env-name.ts';

/** External variables for `std.extVar`, as given by --ext-str / --ext-code. */
export interface ExternalVariables {
  strings: Record<string, string>;
  code: Record<string, string>;
}

/** The folder holding mailshift.libsonnet, so `import 'mailshift.libsonnet'` works from any manifest. */
export const LIBRARY_DIR = packageFile('src', 'manifest');

/** Evaluate a Jsonnet file to JSON text, or return a diagnostic pointing at the failing line. */
export async function evaluateJsonnet(
  file: string,
  variables: ExternalVariables,
): Promise<{ json: string } | { diagnostic: Diagnostic }> {
  // Loaded here, not at start-up: the native addon costs every command ~12 ms to load, and a JSON manifest never needs it.
  const { Jsonnet } = await import('@hanazuki/node-jsonnet');
  // ms.csv and ms.envName (mailshift.libsonnet) call these: in Jsonnet itself they are far too slow for 10,000 accounts.
  const jsonnet = new Jsonnet()
    .addJpath(LIBRARY_DIR)
    .nativeCallback('mailshift.csv', (text) => parseCsv(String(text)), 'text')
    .nativeCallback('mailshift.envName', (id) => envName(String(id)), 'id');
  for (const [name, value] of Object.entries(variables.strings)) jsonnet.extString(name, value);
  for (const [name, code] of Object.entries(variables.code)) jsonnet.extCode(name, code);
  try {
    return { json: await jsonnet.evaluateFile(file) };
  } catch (error) {
    return { diagnostic: jsonnetDiagnostic(file, error instanceof Error ? error.message : String(error)) };
  }
}

// Positions print as "3:5", "3:5-10" or, across lines, "(3:5)-(4:2)"; we keep the start.
const POSITION = String.raw`(?:(\d+):(\d+)(?:-\d+)?|\((\d+):(\d+)\)-\(\d+:\d+\))`;
const STATIC = new RegExp(String.raw`^STATIC ERROR: (.+?):${POSITION}: (.*)$`, 's');
const FRAME = new RegExp(String.raw`^\t([^\t]+?):${POSITION}(?:\t|$)`);

/** Turn libjsonnet's "STATIC ERROR: f:1:9: …" / "RUNTIME ERROR: …\n\tf:3:5-10\t…" text into a diagnostic. */
export function jsonnetDiagnostic(file: string, text: string): Diagnostic {
  const trimmed = text.trim();
  const staticError = STATIC.exec(trimmed);
  if (staticError) {
    const [, where, line, column, rangeLine, rangeColumn, message] = staticError;
    const hint = /\.csv$/i.test(where!)
      ? `a CSV is not Jsonnet: read it with \`local ms = import 'mailshift.libsonnet';\` and ms.csv(importstr '${basename(where!)}')`
      : 'fix the syntax at the line and column shown';
    return problem('MANIFEST_SYNTAX', `Jsonnet syntax error: ${message!.trim()}`, hint, {
      file: where!,
      line: Number(line ?? rangeLine),
      column: Number(column ?? rangeColumn),
    });
  }
  const lines = text.split('\n');
  // A native callback's exception arrives as "Error: …".
  const message = lines
    .filter((l) => !l.startsWith('\t'))
    .join(' ')
    .replace(/^RUNTIME ERROR: /, '')
    .replace(/^STATIC ERROR: /, '')
    .replace(/^Error: /, '')
    .trim();
  // An error raised inside mailshift.libsonnet is the caller's: point at the manifest's line.
  const frames = lines.map((l) => FRAME.exec(l)).filter((m) => m !== null);
  const frame = frames.find((m) => basename(m[1]!) !== 'mailshift.libsonnet') ?? frames[0];
  const location = frame
    ? { file: frame[1]!, line: Number(frame[2] ?? frame[4]), column: Number(frame[3] ?? frame[5]) }
    : { file };
  return problem('MANIFEST_EVAL', `Jsonnet evaluation failed: ${message}`, runtimeHint(message), location);
}

function runtimeHint(message: string): string | undefined {
  const external = /undefined external variable: (\S+)/.exec(message);
  if (external)
    return `pass it on the command line: --ext-str ${external[1]}=VALUE (or --ext-code ${external[1]}=CODE)`;
  if (/couldn't open import/.test(message)) {
    return "imports resolve relative to the importing file, then to mailshift's library (import 'mailshift.libsonnet'); check the file name";
  }
  if (/field does not exist/.test(message)) return 'check the field name at the location shown';
  if (/^CSV /.test(message)) {
    return 'fix the CSV at the row shown (row 1 is its header row). A field holding a comma, a quote or a line break is written in double quotes, and a quote inside it twice: "Doe, J." or "the ""old"" box"';
  }
  return undefined;
}
