import { fileURLToPath } from 'node:url';
import { Jsonnet } from '@hanazuki/node-jsonnet';
import { problem, type Diagnostic } from '../errors.ts';

/** External variables for `std.extVar`, as given by --ext-str / --ext-code. */
export interface ExternalVariables {
  strings: Record<string, string>;
  code: Record<string, string>;
}

/** The folder holding mailshift.libsonnet, so `import 'mailshift.libsonnet'` works from any manifest. */
export const LIBRARY_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Evaluate a Jsonnet file to JSON text, or return a diagnostic pointing at the failing line. */
export async function evaluateJsonnet(
  file: string,
  variables: ExternalVariables,
): Promise<{ json: string } | { diagnostic: Diagnostic }> {
  const jsonnet = new Jsonnet().addJpath(LIBRARY_DIR);
  for (const [name, value] of Object.entries(variables.strings)) jsonnet.extString(name, value);
  for (const [name, code] of Object.entries(variables.code)) jsonnet.extCode(name, code);
  try {
    return { json: await jsonnet.evaluateFile(file) };
  } catch (error) {
    return { diagnostic: jsonnetDiagnostic(file, error instanceof Error ? error.message : String(error)) };
  }
}

const STATIC = /^STATIC ERROR: (.+?):(\d+):(\d+)(?:-\d+)?: (.*)$/s;
const RUNTIME = /^RUNTIME ERROR: (.*?)\n\t(.+?):(\d+):(\d+)/s;
const RANGE_START = /^\((\d+):(\d+)\)/;

/** Turn libjsonnet's "STATIC ERROR: f:1:9: …" / "RUNTIME ERROR: …\n\tf:3:5-10 …" text into a diagnostic. */
export function jsonnetDiagnostic(file: string, text: string): Diagnostic {
  const staticError = STATIC.exec(text.trim());
  if (staticError) {
    const [, where, line, column, message] = staticError;
    return problem('MANIFEST_SYNTAX', `Jsonnet syntax error: ${message!.trim()}`, 'fix the syntax at the line and column shown', {
      file: where!,
      line: Number(line),
      column: Number(column),
    });
  }
  const runtimeError = RUNTIME.exec(text);
  if (runtimeError) {
    const [, message, where, line, column] = runtimeError;
    return problem('MANIFEST_EVAL', `Jsonnet evaluation failed: ${message!.trim()}`, runtimeHint(message!), {
      file: where!,
      line: Number(line),
      column: Number(column),
    });
  }
  // Multi-line ranges print as "f:(3:5)-(4:2)": keep the start.
  const firstLine = text.trim().split('\n')[0] ?? text;
  const ranged = /^(?:STATIC|RUNTIME) ERROR: (.+?):(\(\d+:\d+\))/.exec(firstLine);
  const start = ranged ? RANGE_START.exec(ranged[2]!) : null;
  return problem(
    'MANIFEST_EVAL',
    `Jsonnet evaluation failed: ${firstLine.replace(/^(STATIC|RUNTIME) ERROR: /, '')}`,
    runtimeHint(firstLine),
    start ? { file: ranged![1]!, line: Number(start[1]), column: Number(start[2]) } : { file },
  );
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
