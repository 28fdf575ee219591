import { dirname, resolve } from 'node:path';
import { readAuditOutcomes } from '../audit/outcomes.ts';
import { auditDirFor } from '../audit/writer.ts';
import type { Diagnostic } from '../errors.ts';
import {
  isWindowed,
  openAccountSession,
  readBothSides,
  readListing,
  withRefusedFolders,
  withTargetKeywordRule,
} from '../imap/read-account.ts';
import type { ManifestReadResult } from '../manifest/read.ts';
import {
  sliceSettings,
  type AccountSettings,
  type EndpointSettings,
  type Settings,
  type SliceSettings,
  type SyncPhase,
} from '../manifest/settings.ts';
import type { Cutover, CutoverRecord } from '../plan/cutover.ts';
import { mapFolders } from '../plan/folder-mapping.ts';
import { isGmail } from '../plan/gmail-label-names.ts';
import { deletionCandidates } from '../plan/target-folder-deletion.ts';
import { summarise } from '../plan/plan-summary.ts';
import { planAccount } from '../plan/planner.ts';
import { endpointOf, phaseSwitches, rulesOf } from '../plan/plan-settings.ts';
import { fetchWindow } from '../plan/message-window.ts';
import { endpointKey, readFrom, withGmailIds, type CachedFolder, type SideCache } from '../plan/snapshot-cache.ts';
import type { FolderSnapshot, UidMaps } from '../plan/snapshot.ts';
import { foldAcrossAccounts } from '../plan/fold-warnings.ts';
import type { AccountFailure, AccountPlan, Plan, PlanRunbook, PlanWarning } from '../plan/types.ts';
import { unreadableFolders } from '../plan/unreadable-folders.ts';
import type { StateStore } from '../state/store.ts';
import { selectAccounts } from './accounts.ts';
import { attachDeletedHeaders } from './deleted-headers.ts';
import { findSyncPhase } from './phase.ts';
import { mapInLanes } from '../concurrency.ts';
import { manifestReference } from './git.ts';
import { planRunbook } from './plan-runbook.ts';
import { ThrottledReads, type ThrottledRead } from './throttled-reads.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';

export interface PlanRequest {
  manifest: ManifestReadResult & { settings: Settings; sha256: string };
  phase: string;
  /** Only these accounts (all when empty). */
  accountIds: string[];
  /** Where the plan file will be written (the manifest path in the plan is relative to it or to git). */
  planPath: string;
  now: Date;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
  tool: string;
  /** Accounts snapshotted at once. */
  concurrency: number;
  /** `plan --force`: plan the target deletions the cutover rule would keep (apply needs --force too). */
  force?: boolean;
  /** The UID maps of earlier applies (identity 'uid' and the cutover rule), and what the last plan read. */
  state: Pick<StateStore, 'uidMaps' | 'snapshotCache' | 'saveSnapshotCache'>;
  onAccount?: (accountId: string, state: 'reading' | 'planned' | 'failed') => void;
  /** A server throttled an account's read: it is read again after `waitMs`. */
  onThrottled?: (read: ThrottledRead) => void;
}

/**
 * Snapshot both sides of every selected account (read-only) and plan the phase. An account that
 * cannot be read or planned is left out, listed in the plan's accountsFailed with its diagnostics
 * returned; no plan only when no account could be planned.
 */
export async function makePlan(request: PlanRequest): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const { settings } = request.manifest;
  const phase = findSyncPhase(
    settings,
    request.phase,
    'plan',
    `when it is done, record it with: mailshift gate <manifest> ${request.phase}`,
  );
  const accounts = selectAccounts(settings, request.accountIds);

  const manifestDir = dirname(resolve(request.manifest.file));
  // git answers while the servers are read, not after.
  const reference = manifestReference(request.manifest.file, dirname(resolve(request.planPath)));
  // The audit log says which gates and applies this plan comes after, and whether the cutover rule holds.
  const runbook = planRunbook(
    await readAuditOutcomes(auditDirFor(request.manifest.file, settings.name)),
    request.force === true,
  );
  const reads = new ThrottledReads(request.onThrottled);
  const results = await mapInLanes(accounts, request.concurrency, async (account) => {
    request.onAccount?.(account.id, 'reading');
    const result = await planOneAccount(account, sliceSettings(settings, account.id, phase.name), request, {
      manifestDir,
      cutover: runbook.cutover,
      reads,
    });
    request.onAccount?.(account.id, result.errors.length > 0 ? 'failed' : 'planned');
    return result;
  });
  const diagnostics = results.flatMap((r) => [...r.errors, ...('folderErrors' in r ? (r.folderErrors ?? []) : [])]);
  // In a wave some accounts are always broken: the plan holds the others, and names the broken ones.
  const planned = results.filter((r) => r.errors.length === 0);
  if (planned.length === 0) return { diagnostics };
  const accountsFailed = accounts.flatMap((account, index): AccountFailure[] =>
    results[index]!.errors.map((error) => ({
      id: account.id,
      side: error.location?.side ?? null,
      reason: error.message,
    })),
  );

  const accountPlans = planned.map((r) => r.plan!).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const warnings = [
    ...phaseWarnings(request.manifest, phase),
    ...foldAcrossAccounts(planned.flatMap((r) => r.warnings)),
  ];
  return {
    plan: await assemble(request, phase, accountPlans, accountsFailed, warnings, await reference, runbook),
    diagnostics,
  };
}

