// Folder names between two servers. A source name becomes a logical path (its segments, without
// the personal namespace prefix); a logical path becomes a target name under the target's prefix
// and delimiter. Rename rules and `map` values see logical paths joined with '/', so a rule reads
// the same whatever the two servers' delimiters and prefixes are.
import type { FolderListing, ServerSnapshot } from './snapshot.ts';

/** Whether a name is INBOX, which IMAP compares case-insensitively. */
export function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** The name as one server compares it: INBOX case-insensitively, every other name exactly. */
export function folderKey(name: string): string {
  return isInbox(name) ? 'INBOX' : name;
}

/** The name without the personal namespace prefix (compared case-insensitively, as 'INBOX.' is). */
export function withoutPrefix(name: string, prefix: string): string {
  return prefix !== '' && startsWithIgnoringCase(name, prefix) ? name.slice(prefix.length) : name;
}

/** Whether `text` starts with `start`, ignoring case. */
export function startsWithIgnoringCase(text: string, start: string): boolean {
  return text.slice(0, start.length).toUpperCase() === start.toUpperCase();
}

/** A folder's segments below the server's personal prefix ("INBOX.Lists.Dev" → ["Lists", "Dev"]). */
export function logicalSegments(folder: Pick<FolderListing, 'name' | 'delimiter'>, server: ServerSnapshot): string[] {
  const delimiter = folder.delimiter ?? server.delimiter;
  const rest = withoutPrefix(folder.name, server.personalPrefix);
  return delimiter ? rest.split(delimiter) : [rest];
}

export type TargetName = { name: string; notes: string[] } | { invalid: string };

/**
 * The target's name for a logical path. A leading INBOX segment is left out when the target's
 * prefix already is INBOX plus its delimiter: the classic INBOX.INBOX.x mistake of migrations
 * from a server without prefix. Segments may contain the target's delimiter (a rename or
 * `subfolder` written with it): that makes hierarchy, as written.
 */
export function targetNameOf(segments: readonly string[], server: ServerSnapshot): TargetName {
  const { delimiter, personalPrefix: prefix } = server;
  if (segments.length === 1 && isInbox(segments[0]!)) return { name: 'INBOX', notes: [] };
  const notes: string[] = [];
  let path = [...segments];
  if (path.length > 1 && isInbox(path[0]!) && delimiter !== null && prefix.toUpperCase() === `INBOX${delimiter}`) {
    notes.push(
      `the leading "${path[0]}" was left out: the target's namespace prefix "${prefix}" puts every folder below INBOX already (no ${prefix}${path[0]}${delimiter}…)`,
    );
    path = path.slice(1);
  } else if (path.length > 1 && isInbox(path[0]!)) {
    path[0] = 'INBOX';
  }
  if (path.length === 0 || path.every((segment) => segment === '')) return { invalid: 'the name would be empty' };
  if (path.some((segment) => segment === '')) return { invalid: `"${path.join('/')}" has an empty path segment` };
  if (delimiter === null) {
    if (path.length > 1)
      return { invalid: `the target server has no folder hierarchy, so "${path.join('/')}" cannot be made` };
    return { name: prefix + path[0], notes };
  }
  const rest = path.join(delimiter);
  if (rest.split(delimiter).some((segment) => segment === ''))
    return { invalid: `"${rest}" has an empty path segment` };
  return { name: prefix + rest, notes };
}

/** Whether a name already given as the target's own (e.g. a `map` value) has no empty segment. */
export function verbatimNameProblem(name: string, server: ServerSnapshot): string | null {
  const rest = withoutPrefix(name, server.personalPrefix);
  if (rest === '') return 'the name would be empty';
  if (server.delimiter !== null && rest.split(server.delimiter).some((segment) => segment === ''))
    return `"${name}" has an empty path segment`;
  return null;
}
