import { formatFlag } from 'imapflow/lib/tools.js';

// Flags go to the server only in a form it cannot misread. This matters most inside APPEND:
// Dovecot answers an unknown system flag ("\Bogus", "\Recent") with BAD and then, having stopped
// parsing, reads the rest of the command (the message's non-synchronizing literal, the other
// messages of a MULTIAPPEND) as if they were commands of their own.

const SYSTEM_FLAGS = new Set(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft']);

// \Recent is session state nobody can store: dropped. Unknown system flags and keywords that are
// not IMAP atoms (a space, parentheses, non-ASCII…) cannot be stored anywhere.

/** Flags as they can be sent (system flags capitalised, duplicates and \Recent dropped), or the first that cannot be stored at all. */
export function storableFlags(flags: readonly string[]): { flags: string[] } | { invalid: string } {
  const storable = new Set<string>();
  for (const flag of flags) {
    if (flag.toLowerCase() === '\\recent') continue;
    const formatted = formatFlag(flag);
    if (formatted === false || (formatted.startsWith('\\') && !SYSTEM_FLAGS.has(formatted))) return { invalid: flag };
    storable.add(formatted);
  }
  return { flags: [...storable] };
}
