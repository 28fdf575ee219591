import { VERSION } from '../version.ts';
import { MailshiftError, problem } from '../errors.ts';
import { applyCommand } from './apply.ts';
import { auditCommand } from './audit.ts';
import { checkCommand } from './check.ts';
import { diffCommand } from './diff.ts';
import { gateCommand } from './gate.ts';
import { planCommand } from './plan.ts';
import { showCommand } from './show.ts';
import { statusCommand } from './status.ts';
import type { Command } from './command.ts';
import { initCommand } from './init.ts';
import { interrupted } from './interrupt.ts';
import { reportDiagnostics, type CliIo } from './io.ts';
import { findCommand, GLOBAL_HELP, globalOptions, parseCommandArgs } from './options.ts';
import { validateCommand } from './validate.ts';
import { verifyCommand } from './verify.ts';
import { closest } from '../manifest/suggest.ts';

const COMMANDS: Command[] = [validateCommand, checkCommand, planCommand, showCommand, diffCommand, applyCommand, verifyCommand, statusCommand, gateCommand, auditCommand, initCommand];

/** Run the CLI on argv and return the exit code. Never throws, never exits the process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { command: word, rest } = findCommand(argv);
  const fallback = { stateDir: undefined, quiet: false, verbose: argv.includes('--verbose') || argv.includes('-v'), color: false, jsonLogs: argv.includes('--json-logs'), extStrings: {}, extCode: {} };
  try {
    if (word === undefined) {
      if (argv.includes('--version')) return io.stdout(`mailshift ${VERSION}\n`), 0;
      io.stdout(overview());
      return argv.includes('--help') || argv.includes('-h') ? 0 : 1;
    }
    const command = COMMANDS.find((c) => c.name === word);
    if (!command) {
      const suggestion = closest(word, COMMANDS.map((c) => c.name));
      throw new MailshiftError(problem('USAGE', `unknown command "${word}"`, suggestion ? `did you mean \`mailshift ${suggestion}\`?` : `the commands are: ${COMMANDS.map((c) => c.name).join(', ')}; see \`mailshift --help\``));
    }
    const { values, positionals } = parseCommandArgs(command.name, rest, command.options);
    if (values.help) return io.stdout(`${command.usage}\n\n${GLOBAL_HELP}\n`), 0;
    return await command.run({ positionals, values, options: globalOptions(values, io), io });
  } catch (error) {
    if (error instanceof MailshiftError) {
      reportDiagnostics(io, fallback, error.diagnostics);
      return 1;
    }
    const detail = fallback.verbose && error instanceof Error ? `\n${error.stack}` : '';
    reportDiagnostics(io, fallback, [problem('INTERNAL', `internal error: ${(error as Error)?.message ?? String(error)}${detail}`, 'this is a bug in mailshift; run again with --verbose for the stack trace and report it')]);
    return 1;
  }
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `mailshift ${VERSION}: declarative, reviewable IMAP migrations

Usage: mailshift <command> [options]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}
`;
}

/** The process boundary: real stdout/stderr, exit code, Ctrl-C as 130. */
export async function main(argv: string[]): Promise<number> {
  process.once('SIGINT', () => void interrupted((code) => process.exit(code)));
  return runCli(argv, {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  });
}
