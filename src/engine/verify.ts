// `mailshift verify`: read both sides of every selected account read-only (as plan does), and
// compare them folder by folder after mapping (src/plan/verify-compare.ts says exactly what
// counts). Nothing is ever written to either server: EXAMINE, LIST/STATUS, FETCH with PEEK only.
import { unreadableFolders } from '../plan/unreadable-folders.ts';
import { dirname, resolve } from 'node:path';
import { MailshiftError, type Diagnostic } from '../errors.ts';
import {
  openAccountSession,
  readBothSides,
  readListing,
  withRefusedFolders,
  withTargetKeywordRule,
  type AccountSession,
} from '../imap/read-account.ts';
import type { ManifestReadResult } from '../manifest/read.ts';
import {
  sliceSettings,
  type AccountSettings,
  type Settings,
  type SliceSettings,
  type SyncPhase,
} from '../manifest/settings.ts';
import { mapFolders, type FolderMappingResult } from '../plan/folder-mapping.ts';
import { fetchWindow } from '../plan/message-window.ts';
import type { AccountSnapshot } from '../plan/snapshot.ts';
import { differenceCount, verifyAccount, type FolderVerification } from '../plan/verify-compare.ts';
import type { StateStore } from '../state/store.ts';
import { selectAccounts } from './accounts.ts';
import { findSyncPhase, uidMapsFor } from './phase.ts';
import { mapInLanes } from '../concurrency.ts';
import { hashAccountBodies } from './verify-bodies.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';
import { ThrottledReads, type ThrottledRead } from './throttled-reads.ts';

export interface VerifyRequest {
  manifest: ManifestReadResult & { settings: Settings };
  phase: string;
  /** Only these accounts (all when empty). */
  accountIds: readonly string[];
  /** Also compare the SHA-256 of every matched message's body. */
  content: boolean;
  /** For the age windows. */
  now: Date;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
  /** Accounts verified at once. */
  concurrency: number;
  /** A server throttled an account's read: it is read again after `waitMs`. */
  onThrottled?: (read: ThrottledRead) => void;
  /** Where identity 'uid' finds the UID maps of earlier applies. */
  state: Pick<StateStore, 'uidMaps'>;
}

export interface EndpointSummary {
  host: string;
  port: number;
  user: string;
  /** The mailbox an admin `user` logged in to; absent: the user's own. */
  authorizeAs?: string;
}

/** One account's comparison, or why it could not be made (folders null, errors set). */
export interface AccountVerification {
  id: string;
  source: EndpointSummary;
  target: EndpointSummary;
  folders: FolderVerification[] | null;
  errors: Diagnostic[];
  /** Messages in scope, summed over the folders. */
  messages: { source: number; target: number };
  /** Bytes read to hash bodies, both sides (the messages' RFC822.SIZE). */
  bytesHashed: number;
}

export interface VerifySummary {
  accounts: number;
  /** Accounts that could not be verified. */
  failed: number;
  folders: number;
  foldersWithDifferences: number;
  /** One per message (or folder) concerned: differenceCount summed. */
  differences: number;
  /** Extras and duplicates the phase keeps on the target (no deleteTarget). */
  kept: number;
  sourceMessages: number;
  targetMessages: number;
  bytesHashed: number;
}

export interface VerifyReport {
  name: string;
  phase: string;
  content: boolean;
  checkedAt: string;
  summary: VerifySummary;
  accounts: AccountVerification[];
}

/** What the exit code says: 0 equal, 2 differences, 1 error (an error outweighs differences). */
export type VerifyResult = 'equal' | 'differences' | 'error';

/**
 * Verify a phase: per account (at most `concurrency` at once) the phase's folder pairs compared
 * after mapping, with the phase's folder and message rules. Unknown phase or account: a thrown
 * MailshiftError; a login or read failure is that account's `errors`, the others go on.
 * After a deleteSource phase, what is left on the source is verified (moved messages are gone).
 */
export async function verifyPhase(request: VerifyRequest): Promise<VerifyReport> {
  const { settings } = request.manifest;
  const phase = findSyncPhase(settings, request.phase, 'verify', 'verify the sync phase before or after it');
  const accounts = selectAccounts(settings, request.accountIds);
  const manifestDir = dirname(resolve(request.manifest.file));
  const reads = new ThrottledReads(request.onThrottled);
  const results = await mapInLanes(accounts, request.concurrency, (account) =>
    verifyOneAccount(account, sliceSettings(settings, account.id, phase.name), request, manifestDir, reads),
  );
  return {
    name: settings.name,
    phase: phase.name,
    content: request.content,
    checkedAt: request.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    summary: summarise(results),
    accounts: results,
  };
}

/** The report's verdict, as the exit code carries it. */
export function verifyResult(report: VerifyReport): VerifyResult {
  if (report.summary.failed > 0) return 'error';
  return report.summary.differences > 0 ? 'differences' : 'equal';
}

