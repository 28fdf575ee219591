// How much of one answer mailshift reads before it takes the server for broken: imapflow's
// defaults (1 GiB for a line and for any literal) let a server that never ends a line fill half a
// gigabyte of memory before the idle timeout. A message body may be large; nothing else may.

/** The longest line: room for a plain UID SEARCH answer of about two million UIDs. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The largest literal other than a message body: a header (of a few KB as a rule), a folder name. */
export const MAX_LITERAL_BYTES = 8 * 1024 * 1024;

/** The largest message body read (BODY[]): above what any mail server stores or accepts. */
export const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** Literal and response limits outside and during a read of message bodies. */
export const ANSWER_LIMITS = { literal: MAX_LITERAL_BYTES, response: MAX_LINE_BYTES + MAX_LITERAL_BYTES };
export const BODY_ANSWER_LIMITS = { literal: MAX_MESSAGE_BYTES, response: MAX_MESSAGE_BYTES + MAX_LINE_BYTES };

/** imapflow's error for an answer past a limit, in words ("a line of more than 16 MiB"); null for any other error. */
export function oversizedAnswer(error: unknown): string | null {
  const { code, literalSize, maxSize } = (error ?? {}) as { code?: unknown; literalSize?: unknown; maxSize?: unknown };
  const limit = typeof maxSize === 'number' ? sizeInWords(maxSize) : 'its limit';
  if (code === 'LineTooLarge') return `a line longer than ${limit}`;
  if (code === 'ResponseTooLarge') return `an answer larger than ${limit}`;
  if (code !== 'LiteralTooLarge') return null;
  const announced =
    typeof literalSize === 'number' && Number.isFinite(literalSize)
      ? `${literalSize} bytes`
      : 'an absurd number of bytes';
  return `a literal announced as ${announced}, over the limit of ${limit}`;
}

function sizeInWords(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
