// A spy on the IMAP commands mailshift sends (the server stays real): every command any imapflow
// client sends while a callback runs, through imapflow's exec(), which mailshift's own command
// paths (execCommand, the MULTIAPPEND writer, the bulk FETCH) go through too.
import { ImapFlow } from 'imapflow';
import { runCli } from '../../src/cli/main.ts';

export interface SentCommand {
  command: string;
  /** The command's arguments as imapflow's token list. */
  attributes: unknown;
  /** The server port of the connection it went on: which side, where two servers are in play. */
  port: number;
  /** The folder the command names (EXAMINE, SELECT, CREATE, SUBSCRIBE, APPEND) or, for the others, the one open then. */
  folder: string | undefined;
  /** The folder open read-only (EXAMINE) on that connection when the command was sent. */
  openReadOnly: string | undefined;
}

const NAMING_A_FOLDER = new Set(['EXAMINE', 'SELECT', 'CREATE', 'SUBSCRIBE', 'APPEND']);

type SpiedFlow = { port: number; mailbox?: { path: string; readOnly?: boolean } | false };

/** Runs fn with every command recorded, in the order sent. */
export async function recordCommands<T>(fn: () => Promise<T>): Promise<{ result: T; sent: SentCommand[] }> {
  const prototype = ImapFlow.prototype as unknown as {
    exec: (this: SpiedFlow, command: string, attributes?: unknown, ...rest: unknown[]) => Promise<unknown>;
  };
  const original = prototype.exec;
  const sent: SentCommand[] = [];
  prototype.exec = function (command, attributes, ...rest) {
    const named =
      Array.isArray(attributes) && typeof attributes[0]?.value === 'string'
        ? (attributes[0].value as string)
        : undefined;
    const open = this.mailbox ? this.mailbox : undefined;
    sent.push({
      command,
      attributes,
      port: this.port,
      folder: NAMING_A_FOLDER.has(command) ? named : open?.path,
      openReadOnly: open?.readOnly ? open.path : undefined,
    });
    return original.call(this, command, attributes, ...rest);
  };
  try {
    return { result: await fn(), sent };
  } finally {
    prototype.exec = original;
  }
}

/** `mailshift apply <plan> --quiet` in this process (so its commands can be recorded): exit code, output and the commands sent. */
export async function applyRecordingCommands(
  planFile: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string; sent: SentCommand[] }> {
  let output = '';
  const io = {
    stdout: (text: string) => void (output += text),
    stderr: (text: string) => void (output += text),
    isTTY: false,
    env: { ...process.env, ...env },
  };
  const { result: code, sent } = await recordCommands(() => runCli(['apply', planFile, '--quiet'], io));
  return { code, output, sent };
}
