import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MailshiftError, problem } from '../errors.ts';
import { closest } from '../manifest/suggest.ts';
import type { CliIo, GlobalOptions } from './io.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  'state-dir': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  'json-logs': { type: 'boolean' },
  trace: { type: 'string' },
  'ext-str': { type: 'string', multiple: true },
  'ext-code': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies OptionSpec;

export const GLOBAL_HELP = `Global options:
  --state-dir DIR        state folder (default: .mailshift/ next to the manifest)
  --ext-str NAME=VALUE   Jsonnet std.extVar string (NAME alone reads it from the environment)
  --ext-code NAME=CODE   Jsonnet std.extVar code
  -q, --quiet            only errors
  -v, --verbose          more detail, and stack traces for internal errors
  --no-color             no ANSI colours (also when NO_COLOR is set or output is not a terminal)
  --json-logs            diagnostics as JSON lines
  --trace FILE           IMAP protocol log of every session (credentials and message contents left out)
  -h, --help             help for the command`;

/** The command word: the first argument that is neither an option nor a global option's value. */
export function findCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('-')) return { command: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    const name = token.replace(/^--?/, '').split('=')[0]!;
    const spec = (GLOBAL_OPTIONS as OptionSpec)[name];
    if (spec?.type === 'string' && !token.includes('=')) i++;
  }
  return { command: undefined, rest: [...argv] };
}

/** Parse a command's arguments (its own options plus the global ones); bad usage is a USAGE error. */
export function parseCommandArgs<T extends OptionSpec>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown =
      (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? /^Unknown option '([^']+)'/.exec(message)?.[1]
        : undefined;
    const help = `see \`mailshift ${command} --help\``;
    throw new MailshiftError(problem('USAGE', message, unknown ? unknownOptionHint(unknown, options, help) : help));
  }
}

/** "did you mean `--phase`?" for `--phse`, or the command's own options when nothing is close. */
export function unknownOptionHint(given: string, options: OptionSpec, help: string): string {
  const word = given.replace(/^--?/, '').split('=')[0]!;
  const names = Object.keys({ ...GLOBAL_OPTIONS, ...options });
  const suggestion = word.length > 1 ? closest(word, names) : undefined;
  if (suggestion) return `did you mean \`--${suggestion}\`? (${help})`;
  const own = Object.keys(options).map((name) => `--${name}`);
  return own.length > 0 ? `its options: ${own.join(', ')}; ${help}` : help;
}

/** Global options from parsed values, with the colour decision made once. */
export function globalOptions(values: Record<string, unknown>, io: CliIo): GlobalOptions {
  return {
    stateDir: values['state-dir'] as string | undefined,
    quiet: Boolean(values.quiet),
    verbose: Boolean(values.verbose),
    color: io.isTTY && !values['no-color'] && !io.env.NO_COLOR,
    jsonLogs: Boolean(values['json-logs']),
    trace: undefined,
    extStrings: externalVariables(values['ext-str'] as string[] | undefined, '--ext-str', io.env),
    extCode: externalVariables(values['ext-code'] as string[] | undefined, '--ext-code', io.env),
  };
}

function externalVariables(
  entries: string[] | undefined,
  flag: string,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const equals = entry.indexOf('=');
    const name = equals === -1 ? entry : entry.slice(0, equals);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new MailshiftError(
        problem(
          'USAGE',
          `${flag} ${JSON.stringify(entry)}: "${name}" is not a variable name`,
          `write ${flag} NAME=VALUE`,
        ),
      );
    }
    const value = equals === -1 ? env[name] : entry.slice(equals + 1);
    if (value === undefined) {
      throw new MailshiftError(
        problem(
          'USAGE',
          `${flag} ${name}: no value given and no environment variable ${name}`,
          `write ${flag} ${name}=VALUE, or export ${name}`,
        ),
      );
    }
    variables[name] = value;
  }
  return variables;
}
