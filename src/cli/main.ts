import { VERSION } from '../version.ts';
import { MailshiftError, problem } from '../errors.ts';
import type { Command } from './command.ts';
import { interrupted } from './interrupt.ts';
import { reportDiagnostics, type CliIo } from './io.ts';
import { holdBackOptimizingCompiler } from './optimizing-compiler.ts';
import { findCommand, GLOBAL_HELP, globalOptions, parseCommandArgs } from './options.ts';
import { closest } from '../manifest/suggest.ts';
import { ProtocolTrace } from '../imap/protocol-trace.ts';
import { publicApiNotice } from '../imap/wire/internals.ts';

// Each command is loaded only when it runs: imapflow, listr2 and ajv cost about a second to load,
// which validate, status, gate, audit, show and diff never need.
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.ts')).validateCommand,
  check: async () => (await import('./check.ts')).checkCommand,
  plan: async () => (await import('./plan.ts')).planCommand,
  show: async () => (await import('./show.ts')).showCommand,
  diff: async () => (await import('./diff.ts')).diffCommand,
  apply: async () => (await import('./apply.ts')).applyCommand,
  verify: async () => (await import('./verify.ts')).verifyCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  gate: async () => (await import('./gate.ts')).gateCommand,
  audit: async () => (await import('./audit.ts')).auditCommand,
  init: async () => (await import('./init.ts')).initCommand,
};
const NAMES = Object.keys(COMMANDS);

/** Run the CLI on argv and return the exit code. Never throws, never exits the process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { command: word, rest } = findCommand(argv);
  const fallback = {
    stateDir: undefined,
    quiet: false,
    verbose: argv.includes('--verbose') || argv.includes('-v'),
    color: false,
    jsonLogs: argv.includes('--json-logs'),
    trace: undefined,
    extStrings: {},
    extCode: {},
  };
  let trace: ProtocolTrace | undefined;
  try {
    if (word === undefined) {
      if (argv.includes('--version')) {
        io.stdout(`mailshift ${VERSION}\n`);
        return 0;
      }
      io.stdout(await overview());
      return argv.includes('--help') || argv.includes('-h') ? 0 : 1;
    }
    const load = Object.hasOwn(COMMANDS, word) ? COMMANDS[word] : undefined;
    if (!load) {
      const suggestion = closest(word, NAMES);
      throw new MailshiftError(
        problem(
          'USAGE',
          `unknown command "${word}"`,
          suggestion
            ? `did you mean \`mailshift ${suggestion}\`?`
            : `the commands are: ${NAMES.join(', ')}; see \`mailshift --help\``,
        ),
      );
    }
    const command = await load();
    const { values, positionals } = parseCommandArgs(command.name, rest, command.options);
    if (values.help) {
      io.stdout(`${command.usage}\n\n${GLOBAL_HELP}\n`);
      return 0;
    }
    const options = globalOptions(values, io);
    // Opened before the command starts: a path that cannot be written fails before any IMAP work.
    trace = typeof values.trace === 'string' ? ProtocolTrace.open(values.trace) : undefined;
    return await command.run({ positionals, values, options: { ...options, trace }, io });
  } catch (error) {
    if (error instanceof MailshiftError) {
      reportDiagnostics(io, fallback, error.diagnostics);
      return 1;
    }
    const detail = fallback.verbose && error instanceof Error ? `\n${error.stack}` : '';
    reportDiagnostics(io, fallback, [
      problem(
        'INTERNAL',
        `internal error: ${(error as Error)?.message ?? String(error)}${detail}`,
        'this is a bug in mailshift; run again with --verbose for the stack trace and report it',
      ),
    ]);
    return 1;
  } finally {
    if (trace) reportDiagnostics(io, fallback, trace.close());
    if (fallback.verbose) tellWire(io, fallback.jsonLogs);
  }
}

/** --verbose: whether IMAP went through imapflow's public API, and why (once, after the command). */
function tellWire(io: CliIo, jsonLogs: boolean): void {
  const notice = publicApiNotice();
  if (notice === null) return;
  io.stderr(jsonLogs ? `${JSON.stringify({ severity: 'note', message: notice })}\n` : `note: ${notice}\n`);
}

async function overview(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const width = Math.max(...NAMES.map((name) => name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `mailshift ${VERSION}: declarative, reviewable IMAP migrations

Usage: mailshift <command> [options]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}
`;
}

/** How long an apply runs without V8's optimizing compiler (optimizing-compiler.ts). */
const APPLY_BASELINE_SECONDS = 5;

/** The process boundary: real stdout/stderr, exit code, Ctrl-C and SIGTERM as 130. */
export async function main(argv: string[]): Promise<number> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => interrupted((code) => process.exit(code)));
  // A process-wide choice, so made here and not in the command (tests run commands in their own process).
  if (findCommand(argv).command === 'apply') holdBackOptimizingCompiler(APPLY_BASELINE_SECONDS);
  return runCli(argv, {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  });
}
