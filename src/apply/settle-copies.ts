import type { ImapConnection } from '../imap/connection.ts';
import { fetchIdentities } from '../imap/fetch-identities.ts';
import { greetsAsMailutils } from '../imap/maildir-new.ts';
import { selectFolder } from '../imap/select.ts';
import { storableFlags } from '../imap/storable-flags.ts';
import { storeFlags } from '../imap/store-flags.ts';
import type { MessageSnapshot } from '../plan/snapshot.ts';

// After the copies into a target folder, two server habits must not leave them half done.
//
// GNU mailutils imap4d (maildir) stores no flags given in APPEND: its copies arrive unread and
// unflagged. So the first folder with flagged copies on each target server is checked, with one
// FETCH of what landed, and where the flags are missing every folder of that server gets them with
// UID STORE afterwards. A server that kept them (Dovecot, Cyrus, Courier) is not checked again.
//
// The same server leaves an appended message in maildir new/ until a read-write session opens the
// folder, and until then numbers it anew, and resets the folder's UIDVALIDITY, at every read-only
// open: a re-plan would never see the same UIDs twice. One read-write SELECT of the folder after
// its copies moves them to cur/ with the UIDs they keep, on servers that greet as imap4d does
// (maildir-new.ts). Elsewhere the check is read-only, so copies stay \Recent for the user's mail
// client, and a SELECT comes only with flags to STORE.

/** A copy this run stored: the identity it has on the target and the flags it was to have. */
export interface StoredCopy {
  identity: string;
  flags: readonly string[];
}

/** Per target server (host:port): whether its APPEND kept the flags it was given, once seen. */
const appendKeepsFlags = new Map<string, boolean>();
/** The first check per server while it runs: folders finishing meanwhile wait for its verdict rather than check too. */
const learning = new Map<string, Promise<void>>();

/**
 * Unless the server is known to keep APPEND's flags (or no copy had any): FETCH the messages from
 * `fromUid` and UID STORE the flags copies lack, learning from the first such check whether the
 * server keeps them. On mailutils the folder is SELECTed first anyway (it settles the copies).
 */
export async function settleCopies(
  connection: ImapConnection,
  folder: string,
  copies: readonly StoredCopy[],
  fromUid: number,
): Promise<void> {
  if (copies.length === 0) return;
  const server = `${connection.place.host}:${connection.place.port}`;
  const wanted = copies
    .map((copy) => ({ identity: copy.identity, flags: sendableFlags(copy.flags) }))
    .filter((copy) => copy.flags.length > 0);
  if (wanted.length > 0 && !appendKeepsFlags.has(server) && learning.has(server)) await learning.get(server);
  const known = appendKeepsFlags.get(server);
  const check = wanted.length > 0 && known !== true;
  const settles = greetsAsMailutils(connection);
  if (settles) await selectFolder(connection, folder);
  if (!check) return;
  // A verdict only from copies found: none found says nothing about the server.
  const learnFrom = (onTarget: MessageSnapshot[]) => {
    if (known === undefined && wanted.some((copy) => onTarget.some((message) => message.identity === copy.identity)))
      appendKeepsFlags.set(server, missingFlags(wanted, onTarget).length === 0);
    return onTarget;
  };
  const checking = (async () => {
    // Once the server is known to drop them, every UID: the copies' UIDs were not known before a SELECT settled them.
    const range = `${known === false ? 1 : Math.max(1, fromUid)}:*`;
    // Read-only where nothing was settled: a server that keeps the flags keeps \Recent on the copies too.
    let changes = missingFlags(wanted, learnFrom(await fetchIdentities(connection, folder, range)));
    if (changes.length === 0) return;
    if (!settles) {
      // The STORE needs a read-write SELECT; should it renumber anything, the UIDs are read again under it.
      await selectFolder(connection, folder);
      changes = missingFlags(wanted, await fetchIdentities(connection, folder, range));
    }
    await storeFlags(connection, folder, changes);
  })();
  if (known === undefined && !learning.has(server))
    learning.set(
      server,
      checking
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => learning.delete(server)),
    );
  await checking;
}

/** The flags each copy lacks on the target, by identity: one target message per copy, those lacking least first. */
export function missingFlags(
  copies: ReadonlyArray<{ identity: string; flags: readonly string[] }>,
  onTarget: readonly MessageSnapshot[],
): Array<{ uid: number; add: string[]; remove: string[] }> {
  const byIdentity = new Map<string, MessageSnapshot[]>();
  for (const message of onTarget) {
    const list = byIdentity.get(message.identity) ?? [];
    list.push(message);
    byIdentity.set(message.identity, list);
  }
  const changes: Array<{ uid: number; add: string[]; remove: string[] }> = [];
  for (const copy of copies) {
    const candidates = byIdentity.get(copy.identity);
    if (!candidates || candidates.length === 0) continue;
    const lacking = (message: MessageSnapshot) =>
      copy.flags.filter((flag) => !message.flags.some((has) => has.toLowerCase() === flag.toLowerCase()));
    candidates.sort((a, b) => lacking(a).length - lacking(b).length || a.uid - b.uid);
    const message = candidates.shift()!;
    const add = lacking(message);
    if (add.length > 0) changes.push({ uid: message.uid, add, remove: [] });
  }
  return changes;
}

function sendableFlags(flags: readonly string[]): string[] {
  const checked = storableFlags(flags);
  return 'flags' in checked ? checked.flags : [];
}