async function planOneAccount(
  account: AccountSettings,
  slice: SliceSettings,
  request: PlanRequest,
  context: { manifestDir: string; cutover: Cutover | null; reads: ThrottledReads },
) {
  try {
    return await context.reads.read(account, () => readAndPlanAccount(account, slice, request, context));
  } catch (error) {
    const diagnostics = (error as { diagnostics?: Diagnostic[] }).diagnostics;
    if (diagnostics) return { errors: diagnostics, warnings: [] as PlanWarning[] };
    throw error;
  }
}

/** One account read on sessions of its own and planned; a failure to read it is thrown. */
async function readAndPlanAccount(
  account: AccountSettings,
  slice: SliceSettings,
  request: PlanRequest,
  { manifestDir, cutover }: { manifestDir: string; cutover: Cutover | null },
) {
  const session = await openAccountSession(account, {
    manifestDir,
    env: request.env,
    verbose: request.verbose,
    trace: request.trace,
  });
  try {
    const listing = await readListing(session);
    const mapping = mapFolders(listing, slice.folders);
    if (mapping.errors.length > 0)
      return { errors: withAccount(mapping.errors, account.id), warnings: [] as PlanWarning[] };
    const window = fetchWindow(slice.messages, request.now);
    const readMessages = !slice.phase.justFolders;
    const sourceByName = new Map(listing.source.folders.map((f) => [f.name, f]));
    const targetByName = new Map(listing.target.folders.map((f) => [f.name, f]));
    const cache = await request.state.snapshotCache(account.id);
    const cached = {
      source: withGmailIds(cachedFolders(cache?.source, account.source), isGmail(listing.source.server)),
      target: cachedFolders(cache?.target, account.target),
    };
    const targetReads = [
      ...(readMessages
        ? mapping.pairs
            .filter((p) => p.targetExists && targetByName.get(p.target)?.selectable)
            .map((p) => ({ listing: targetByName.get(p.target)!, window, cached: cached.target[p.target] }))
        : []),
      // After a gate the planner must tell mailshift's copies in a folder it may delete from mail that arrived there.
      ...(cutover
        ? deletionCandidates({
            targetOnly: mapping.targetOnly,
            targetFolders: listing.target.folders,
            targetServer: listing.target.server,
            rule: slice.phase.deleteTargetFolders,
            subfolder: slice.folders.subfolder,
          })
        : []
      )
        .map((name) => targetByName.get(name)!)
        .filter((folder) => folder.selectable)
        .map((folder) => ({ listing: folder, window: null, cached: cached.target[folder.name] })),
    ];
    const refused = { source: new Map<string, string>(), target: new Map<string, string>() };
    const { source: sourceFolders, target: targetFolders } = await readBothSides(
      session,
      {
        source: readMessages
          ? mapping.pairs.map((p) => ({
              listing: sourceByName.get(p.source)!,
              window,
              cached: cached.source[p.source],
            }))
          : [],
        target: targetReads,
      },
      refused,
    );
    const read = withRefusedFolders(listing, refused);
    if (
      readMessages &&
      !isWindowed(window) &&
      !(allFromCache(sourceFolders, cached.source) && allFromCache(targetFolders, cached.target))
    ) {
      await request.state.saveSnapshotCache(account.id, {
        source: sideCache(account.source, sourceFolders),
        target: sideCache(account.target, targetFolders),
      });
    }
    const uidMaps: UidMaps =
      cutover || slice.messages.identity === 'uid' ? await request.state.uidMaps(account.id) : {};
    const cutoverRecord: CutoverRecord | null = cutover ? { since: cutover, uidMaps } : null;
    const planned = planAccount({
      accountId: account.id,
      slice,
      mapping,
      now: request.now,
      uidMaps: slice.messages.identity === 'uid' ? uidMaps : {},
      cutover: cutoverRecord,
      snapshot: {
        ...(await withTargetKeywordRule(session, read, sourceFolders, targetFolders, mapping.pairs)),
        sourceFolders,
        targetFolders,
      },
    });
    if (planned.errors.length > 0)
      return { errors: withAccount(planned.errors, account.id), warnings: [] as PlanWarning[] };
    const folders = await attachDeletedHeaders(session, planned.folders);
    const plan: AccountPlan = {
      id: account.id,
      source: endpointOf(account.source),
      target: endpointOf(account.target),
      ...(mapping.leftOut.length > 0 ? { foldersLeftOut: mapping.leftOut } : {}),
      ...(planned.gmail ? { gmail: planned.gmail } : {}),
      folders,
    };
    const mappingWarnings = mapping.warnings.map((w) => ({ ...w, account: account.id }));
    const folderErrors = unreadableFolders(
      read,
      mapping.pairs,
      account.id,
      'nothing is planned for this folder; the rest of the account is',
    );
    return { plan, errors: [] as Diagnostic[], folderErrors, warnings: [...mappingWarnings, ...planned.warnings] };
  } finally {
    await session.close();
  }
}

