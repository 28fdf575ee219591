// Before anything runs: each message a copy or deletion names by UID must still be the message the
// plan names by identity (plan/named-identities.ts), or the whole plan is refused. The snapshot
// cache of the plan that read the folders answers for most, with no IMAP at all when the plan was
// made with this state dir; only the messages it cannot vouch for are read from the servers, the
// identity headers of just those UIDs. An account that cannot be reached here is not checked: its
// apply fails on its own, and each copy is still checked on the bytes it fetches.
import type { Diagnostic } from '../errors.ts';
import { MailshiftError } from '../errors.ts';
import type { AccountSettings } from '../manifest/settings.ts';
import { openAccountSession, type AccountSession, type SessionContext } from '../imap/account-session.ts';
import { examineFolder } from '../imap/examine.ts';
import { fetchIdentities } from '../imap/fetch-identities.ts';
import { FETCH_CHUNK } from '../imap/fetch-messages.ts';
import { uidSets } from '../imap/uid-set.ts';
import { mapInLanes } from '../concurrency.ts';
import {
  confirmedBy,
  firstMismatch,
  namedMessages,
  type KnownFolder,
  type KnownFolders,
  type NamedMessage,
  type Side,
} from '../plan/named-identities.ts';
import { planRefused } from '../plan/plan-check.ts';
import { readFrom, type SnapshotCache } from '../plan/snapshot-cache.ts';
import type { AccountPlan, Plan } from '../plan/types.ts';
import type { StateStore } from '../state/store.ts';

export interface IdentityPreflight {
  plan: Plan;
  accounts: readonly AccountSettings[];
  state: Pick<StateStore, 'snapshotCache'>;
  session: SessionContext;
  /** Accounts checked at once. */
  concurrency: number;
  /** The plan file, for the diagnostic. */
  file: string;
}

/** Null when every named message that is still there is the one the plan names; else the refusal naming the first that is not. */
export async function identityPreflight(input: IdentityPreflight): Promise<Diagnostic | null> {
  const found = await mapInLanes(input.plan.accounts, input.concurrency, async (account) => {
    const settings = input.accounts.find((candidate) => candidate.id === account.id);
    return settings ? accountMismatch(account, settings, input) : null;
  });
  const index = found.findIndex((mismatch) => mismatch !== null);
  if (index === -1) return null;
  const { named, found: identity } = found[index]!;
  return planRefused(
    `${named.action} names the message of identity ${named.identity.slice(0, 12)}…, and that UID holds the message of identity ${identity.slice(0, 12)}…: the UID or the identity was edited`,
    input.plan.phase,
    input.file,
    { account: input.plan.accounts[index]!.id, folder: named.folder },
  );
}

async function accountMismatch(
  account: AccountPlan,
  settings: AccountSettings,
  input: IdentityPreflight,
): Promise<{ named: NamedMessage; found: string } | null> {
  const named = namedMessages(account);
  if (named.length === 0) return null;
  const cached = cachedFolders(await input.state.snapshotCache(account.id), settings);
  // A mismatch in the cache is read again too: the cache is only a shortcut, never the reason to refuse.
  const unconfirmed = named.filter((message) => !confirmedBy(message, cached));
  if (unconfirmed.length === 0) return null;
  let session: AccountSession;
  try {
    session = await openAccountSession(settings, input.session);
  } catch (error) {
    if (error instanceof MailshiftError) return null;
    throw error;
  }
  try {
    return firstMismatch(unconfirmed, await readFolders(session, unconfirmed));
  } finally {
    await session.close();
  }
}

/** What the snapshot cache holds of the account's folders, where it was read from these servers and logins. */
function cachedFolders(cache: SnapshotCache | null, settings: AccountSettings): KnownFolders {
  const memo = new Map<string, KnownFolder | undefined>();
  return (side, folder) => {
    const key = `${side}\0${folder}`;
    if (!memo.has(key)) {
      const sideCache = cache?.[side];
      const cachedFolder = readFrom(sideCache, settings[side]) ? sideCache.folders[folder] : undefined;
      memo.set(
        key,
        cachedFolder && {
          uidValidity: cachedFolder.state.uidValidity,
          identities: new Map(cachedFolder.messages.map((message) => [message.uid, message.identity])),
        },
      );
    }
    return memo.get(key);
  };
}

/** The named UIDs' identities from the servers, folder by folder; a folder that cannot be read (gone, a dropped connection) stays unknown. */
async function readFolders(session: AccountSession, named: readonly NamedMessage[]): Promise<KnownFolders> {
  const byFolder = new Map<string, { side: Side; folder: string; uidValidity: number; uids: number[] }>();
  for (const message of named) {
    const key = `${message.side}\0${message.folder}`;
    const entry =
      byFolder.get(key) ??
      byFolder
        .set(key, { side: message.side, folder: message.folder, uidValidity: message.uidValidity, uids: [] })
        .get(key)!;
    entry.uids.push(message.uid);
  }
  const known = new Map<string, KnownFolder>();
  await Promise.all(
    [...byFolder].map(async ([key, { side, folder, uidValidity, uids }]) => {
      try {
        known.set(
          key,
          await session[side].use(async (connection) => {
            const { state } = await examineFolder(connection, folder);
            const identities = new Map<number, string>();
            // Recreated since the plan: its UIDs name other messages, and the apply leaves it alone.
            if (state.uidValidity !== uidValidity) return { uidValidity: state.uidValidity, identities };
            for (const set of uidSets(uids, FETCH_CHUNK)) {
              for (const message of await fetchIdentities(connection, folder, set))
                identities.set(message.uid, message.identity);
            }
            return { uidValidity: state.uidValidity, identities };
          }),
        );
      } catch (error) {
        if (!(error instanceof MailshiftError)) throw error;
      }
    }),
  );
  return (side, folder) => known.get(`${side}\0${folder}`);
}
