import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import type { SecretRef } from '../manifest/types.ts';

// Secrets are looked up at every login, never cached: access tokens expire, and a `pass` entry may
// change between two runs of a long migration. No message built here ever holds the value.

export interface SecretContext {
  /** Folder of the manifest: `file` references and `command`s are relative to it. */
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  /** What the secret is for, e.g. "source password for account alice": starts every error message. */
  what: string;
  /** --verbose: a failing command's last stderr line joins its message (a tool may print the secret there). */
  verbose?: boolean;
}

const COMMAND_TIMEOUT_MS = 30_000;
const COMMAND_MAX_OUTPUT = 1024 * 1024;

/** The secret a reference points at; SECRET_UNAVAILABLE when it cannot be had or is empty. */
export async function resolveSecret(ref: SecretRef, context: SecretContext): Promise<string> {
  if ('env' in ref) return fromEnv(ref.env, context);
  if ('file' in ref) return fromFile(ref.file, context);
  return fromCommand(ref.command, context);
}

function unavailable(message: string, hint: string): MailshiftError {
  return new MailshiftError(problem('SECRET_UNAVAILABLE', message, hint));
}

function fromEnv(name: string, { env, what }: SecretContext): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw unavailable(
      `${what}: environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`,
      `export ${name} before running mailshift (e.g. read it from your password manager), or point the manifest at a { file } or { command }`,
    );
  }
  return value;
}

async function fromFile(file: string, { manifestDir, what }: SecretContext): Promise<string> {
  const path = resolve(manifestDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw unavailable(
      `${what}: cannot read secret file ${path} (${code})`,
      code === 'ENOENT'
        ? `create it, or fix the path (it is relative to the manifest's folder, ${manifestDir})`
        : 'check that the file is readable by the user running mailshift',
    );
  }
  // Editors and `echo` add a final newline that is not part of the password.
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '')
    throw unavailable(
      `${what}: secret file ${path} is empty`,
      'write the secret into the file (a trailing newline is ignored)',
    );
  return value;
}

function fromCommand(argv: string[], { manifestDir, env, what, verbose }: SecretContext): Promise<string> {
  const [program, ...args] = argv;
  const name = program ?? '';
  return new Promise((done, fail) => {
    // execFile, not exec: the argument list goes to the program as written, no shell expands it.
    execFile(
      name,
      args,
      {
        cwd: manifestDir,
        env,
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: COMMAND_MAX_OUTPUT,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const value = stdout.replace(/[\r\n]+$/, '');
        if (error)
          return fail(
            commandFailure(argv, error, { what, manifestDir, stderrLine: verbose ? lastLine(stderr, value) : '' }),
          );
        if (value === '')
          return fail(
            unavailable(
              `${what}: command ${name} printed nothing`,
              'the command must print the secret on standard output',
            ),
          );
        done(value);
      },
    );
  });
}

type ExecError = Error & { code?: string | number | null; killed?: boolean; signal?: NodeJS.Signals | null };

/** Never the command's stdout; its stderr only when the caller passed the (already masked) last line. */
function commandFailure(
  argv: string[],
  error: ExecError,
  { what, manifestDir, stderrLine }: { what: string; manifestDir: string; stderrLine: string },
): MailshiftError {
  const name = argv[0] ?? '';
  if (error.code === 'ENOENT')
    return unavailable(
      `${what}: command ${name} not found`,
      'install it, or give its full path as the first element of `command`',
    );
  if (error.code === 'EACCES')
    return unavailable(`${what}: command ${name} is not executable`, 'check its permissions');
  if (error.killed && error.signal) {
    return unavailable(
      `${what}: command ${name} did not finish within ${COMMAND_TIMEOUT_MS / 1000} s`,
      'a command that asks for input (a pinentry, a PIN) cannot answer here: unlock it before running mailshift',
    );
  }
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
    return unavailable(`${what}: command ${name} printed more than 1 MiB`, 'the command must print just the secret');
  const status =
    typeof error.code === 'number' ? `exited with code ${error.code}` : `was ended by ${error.signal ?? 'a failure'}`;
  const hint = `run \`${argv.join(' ')}\` by hand in ${manifestDir} to see why${stderrLine ? '' : ' (or run mailshift with --verbose for the last line it printed on stderr)'}`;
  return unavailable(`${what}: command ${name} ${status}${stderrLine ? `: ${stderrLine}` : ''}`, hint);
}

/** The last non-empty line of stderr, where tools put their verdict; a secret echoed in it is masked. */
function lastLine(stderr: string, secret: string): string {
  const line =
    stderr
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .at(-1)
      ?.trim() ?? '';
  return secret !== '' ? line.split(secret).join('***') : line;
}
