// The state store as files in the migration's state dir:
//   lock                    the holder of the migration lock (JSON; in `lockDir` when given)
//   journal/<plan-sha>.jsonl  one line per completed action of that plan
//   uid-maps/<account>.json the account's source-UID → target-UID maps by source folder
//   snapshots/<account>.json what the last plan read of the account's folders (a cache)
//   transfers/<account>.json the bytes each side moved in the last 24 h (the daily byte budgets)
import { join } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { openJournalFile } from './journal-file.ts';
import { takeLock } from './lock-file.ts';
import type { StateStore } from './store.ts';
import { readSnapshotCacheFile, writeSnapshotCacheFile } from './snapshot-cache-file.ts';
import { readTransferLogFile, writeTransferLogFile } from './transfer-log-file.ts';
import { readUidMapFile, writeUidPairs } from './uid-map-file.ts';
import { guardWrite, type WritePlace } from './write-fault.ts';

/** The state store kept in `dir` (see stateDirFor), its lock in `lockDir`; folders are made when first written. */
export function localStateStore(dir: string, options: { lockDir?: string } = {}): StateStore {
  // One read-modify-write of an account's UID map file at a time (folders finish concurrently).
  const uidMapWrites = new Map<string, Promise<void>>();
  const uidMapFile = (accountId: string) => join(dir, 'uid-maps', `${safeName(accountId, 'account id')}.json`);
  const snapshotFile = (accountId: string) => join(dir, 'snapshots', `${safeName(accountId, 'account id')}.json`);
  const transferFile = (accountId: string) => join(dir, 'transfers', `${safeName(accountId, 'account id')}.json`);
  const place = (what: string, path: string): WritePlace => ({
    code: 'STATE_WRITE',
    what,
    path,
    then: 'then run again',
  });

  return {
    async lock(holder) {
      const lockFile = join(options.lockDir ?? dir, 'lock');
      const lock = await guardWrite(place('the migration lock', lockFile), () =>
        takeLock(options.lockDir ?? dir, holder),
      );
      return {
        tookOverFrom: lock.tookOverFrom,
        release: () => guardWrite(place('the migration lock', lockFile), () => lock.release()),
      };
    },

    async journal(planSha256) {
      if (!/^[0-9a-f]{64}$/.test(planSha256))
        throw new MailshiftError(problem('INTERNAL', `"${planSha256}" is not a plan SHA-256`));
      return openJournalFile(join(dir, 'journal', `${planSha256}.jsonl`));
    },

    uidMaps: async (accountId) => readUidMapFile(uidMapFile(accountId)),

    async recordUidPairs(accountId, sourceFolder, map, pairs) {
      const file = uidMapFile(accountId);
      const write = (uidMapWrites.get(file) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() =>
          guardWrite(place('the UID map', file), () => writeUidPairs(file, accountId, sourceFolder, map, pairs)),
        );
      uidMapWrites.set(file, write);
      return write;
    },

    snapshotCache: async (accountId) => readSnapshotCacheFile(snapshotFile(accountId)),
    saveSnapshotCache: async (accountId, cache) =>
      guardWrite(place('the snapshot cache', snapshotFile(accountId)), () =>
        writeSnapshotCacheFile(snapshotFile(accountId), accountId, cache),
      ),
    transfers: async (accountId) => readTransferLogFile(transferFile(accountId)),
    saveTransfers: async (accountId, log) =>
      guardWrite(place('the transfer log', transferFile(accountId)), () =>
        writeTransferLogFile(transferFile(accountId), accountId, log),
      ),
  };
}

/** Account ids follow the manifest's pattern; anything else must not become a path. */
function safeName(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(value))
    throw new MailshiftError(problem('INTERNAL', `${what} "${value}" cannot name a state file`));
  return value;
}
