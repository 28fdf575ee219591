import type { ImapFlow } from 'imapflow';
import { decodePath, encodePath, enhanceCommandError, normalizePath } from 'imapflow/lib/tools.js';
import { heardSlowDown } from '../throttle-answer.ts';
import { usesInternals } from './internals.ts';
import { allowLiteralPlus } from './literal-plus.ts';

// imapflow has no MULTIAPPEND, swallows STORE and SUBSCRIBE failures, and drops flags it guesses
// a folder will not take. The write commands therefore go through the client's internal exec():
// the same command queue, parser and untagged handlers as everything else imapflow sends, with
// the arguments and the answer left to us. exec() is undocumented; this file is its only user
// (and literal-plus.ts, for how a command reaches the wire).

/** A command argument as imapflow's compiler takes it; a list is written in parentheses, an atom's section in brackets (BODY.PEEK[HEADER]). */
export type Token =
  | { type: 'ATOM'; value: string; section?: Token[]; partial?: [number, number] }
  | { type: 'STRING' | 'SEQUENCE'; value: string }
  | { type: 'LITERAL'; value: Buffer; isLiteral8?: boolean }
  | Token[];

/** The tagged OK, reduced to its response code: `[APPENDUID 38505 3955]` → code APPENDUID, args ['38505', '3955']. */
export interface TaggedOk {
  code: string | null;
  args: string[];
}

interface ParsedNode {
  type?: string;
  value?: unknown;
  section?: ParsedNode[];
}

interface InternalFlow {
  exec(
    command: string,
    attributes: Token[] | false,
    options?: object,
  ): Promise<{ response: { attributes?: ParsedNode[] }; next(): void }>;
}

type UntaggedHandlers = Record<string, (answer: { attributes?: ParsedNode[] }) => void>;

// `untagged` gets the server's untagged answers of those names (LIST…) while the command runs;
// `literalPlus` writes every literal non-synchronizing (only for a server with LITERAL+).

/** Sends one command: resolves on the tagged OK; a NO or BAD rejects with imapflow's error, enhanced as its own commands do (serverResponseCode, the server's line as text). */
export async function execCommand(
  flow: ImapFlow,
  command: string,
  attributes: Token[] | false,
  options: { untagged?: UntaggedHandlers; literalPlus?: boolean } = {},
): Promise<TaggedOk> {
  // A client on imapflow's public API takes public-commands.ts instead.
  if (!usesInternals(flow)) throw new Error(`${command} needs imapflow's internals, which this client does not use`);
  if (options.literalPlus) allowLiteralPlus(flow);
  let answer;
  try {
    answer = await (flow as unknown as InternalFlow).exec(command, attributes, options);
  } catch (error) {
    if (error !== null && typeof error === 'object' && 'response' in error)
      await enhanceCommandError(error as Parameters<typeof enhanceCommandError>[0]);
    throw error;
  }
  // The reader stays parked until next(): release it before anything else is awaited.
  answer.next();
  const section = answer.response.attributes?.[0]?.section ?? [];
  const [code, ...args] = section.map((node) => (node && typeof node.value === 'string' ? node.value : ''));
  if (code?.toUpperCase() === 'THROTTLED') heardSlowDown(flow, `[THROTTLED] ${command} done, slow down`);
  return { code: code ? code.toUpperCase() : null, args };
}

/** The folder name as imapflow's own commands send it: normalised the same way, modified UTF-7 where needed. */
export function folderToken(flow: ImapFlow, folder: string): Token {
  return { type: 'ATOM', value: encodePath(flow, normalizePath(flow, folder)) };
}

/** The response code of a NO/BAD (TRYCREATE, ALREADYEXISTS…), or null. */
export function responseCodeOf(error: unknown): string | null {
  const code = (error as { serverResponseCode?: unknown } | null)?.serverResponseCode;
  return typeof code === 'string' && code !== '' ? code.toUpperCase() : null;
}

/** Whether the server answered the command with BAD (as opposed to NO, or no answer at all). */
export function isBad(error: unknown): boolean {
  return (error as { responseStatus?: unknown } | null)?.responseStatus === 'BAD';
}

/** What the server said in its NO/BAD, tag and Dovecot's timing suffix removed ("CANNOT Keyword length too long"): its own text, never message content. */
export function refusalText(error: unknown): string {
  const fields = (error ?? {}) as { response?: unknown; responseText?: unknown; message?: unknown };
  const line =
    typeof fields.response === 'string' && fields.response !== ''
      ? fields.response
      : typeof fields.responseText === 'string'
        ? fields.responseText
        : '';
  const text = line
    .replace(/^\S+ (NO|BAD) /i, '')
    .replace(/^\[([^\]]*)\]\s*/, '$1 ')
    .replace(/\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)\.?\s*$/, '')
    .trim();
  return text !== '' ? text : String(fields.message ?? 'refused without a reason');
}

// Not imapflow's list(): it puts the namespace prefix in front of the reference as well, and
// "INBOX." "INBOX.Sent" lists nothing. A name holding % or * is a pattern: only an exact match counts.

/** `LIST "" <folder>`: whether the server lists exactly that folder (\NonExistent entries, RFC 5258, do not count); it may fail the LIST. */
export async function folderExists(flow: ImapFlow, folder: string): Promise<boolean> {
  const path = normalizePath(flow, folder);
  let found = false;
  await execCommand(
    flow,
    'LIST',
    [
      { type: 'STRING', value: '' },
      { type: 'STRING', value: encodePath(flow, path) },
    ],
    {
      untagged: {
        LIST(answer) {
          const [flags, , name] = answer.attributes ?? [];
          const nonexistent =
            Array.isArray(flags) &&
            flags.some((flag: ParsedNode) => String(flag?.value).toUpperCase() === '\\NONEXISTENT');
          const listed =
            name && (typeof name.value === 'string' || Buffer.isBuffer(name.value))
              ? decodePath(flow, name.value.toString())
              : null;
          if (!nonexistent && listed !== null && normalizePath(flow, listed) === path) found = true;
        },
      },
    },
  );
  return found;
}
