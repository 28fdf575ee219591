import type { Diagnostic } from '../errors.ts';
import { diagnosticJson, renderDiagnostic } from '../render/diagnostics.ts';
import type { Palette } from '../render/palette.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';

/** Everything a command may touch of the outside world, so tests can run the CLI in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  stateDir: string | undefined;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  jsonLogs: boolean;
  /** --trace FILE, opened by runCli before the command runs. */
  trace: ProtocolTrace | undefined;
  extStrings: Record<string, string>;
  extCode: Record<string, string>;
}

/** Prints diagnostics the way the user asked for: paragraphs on stderr, or JSON lines. */
export function reportDiagnostics(io: CliIo, options: GlobalOptions, diagnostics: readonly Diagnostic[]): void {
  const palette: Palette = { color: options.color };
  for (const diagnostic of diagnostics) {
    if (options.quiet && diagnostic.severity === 'warning') continue;
    io.stderr(`${options.jsonLogs ? diagnosticJson(diagnostic) : renderDiagnostic(diagnostic, palette)}\n`);
  }
}