/** The cached folders of one side, only when they were read from this same server and login. */
function cachedFolders(side: SideCache | null | undefined, endpoint: EndpointSettings): Record<string, CachedFolder> {
  return readFrom(side, endpoint) ? side.folders : {};
}

/** Every folder read was taken from the cache as it was (readFolder hands back the cached list itself): nothing to save. */
function allFromCache(folders: Record<string, FolderSnapshot>, cached: Record<string, CachedFolder>): boolean {
  return Object.values(folders).every((folder) => cached[folder.name]?.messages === folder.messages);
}

function sideCache(endpoint: EndpointSettings, folders: Record<string, FolderSnapshot>): SideCache {
  return {
    endpoint: endpointKey(endpoint),
    folders: Object.fromEntries(Object.values(folders).map((f) => [f.name, { state: f.state, messages: f.messages }])),
  };
}

async function assemble(
  request: PlanRequest,
  phase: SyncPhase,
  accounts: AccountPlan[],
  accountsFailed: AccountFailure[],
  warnings: PlanWarning[],
  reference: Awaited<ReturnType<typeof manifestReference>>,
  runbook: PlanRunbook,
): Promise<Plan> {
  const common = commonRules(request.manifest.settings, phase, accounts);
  for (const account of accounts) {
    const own = rulesOf(sliceSettings(request.manifest.settings, account.id, phase.name));
    if (JSON.stringify(own) !== JSON.stringify(common)) account.rules = own;
  }
  return {
    format: 'mailshift-plan/v1',
    tool: request.tool,
    createdAt: request.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    manifest: {
      path: reference.path,
      relativeTo: reference.inRepository ? 'repository' : 'plan',
      sha256: request.manifest.sha256,
      git: reference.git,
    },
    name: request.manifest.settings.name,
    phase: phase.name,
    runbook,
    settings: { phase: phaseSwitches(phase), ...common },
    summary: summarise(accounts),
    warnings,
    ...(accountsFailed.length > 0 ? { accountsFailed } : {}),
    accounts,
  };
}

/** The rules most accounts share: those of the first account in the plan (others record theirs if different). */
function commonRules(
  settings: Settings,
  phase: SyncPhase,
  accounts: AccountPlan[],
): { folders: unknown; messages: unknown } {
  const first = accounts[0]?.id ?? settings.accounts[0]!.id;
  return rulesOf(sliceSettings(settings, first, phase.name));
}

/** Manifest warnings that concern this phase go into the plan, where reviewers read them. */
function phaseWarnings(manifest: ManifestReadResult, phase: SyncPhase): PlanWarning[] {
  const index = manifest.manifest?.phases.findIndex((p) => p.name === phase.name) ?? -1;
  return manifest.diagnostics
    .filter((d) => d.severity === 'warning' && d.location?.pointer?.startsWith(`/phases/${index}/`))
    .map((d) => ({ code: 'MANIFEST_RULE', message: d.message }));
}

/** The planner works on one account and does not know its id: the engine says which. */
function withAccount(diagnostics: Diagnostic[], account: string): Diagnostic[] {
  return diagnostics.map((d) => ({ ...d, location: { ...d.location, account } }));
}
