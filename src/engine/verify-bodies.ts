// `verify --content`: the SHA-256 of every matched message's body on both sides. Folders are
// hashed in parallel over each side's connections (the pool bounds them); within a folder,
// hashBodies reads one message at a time.
import { MailshiftError, type Diagnostic } from '../errors.ts';
import { hashBodies } from '../imap/hash-bodies.ts';
import type { AccountSession } from '../imap/read-account.ts';
import type { Side } from '../imap/connection.ts';
import type { SliceSettings } from '../manifest/settings.ts';
import type { FolderMappingResult } from '../plan/folder-mapping.ts';
import type { AccountSnapshot, MessageSnapshot, UidMaps } from '../plan/snapshot.ts';
import { bodiesToHash, folderScope, type BodyHashes, type BodyRequest } from '../plan/verify-compare.ts';

interface HashJob {
  side: Side;
  folder: string;
  request: BodyRequest;
  sizes: ReadonlyMap<number, number>;
}

/** Body hashes of the matched messages of every folder pair whose target exists, and the bytes read for them. */
export async function hashAccountBodies(
  session: AccountSession,
  read: { snapshot: AccountSnapshot; mapping: FolderMappingResult },
  slice: SliceSettings,
  now: Date,
  uidMaps: UidMaps,
): Promise<{ hashes: BodyHashes; bytes: number }> {
  const jobs: HashJob[] = [];
  for (const pair of read.mapping.pairs) {
    const source = read.snapshot.sourceFolders[pair.source];
    const target = pair.targetExists ? read.snapshot.targetFolders[pair.target] : undefined;
    if (!source || !target) continue;
    const scope = folderScope(pair, source, target, slice.messages, now, uidMaps);
    const wanted = bodiesToHash(scope);
    jobs.push(
      { side: 'source', folder: pair.source, request: wanted.source, sizes: sizesOf(scope.source) },
      { side: 'target', folder: pair.target, request: wanted.target, sizes: sizesOf(scope.target) },
    );
  }
  const hashes: {
    source: Record<string, Map<number, string>>;
    target: Record<string, Map<number, string>>;
    sourceMunged: Record<string, Map<number, string>>;
  } = { source: {}, target: {}, sourceMunged: {} };
  let bytes = 0;
  const results = await Promise.allSettled(
    jobs.map((job) =>
      session[job.side].use(async (connection) => {
        // The source side also as Cyrus' munge8bit would store it, to name that cause when a target body differs.
        const munged = job.side === 'source' ? new Map<number, string>() : undefined;
        const hashed = await hashBodies(connection, job.folder, job.request.uids, {
          withoutMessageId: job.request.withoutMessageId,
          munged,
        });
        if (munged !== undefined && munged.size > 0) hashes.sourceMunged[job.folder] = munged;
        hashes[job.side][job.folder] = hashed;
        for (const uid of hashed.keys()) bytes += job.sizes.get(uid) ?? 0;
      }),
    ),
  );
  const failures: Diagnostic[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    if (result.reason instanceof MailshiftError) failures.push(...result.reason.diagnostics);
    else throw result.reason;
  }
  if (failures.length > 0) throw new MailshiftError(failures);
  return { hashes, bytes };
}

function sizesOf(messages: readonly MessageSnapshot[]): Map<number, number> {
  return new Map(messages.map((message) => [message.uid, message.size]));
}
