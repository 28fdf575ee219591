import type { StatusObject, StatusQuery } from 'imapflow';
import type { FolderListing, FolderState, SpecialUse } from '../plan/snapshot.ts';
import { hasCapability } from './capabilities.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { MailshiftError } from '../errors.ts';
import { commandFailure } from './errors.ts';
import { examineFolder } from './examine.ts';
import { listedNameProblem, quoted } from './modified-utf7.ts';

const STATUS_QUERY: StatusQuery = { messages: true, uidNext: true, uidValidity: true, highestModseq: true };
const SPECIAL_USES: readonly SpecialUse[] = [
  '\\All',
  '\\Archive',
  '\\Drafts',
  '\\Flagged',
  '\\Junk',
  '\\Sent',
  '\\Trash',
];

/**
 * Every folder of the personal namespace, sorted by name: LIST "" "*" with RETURN (SPECIAL-USE
 * SUBSCRIBED STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)) where the server has LIST-STATUS
 * and LIST-EXTENDED; imapflow falls back to LSUB and one STATUS per folder where it has not, and
 * EXAMINE stands in for a STATUS that cannot be read. The server may refuse that too for a folder
 * it listed (an IMAP_ERROR naming the folder).
 *
 * Whether a folder can hold mail comes from LIST alone. Without LIST-EXTENDED imapflow adds LSUB's
 * attributes to LIST's, and in LSUB `\\Noselect` only says "not subscribed, has subscribed
 * children" (RFC 3501 6.3.9; Courier marks every such parent): taken as LIST's, it hid folders
 * with mail from plan and verify.
 *
 * A name that is not valid modified UTF-7 (modified-utf7.ts) would come back from imapflow as
 * another mailbox's: that folder is listed under the name the server sent, unreadable, and no
 * command names it. So imapflow is asked for STATUS only where LIST carries it (LIST-STATUS);
 * elsewhere the one STATUS per folder is sent here, for the folders whose names are safe. (A server
 * that advertises LIST-STATUS but refuses RETURN STATUS still gets imapflow's STATUS of each name.)
 */
export async function listFolders(connection: ImapConnection): Promise<FolderListing[]> {
  const flow = flowOf(connection);
  let entries;
  let listedAlone: Map<string, Set<string>> | null = null;
  try {
    if (!hasCapability(connection, 'LIST-EXTENDED'))
      listedAlone = attributesByPath(await flow.list({ listOnly: true }));
    entries = await flow.list(hasCapability(connection, 'LIST-STATUS') ? { statusQuery: STATUS_QUERY } : {});
  } catch (error) {
    throw commandFailure(error, connection, 'LIST');
  }
  const folders: FolderListing[] = [];
  for (const entry of entries) {
    const merged = lowerCased(entry.flags);
    const flags = listedAlone?.get(entry.path) ?? merged;
    const notSubscribedItself = merged.has('\\noselect') && !flags.has('\\noselect');
    const selectable = !flags.has('\\noselect') && !flags.has('\\nonexistent');
    const badName = listedNameProblem(flow, entry.pathAsListed);
    folders.push({
      name: badName === null ? entry.path : asListed(entry.pathAsListed, entry.delimiter),
      delimiter: entry.delimiter || null,
      // The attributes the server listed, not entry.specialUse: imapflow fills that in from
      // localised names too ("Entwürfe" → \Drafts) and keeps only one folder per use.
      specialUse: SPECIAL_USES.find((use) => flags.has(use.toLowerCase())) ?? null,
      // imapflow leaves it unset, not false, for a folder the server did not mark \Subscribed.
      subscribed: entry.subscribed === true && !notSubscribedItself,
      selectable,
      ...(badName !== null
        ? { state: null, unreadable: refusedName(entry.pathAsListed, badName) }
        : selectable
          ? await stateOf(connection, entry.path, entry.status)
          : { state: null }),
    });
  }
  return folders.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The name as the server sent it, without the leading delimiter some servers prepend (as imapflow strips it from `path`). */
function asListed(raw: string, delimiter: string): string {
  return delimiter && raw.startsWith(delimiter) ? raw.slice(delimiter.length) : raw;
}

function refusedName(raw: string, problem: string): string {
  return `folder ${quoted(raw)} as the server lists it: ${problem}; mailshift would read or write another mailbox under that name, so it does not touch it: rename the folder on the server`;
}

function attributesByPath(entries: readonly { path: string; flags: Set<string> }[]): Map<string, Set<string>> {
  return new Map(entries.map((entry) => [entry.path, lowerCased(entry.flags)]));
}

function lowerCased(flags: Set<string>): Set<string> {
  return new Set([...flags].map((flag) => flag.toLowerCase()));
}

async function stateOf(
  connection: ImapConnection,
  path: string,
  listed: StatusObject | undefined,
): Promise<{ state: FolderState | null; unreadable?: string }> {
  let status: StatusObject | false | undefined = listed;
  if (!isComplete(status)) {
    try {
      // LIST-STATUS skipped this folder, or imapflow's per-folder STATUS failed: ask once more.
      status = await flowOf(connection).status(path, STATUS_QUERY);
    } catch {
      status = undefined;
    }
  }
  // A STATUS that cannot be read (mailutils leaves names with spaces unquoted) or is refused: EXAMINE
  // says the same, as imapsync reads it. A refusal of that too is the folder's, not the account's.
  if (!isComplete(status)) {
    try {
      return { state: (await examineFolder(connection, path)).state };
    } catch (error) {
      if (!isRefusal(error, connection)) throw error;
      return { state: null, unreadable: error.diagnostics[0]!.message };
    }
  }
  return {
    state: {
      uidValidity: Number(status.uidValidity),
      uidNext: status.uidNext,
      highestModseq: status.highestModseq === undefined ? null : Number(status.highestModseq),
      messages: status.messages,
    },
  };
}

/** The server answered NO or BAD on a connection still in use (not a dropped or timed-out one). */
function isRefusal(error: unknown, connection: ImapConnection): error is MailshiftError {
  return (
    error instanceof MailshiftError && connection.usable && error.diagnostics.every((d) => d.code === 'IMAP_ERROR')
  );
}

function isComplete(
  status: StatusObject | false | undefined,
): status is StatusObject & { uidValidity: bigint; uidNext: number; messages: number } {
  return (
    !!status &&
    !('error' in status) &&
    status.uidValidity !== undefined &&
    status.uidNext !== undefined &&
    status.messages !== undefined
  );
}
