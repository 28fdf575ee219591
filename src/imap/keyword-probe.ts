import { carriesKeywords } from '../plan/flags.ts';
import type { AccountListing, FolderSnapshot } from '../plan/snapshot.ts';
import type { AccountSession } from './account-session.ts';
import { selectFolder } from './select.ts';

// A read-only EXAMINE shows no PERMANENTFLAGS (RFC 3501 says it may not), and an empty or new
// folder is never opened at all, so which keywords a target folder stores is mostly unknown. Taken
// as "any", it sent keywords to servers that store none: mailutils answers BAD to such an APPEND,
// and the rest of the folder failed on every run. imapsync reads each folder's PERMANENTFLAGS
// with SELECT; one SELECT of the target's INBOX (never the source's) answers for the server.

/** Gmail user labels: with folders.gmail.labels 'first' the planner turns them into keywords. */
function hasUserLabels(messages: FolderSnapshot['messages']): boolean {
  return messages.some((message) => message.labels?.some((label) => !label.startsWith('\\')) ?? false);
}

/**
 * The target's listing with `inboxPermanentFlags` set when the messages to be read carry keywords
 * (or Gmail user labels, which may become keywords) and some target folder they may go to did not
 * say what it stores; unchanged otherwise.
 */
export async function withTargetKeywordRule(
  session: AccountSession,
  listing: AccountListing,
  sourceFolders: Record<string, FolderSnapshot>,
  targetFolders: Record<string, FolderSnapshot>,
  pairs: readonly { source: string; target: string }[],
): Promise<AccountListing> {
  const unknown = pairs.some(
    (pair) =>
      sourceFolders[pair.source] !== undefined &&
      (targetFolders[pair.target]?.permanentFlags ?? null) === null &&
      (carriesKeywords(sourceFolders[pair.source]!.messages) || hasUserLabels(sourceFolders[pair.source]!.messages)),
  );
  const inbox = listing.target.folders.find((folder) => folder.name.toUpperCase() === 'INBOX' && folder.selectable);
  if (!unknown || inbox === undefined) return listing;
  const { permanentFlags } = await session.target.use((connection) => selectFolder(connection, inbox.name));
  return {
    ...listing,
    target: { ...listing.target, server: { ...listing.target.server, inboxPermanentFlags: permanentFlags } },
  };
}
