import { problem, type Diagnostic } from '../errors.ts';
import { packageFile } from '../package-files.ts';

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
  const jsonnet = new Jsonnet().addJpath(LIBRARY_DIR);
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
    return problem('MANIFEST_SYNTAX', `Jsonnet syntax error: ${message!.trim()}`, 'fix the syntax at the line and column shown', {
      file: where!,
      line: Number(line ?? rangeLine),
      column: Number(column ?? rangeColumn),
    });
  }
  const lines = text.split('\n');
  const message = lines.filter((l) => !l.startsWith('\t')).join(' ').replace(/^RUNTIME ERROR: /, '').replace(/^STATIC ERROR: /, '').trim();
  const frame = lines.map((l) => FRAME.exec(l)).find((m) => m !== null);
  const location = frame
    ? { file: frame[1]!, line: Number(frame[2] ?? frame[4]), column: Number(frame[3] ?? frame[5]) }
    : { file };
  return problem('MANIFEST_EVAL', `Jsonnet evaluation failed: ${message}`, runtimeHint(message), location);
}

function runtimeHint(message: string): string | undefined {
  const external = /undefined external variable: (\S+)/.exec(message);
  if (external) return `pass it on the command line: --ext-str ${external[1]}=VALUE (or --ext-code ${external[1]}=CODE)`;
  if (/couldn't open import/.test(message)) {
    return "imports resolve relative to the importing file, then to mailshift's library (import 'mailshift.libsonnet'); check the file name";
  }
  if (/field does not exist/.test(message)) return 'check the field name at the location shown';
  return undefined;
}
