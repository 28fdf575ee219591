// One account's snapshot cache as one JSON file, replaced atomically after each plan. Only a
// shortcut: a missing, damaged or foreign file means a full read, never an error.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SideCache, SnapshotCache } from '../plan/snapshot-cache.ts';
import { replaceFile } from './durable-file.ts';

const FORMAT = 'mailshift-snapshots/v1';

export async function readSnapshotCacheFile(file: string): Promise<SnapshotCache | null> {
  let parsed: { format?: unknown; source?: unknown; target?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch {
    return null;
  }
  if (parsed?.format !== FORMAT) return null;
  return { source: sideOf(parsed.source), target: sideOf(parsed.target) };
}

export async function writeSnapshotCacheFile(file: string, account: string, cache: SnapshotCache): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Not fsync'd: a cache (the plan checks each folder against the servers before using it), and
  // the two fsyncs of a few MB were a tenth of an apply's last 0.1 s.
  await replaceFile(
    file,
    `${JSON.stringify({ format: FORMAT, account, source: cache.source, target: cache.target })}\n`,
    { durable: false },
  );
}

function sideOf(value: unknown): SideCache | null {
  const side = value as SideCache | null;
  if (
    typeof side !== 'object' ||
    side === null ||
    typeof side.endpoint !== 'string' ||
    typeof side.folders !== 'object' ||
    side.folders === null
  )
    return null;
  return Object.values(side.folders).every(
    (folder) => Array.isArray(folder?.messages) && typeof folder.state?.uidValidity === 'number',
  )
    ? side
    : null;
}
