// Flags between two servers. System flags compare case-insensitively and are written in their
// RFC 3501 spelling; \Recent is the server's own and \Deleted is never carried over (a copy
// flagged \Deleted would be expunged on the target by the next EXPUNGE of any client).
// Keywords go over only where the target folder can store them.

const SYSTEM_FLAGS = ['\\Answered', '\\Draft', '\\Flagged', '\\Seen'];
const NEVER_CARRIED = new Set(['\\recent', '\\deleted']);
// RFC 3501 atom: printable ASCII without atom-specials ( ) { SP % * " \ ].
const ATOM = /^[\x21-\x7e]+$/;
const ATOM_SPECIALS = /[(){%*"\\\]]/;

/** Why a flag cannot be stored on the target. */
export type RefusedFlag = { flag: string; why: 'unsupported' | 'invalid' };

/** Flags as compared: system flags in their canonical spelling, \Recent and \Deleted left out, no duplicates. */
export function comparableFlags(flags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const flag of flags) {
    const lower = flag.toLowerCase();
    if (NEVER_CARRIED.has(lower) || seen.has(lower)) continue;
    seen.set(lower, SYSTEM_FLAGS.find((system) => system.toLowerCase() === lower) ?? flag);
  }
  return [...seen.values()];
}

/**
 * What the target folder accepts, from its PERMANENTFLAGS: every valid keyword when they are
 * unknown (a folder created by this plan, or EXAMINE did not say) or include \*, else the ones listed.
 */
export function flagAcceptor(permanentFlags: readonly string[] | null): (flag: string) => RefusedFlag['why'] | null {
  const listed = new Set((permanentFlags ?? []).map((flag) => flag.toLowerCase()));
  const anyKeyword = permanentFlags === null || listed.has('\\*');
  return (flag) => {
    if (SYSTEM_FLAGS.includes(flag)) return null;
    // A backslash flag other than the system ones is a server extension: only where listed.
    if (flag.startsWith('\\')) return listed.has(flag.toLowerCase()) ? null : 'unsupported';
    if (!ATOM.test(flag) || ATOM_SPECIALS.test(flag)) return 'invalid';
    return anyKeyword || listed.has(flag.toLowerCase()) ? null : 'unsupported';
  };
}

/** Whether any of these messages carries a keyword (a flag without a backslash). */
export function carriesKeywords(messages: Iterable<{ flags: readonly string[] }>): boolean {
  for (const message of messages) if (message.flags.some((flag) => !flag.startsWith('\\'))) return true;
  return false;
}

/** The PERMANENTFLAGS a target folder is judged by: its own, else its server's INBOX's when known, else unknown (null). */
export function permanentFlagsOf(
  folder: { permanentFlags: string[] | null } | undefined,
  server: { inboxPermanentFlags?: string[] | null },
): string[] | null {
  return folder?.permanentFlags ?? server.inboxPermanentFlags ?? null;
}

/** The source flags a copy or flag update writes, and the ones the target cannot store. */
export function carriedFlags(
  sourceFlags: readonly string[],
  accepts: ReturnType<typeof flagAcceptor>,
): { flags: string[]; refused: RefusedFlag[] } {
  const flags: string[] = [];
  const refused: RefusedFlag[] = [];
  for (const flag of comparableFlags(sourceFlags)) {
    const why = accepts(flag);
    if (why === null) flags.push(flag);
    else refused.push({ flag, why });
  }
  return { flags, refused };
}

/**
 * The update that brings a target message's flags in line with its source (imapsync replaces
 * them too). A flag the target refuses is neither added nor removed.
 */
export function flagChange(
  sourceFlags: readonly string[],
  carried: readonly string[],
  targetFlags: readonly string[],
): { add: string[]; remove: string[] } {
  const onTarget = comparableFlags(targetFlags);
  const has = (list: readonly string[], flag: string) =>
    list.some((other) => other.toLowerCase() === flag.toLowerCase());
  const onSource = comparableFlags(sourceFlags);
  return {
    add: carried.filter((flag) => !has(onTarget, flag)),
    remove: onTarget.filter((flag) => !has(onSource, flag)),
  };
}
