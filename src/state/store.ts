// What the executor keeps between runs, behind one small interface: the lock, the apply journal
// and UID maps. The first implementation is the local state dir (local-store.ts); a queue-backed
// one (BullMQ on Redis) can take its place, so no file path shows through here. The phase history
// is not kept here: it is the audit log next to the manifest (audit/outcomes.ts), committed to
// git, so every clone and CI runner judges the phase order from the same record.
import { dirname, join } from 'node:path';
import type { SnapshotCache } from '../plan/snapshot-cache.ts';
import type { UidMap, UidMaps } from '../plan/snapshot.ts';
import type { TransferLog } from './transfer-log-file.ts';

import { localStateStore } from './local-store.ts';

export { localStateStore };

export interface StateStore {
  /**
   * Exclusive per migration: two applies of one manifest never run at once. Throws MailshiftError
   * STATE_LOCKED naming the holder; a lock whose pid is dead on this same host is taken over
   * (Lock.tookOverFrom says from whom).
   */
  lock(holder: LockHolder): Promise<Lock>;
  /** The journal of one plan (keyed by the plan file's SHA-256): completed actions, appended as they complete. */
  journal(planSha256: string): Promise<Journal>;
  /** The account's UID maps by source folder ({} before the first apply). */
  uidMaps(accountId: string): Promise<UidMaps>;
  /** Merge pairs into the account's map for that source folder (replacing it when the UIDVALIDITYs or target differ). */
  recordUidPairs(
    accountId: string,
    sourceFolder: string,
    map: Omit<UidMap, 'pairs'>,
    pairs: Array<[number, number]>,
  ): Promise<void>;
  /** What the last plan read of the account's folders; null when there is none or it cannot be read (it is only a shortcut). */
  snapshotCache(accountId: string): Promise<SnapshotCache | null>;
  /** Replace the account's snapshot cache (atomically). */
  saveSnapshotCache(accountId: string, cache: SnapshotCache): Promise<void>;
  /** The bytes the account moved lately, per side (what the daily byte budgets count); empty at first. */
  transfers(accountId: string): Promise<TransferLog>;
  /** Replace the account's transfer log (atomically, durably). */
  saveTransfers(accountId: string, log: TransferLog): Promise<void>;
}

export interface LockHolder {
  /** user@host of whoever runs the apply. */
  operator: string;
  pid: number;
  host: string;
}

export interface Lock {
  /** The holder of the stale lock this one replaced ("alice@ops1, pid 4242 on ops1, since …"), else null. */
  tookOverFrom: string | null;
  /** Give the lock up; a second call does nothing. */
  release(): Promise<void>;
}

export interface JournalEntry {
  /** The action's stable key within the plan (the executor chooses it, e.g. "alice/Sent/copy/42"). */
  key: string;
  result: 'done' | 'failed' | 'skipped';
  detail?: Record<string, unknown>;
}

export interface Journal {
  /** A 'done' or 'skipped' entry exists for the key (failed ones are retried on re-run). */
  has(key: string): boolean;
  /** The key's latest entry. */
  get(key: string): JournalEntry | undefined;
  /** Resolves once the entry is durable (fsync'd); a kill -9 at any point loses at most entries not yet resolved. */
  append(entry: JournalEntry): Promise<void>;
  /** The latest entry of every key, in the order keys were first journaled. */
  entries(): JournalEntry[];
  /** Waits for pending appends, then closes; appending afterwards is an error. */
  close(): Promise<void>;
}

/** The migration's state dir: <manifest dir>/.mailshift/<name>/, or DIR/<name>/ with --state-dir DIR. */
export function stateDirFor(manifestFile: string, name: string, override?: string): string {
  return join(override ?? join(dirname(manifestFile), '.mailshift'), name);
}

/**
 * The migration's state store. Its journals and UID maps live in the state dir, which --state-dir
 * may move; its lock stays in the default state dir next to the manifest, so applies and gates of
 * one manifest exclude each other whatever --state-dir each was given (they share its audit log).
 */
export function migrationStateStore(manifestFile: string, name: string, override?: string): StateStore {
  return localStateStore(stateDirFor(manifestFile, name, override), { lockDir: stateDirFor(manifestFile, name) });
}