async function verifyOneAccount(
  account: AccountSettings,
  slice: SliceSettings,
  request: VerifyRequest,
  manifestDir: string,
  reads: ThrottledReads,
): Promise<AccountVerification> {
  const result: AccountVerification = {
    id: account.id,
    source: endpointOf(account.source),
    target: endpointOf(account.target),
    folders: null,
    errors: [],
    messages: { source: 0, target: 0 },
    bytesHashed: 0,
  };
  try {
    return await reads.read(account, () => readAndVerifyAccount(account, slice, request, manifestDir, result));
  } catch (error) {
    if (error instanceof MailshiftError) return { ...result, errors: error.diagnostics };
    throw error;
  }
}

/** One account read on sessions of its own and compared; a failure to read it is thrown. */
async function readAndVerifyAccount(
  account: AccountSettings,
  slice: SliceSettings,
  request: VerifyRequest,
  manifestDir: string,
  result: AccountVerification,
): Promise<AccountVerification> {
  const session = await openAccountSession(account, {
    manifestDir,
    env: request.env,
    verbose: request.verbose,
    trace: request.trace,
  });
  try {
    const snapshot = await readAccount(session, slice, request.now);
    if ('errors' in snapshot) return { ...result, errors: snapshot.errors };
    const uidMaps = await uidMapsFor(slice, request.state);
    const bodies =
      request.content && !slice.phase.justFolders
        ? await hashAccountBodies(session, snapshot, slice, request.now, uidMaps)
        : null;
    const folders = verifyAccount({
      slice,
      snapshot: snapshot.snapshot,
      mapping: snapshot.mapping,
      now: request.now,
      bodies: bodies?.hashes ?? null,
      uidMaps,
    });
    return {
      ...result,
      folders,
      bytesHashed: bodies?.bytes ?? 0,
      errors: unreadableFolders(snapshot.snapshot, snapshot.mapping.pairs, account.id, 'this folder was not verified'),
      messages: {
        source: folders.reduce((sum, folder) => sum + folder.messages.source, 0),
        target: folders.reduce((sum, folder) => sum + (folder.source !== null ? (folder.messages.target ?? 0) : 0), 0),
      },
    };
  } finally {
    await session.close();
  }
}

/** Listings, mapping and the messages of every folder pair, as plan reads them. */
async function readAccount(
  session: AccountSession,
  slice: SliceSettings,
  now: Date,
): Promise<{ errors: Diagnostic[] } | { snapshot: AccountSnapshot; mapping: FolderMappingResult }> {
  const listing = await readListing(session);
  const mapping = mapFolders(listing, slice.folders);
  if (mapping.errors.length > 0)
    return { errors: mapping.errors.map((d) => ({ ...d, location: { ...d.location, account: slice.account.id } })) };
  const window = fetchWindow(slice.messages, now);
  const pairs = slice.phase.justFolders ? [] : mapping.pairs;
  const sourceByName = new Map(listing.source.folders.map((folder) => [folder.name, folder]));
  const targetByName = new Map(listing.target.folders.map((folder) => [folder.name, folder]));
  const refused = { source: new Map<string, string>(), target: new Map<string, string>() };
  const { source: sourceFolders, target: targetFolders } = await readBothSides(
    session,
    {
      source: pairs.map((pair) => ({ listing: sourceByName.get(pair.source)!, window })),
      target: pairs
        .filter((pair) => pair.targetExists)
        .map((pair) => ({ listing: targetByName.get(pair.target)!, window })),
    },
    refused,
  );
  const read = withRefusedFolders(listing, refused);
  const snapshot: AccountSnapshot = {
    ...(await withTargetKeywordRule(session, read, sourceFolders, targetFolders, pairs)),
    sourceFolders,
    targetFolders,
  };
  return { snapshot, mapping };
}

function summarise(accounts: readonly AccountVerification[]): VerifySummary {
  const folders = accounts.flatMap((account) => account.folders ?? []);
  return {
    accounts: accounts.length,
    failed: accounts.filter((account) => account.errors.length > 0).length,
    folders: folders.length,
    foldersWithDifferences: folders.filter((folder) => folder.differences.length > 0).length,
    differences: folders.reduce(
      (sum, folder) => sum + folder.differences.reduce((n, d) => n + differenceCount(d), 0),
      0,
    ),
    kept: folders.reduce((sum, folder) => sum + folder.kept.reduce((n, d) => n + differenceCount(d), 0), 0),
    sourceMessages: accounts.reduce((sum, account) => sum + account.messages.source, 0),
    targetMessages: accounts.reduce((sum, account) => sum + account.messages.target, 0),
    bytesHashed: accounts.reduce((sum, account) => sum + account.bytesHashed, 0),
  };
}

function endpointOf(endpoint: AccountSettings['source']): EndpointSummary {
  const mailbox = endpoint.authorizeAs === undefined ? {} : { authorizeAs: endpoint.authorizeAs };
  return { host: endpoint.host, port: endpoint.port, user: endpoint.user, ...mailbox };
}
