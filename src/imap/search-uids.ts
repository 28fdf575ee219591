import type { SearchObject } from 'imapflow';
import type { FetchWindow } from '../plan/snapshot.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { commandFailure } from './errors.ts';

/**
 * UID SEARCH in the examined folder: SINCE/BEFORE for a window (whole days, already widened by the
 * planner to a superset of its age window, which it applies exactly afterwards), ALL otherwise.
 * The server may refuse the search (an IMAP_ERROR).
 */
export async function searchUids(
  connection: ImapConnection,
  folder: string,
  window: FetchWindow | null,
): Promise<number[]> {
  const query: SearchObject = {};
  if (window?.since) query.since = new Date(`${window.since}T00:00:00Z`);
  if (window?.before) query.before = new Date(`${window.before}T00:00:00Z`);
  if (!query.since && !query.before) query.all = true;
  return search(connection, folder, query);
}

/** `UID SEARCH UID <set>` in the examined folder: which of those UIDs the folder still holds. */
export function searchUidSet(connection: ImapConnection, folder: string, set: string): Promise<number[]> {
  return search(connection, folder, { uid: set });
}

async function search(connection: ImapConnection, folder: string, query: SearchObject): Promise<number[]> {
  let uids: number[] | false | undefined;
  try {
    uids = await flowOf(connection).search(query, { uid: true });
  } catch (error) {
    throw commandFailure(error, connection, 'UID SEARCH', folder);
  }
  if (!Array.isArray(uids))
    throw commandFailure(new Error('the server refused the search'), connection, 'UID SEARCH', folder);
  return uids;
}
