import { MailshiftError } from '../errors.ts';
import { openAccountSession, type AccountSession } from '../imap/account-session.ts';
import { examineFolder } from '../imap/examine.ts';
import type { AccountSettings } from '../manifest/settings.ts';
import type { ExpungeMode } from '../manifest/types.ts';
import { readFrom, withCopies, type FolderCopies, type SnapshotCache } from '../plan/snapshot-cache.ts';
import type { UidMaps } from '../plan/snapshot.ts';
import type { AccountPlan, FolderPlan } from '../plan/types.ts';
import type { StateStore } from '../state/store.ts';
import { runInLanes } from '../concurrency.ts';
import { BatchSlots } from './batch-slots.ts';
import { DailyBudgets, NO_DAILY_BUDGETS, type QuotaPause } from './daily-budget.ts';
import { pendingBatches, type CopiedUids } from './copy-messages.ts';
import { imapOps } from './imap-ops.ts';
import { actionKey } from './journal-keys.ts';
import { emptyCounts, type ActionSink, type ApplyCounts, type ApplyObserver } from './outcome.ts';
import { withRetry } from './retry.ts';
import { runFolder } from './run-folder.ts';
import type { StopSignal } from './stop.ts';
import { Throttle } from './throttle.ts';
import { REAL_CLOCK, type ServerGates } from './server-gate.ts';
import { AccountThrottling, type ThrottleEpisode } from './throttle-waits.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';

export interface AccountRunContext {
  settings: AccountSettings;
  /** messages.useSize of the phase: the size is part of what makes two messages the same. */
  useSize: boolean;
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
  sink: ActionSink;
  state: StateStore;
  expungeSource: ExpungeMode;
  /** After a manual gate (not overridden): the account's UID maps, the record of mailshift's copies (the cutover rule). */
  cutover: UidMaps | null;
  /** Ctrl-C / SIGTERM: no new folder starts; once forced, the connections are dropped. */
  stop: StopSignal;
  /** The apply's gates, one per server: the accounts on a server wait out its throttling together. */
  gates: ServerGates;
  /** Records a throttle episode (the audit log). */
  recordThrottle(episode: ThrottleEpisode): Promise<void>;
  /** The wall clock the daily byte budgets count on (epoch ms). */
  now: () => number;
  /** Records that a daily byte budget paused the account (the audit log). */
  recordPause(pause: QuotaPause): Promise<void>;
}

/**
 * One account's slice of a plan: the executor's unit of work, idempotent when re-run (the journal
 * says what is done). Folders run in parallel across connections, and so do the copy batches of
 * one folder (copy-messages.ts); a folder that fails is recorded and the others go on. Target-only
 * folder deletions run last, children first as planned. After a stop, what did not finish is left
 * unjournaled (not failed): the next run of the plan does it. So does a pause by a daily byte
 * budget: no new batch or folder starts, the account ends without failing, and the pause is
 * reported. `counts` is the caller's, so what was done is known even when the account fails.
 */
export async function runAccount(
  account: AccountPlan,
  ctx: AccountRunContext,
  observer: ApplyObserver,
  counts: ApplyCounts = emptyCounts(),
): Promise<ApplyCounts> {
  const budgetSeconds = ctx.settings.target.timeoutSeconds;
  const { stop } = ctx;
  const sideOf = (endpoint: AccountSettings['source']) => ({
    gate: ctx.gates.of(endpoint.host, endpoint.port),
    budgetSeconds: endpoint.maxThrottleWaitSeconds,
  });
  const throttling = new AccountThrottling(
    account.id,
    { source: sideOf(ctx.settings.source), target: sideOf(ctx.settings.target) },
    async (episode) => {
      observer.throttled(episode);
      await ctx.recordThrottle(episode);
    },
    REAL_CLOCK,
  );
  // Before any login: a damaged transfer log fails the account before it could overspend a budget.
  const budgets = await dailyBudgets(account.id, ctx);
  // Needed only at the end, to learn what was copied: read while the copies run, not after them.
  const cacheBefore = ctx.state.snapshotCache(account.id);
  cacheBefore.catch(() => undefined); // awaited (and any failure reported) at the end; not if the account fails first
  const session = await withRetry(
    () =>
      openAccountSession(ctx.settings, {
        manifestDir: ctx.manifestDir,
        env: ctx.env,
        verbose: ctx.verbose,
        trace: ctx.trace,
      }),
    { budgetSeconds, stop, throttle: throttling },
  );
  const unforce = stop.onForce(() => session.drop());
  const copied: FolderCopies[] = [];
  // Appends are what an apply waits on: log in the target connections the copies can keep busy
  // now, together, rather than one by one as folders come to need them.
  session.target.openAhead(
    account.folders.reduce((sum, folder) => sum + pendingBatches(account.id, folder, ctx.sink), 0),
  );
  try {
    const limits = (side: 'maxMessagesPerSecond' | 'maxBytesPerSecond') =>
      minimum(ctx.settings.source[side], ctx.settings.target[side]);
    const throttle = new Throttle({
      messagesPerSecond: limits('maxMessagesPerSecond'),
      bytesPerSecond: limits('maxBytesPerSecond'),
    });
    const pairs = account.folders.filter((folder) => folder.source !== null);
    const deletions = account.folders.filter((folder) => folder.source === null);
    const parallel = Math.min(ctx.settings.source.connections, ctx.settings.target.connections);
    // Per target connection one batch appending and one read ahead: at most this many in memory.
    const slots = new BatchSlots(2 * ctx.settings.target.connections);
    // A full target mailbox or a spent throttle budget ends the account: no further folder starts.
    let halted: MailshiftError | null = null;
    const run = async (folder: FolderPlan) => {
      if (stop.stopped || halted || budgets.pause) return;
      observer.folderStarted(folder.source ?? folder.target);
      const failedBefore = counts.failed;
      const uids: CopiedUids = new Map();
      try {
        await runFolder(folder, {
          account: account.id,
          session,
          imap: imapOps,
          sink: ctx.sink,
          observer,
          throttle,
          throttling,
          counts,
          budgetSeconds,
          copied: uids,
          slots,
          useSize: ctx.useSize,
          expungeSource: ctx.expungeSource,
          cutover: ctx.cutover,
          stop,
          budgets,
        });
        // Retried like the copies: a drop here would otherwise lose the folder's pairs (identity 'uid' then falls back to headers).
        if (uids.size > 0)
          copied.push(
            await withRetry(() => rememberUidPairs(account.id, folder, uids, session, ctx.state), {
              budgetSeconds,
              stop,
              throttle: throttling,
            }),
          );
      } catch (error) {
        // After a stop, a failure is the stop's doing (dropped connections): the work is not failed, only not done.
        if (!stop.stopped) {
          if (!(error instanceof MailshiftError)) throw error;
          if (HALTS_ACCOUNT.has(error.code)) halted ??= error;
          await failRemaining(account.id, folder, error, ctx.sink, counts);
        }
      }
      observer.folderFinished(folder.source ?? folder.target, counts.failed > failedBefore);
      observer.progress(counts);
    };
    // After a failure the folders in flight finish before the session closes under them.
    await runInLanes(pairs, parallel, run);
    for (const folder of deletions) await run(folder);
    if (budgets.pause) {
      observer.paused(budgets.pause);
      await ctx.recordPause(budgets.pause);
    }
    if (halted) throw halted;
  } catch (error) {
    unforce();
    await session.close();
    throw error;
  }
  unforce();
  // The servers' part is done: logging out and updating the snapshot cache overlap.
  const seeding =
    copied.length > 0 ? cacheBefore.then((cache) => seedSnapshotCache(account.id, copied, cache, ctx)) : undefined;
  const [, seeded] = await Promise.allSettled([session.close(), seeding]);
  if (seeded.status === 'rejected') throw seeded.reason;
  return counts;
}

/** The account's daily byte budgets, counting on from its transfer log in the state dir. */
async function dailyBudgets(accountId: string, ctx: AccountRunContext): Promise<DailyBudgets> {
  const limits = { source: ctx.settings.source.maxBytesPerDay, target: ctx.settings.target.maxBytesPerDay };
  if (limits.source === null && limits.target === null) return NO_DAILY_BUDGETS;
  return new DailyBudgets({
    account: accountId,
    limits,
    log: await ctx.state.transfers(accountId),
    now: ctx.now,
    save: (log) => ctx.state.saveTransfers(accountId, log),
  });
}

/** Failures that no other folder of the account would escape: the account stops (the other accounts go on). */
const HALTS_ACCOUNT = new Set(['OVERQUOTA', 'THROTTLED']);

/** The folder could not be worked on (server error after retries): every action not done fails, with the reason. */
async function failRemaining(
  account: string,
  folder: FolderPlan,
  error: MailshiftError,
  sink: ActionSink,
  counts: ApplyCounts,
): Promise<void> {
  for (const action of folder.actions) {
    const key = actionKey(account, folder, action);
    if (sink.done(key)) continue;
    counts.failed++;
    await sink.record(key, {
      account,
      folder: folder.source,
      target: folder.target,
      op: action.op,
      result: 'failed',
      reason: error.message,
      ...('uid' in action ? { uid: action.uid } : {}),
    });
  }
}

/** Copies' source → target UIDs go to the state's UID map (identity 'uid' plans use it); returned for the snapshot cache. */
async function rememberUidPairs(
  account: string,
  folder: FolderPlan,
  copied: CopiedUids,
  session: AccountSession,
  state: StateStore,
): Promise<FolderCopies> {
  const targetUidValidity =
    copied.size === 1 ? [...copied.keys()][0]! : await currentUidValidity(folder.target, session);
  // UIDs of an earlier incarnation of the folder name messages that are gone: they pair nothing.
  const pairs = copied.get(targetUidValidity) ?? [];
  await state.recordUidPairs(
    account,
    folder.source!,
    { sourceUidValidity: folder.sourceState!.uidValidity, target: folder.target, targetUidValidity },
    pairs,
  );
  const altered = new Set(
    folder.actions.flatMap((action) => (action.op === 'copy' && action.addMessageId ? [action.uid] : [])),
  );
  return {
    sourceFolder: folder.source!,
    sourceUidValidity: folder.sourceState!.uidValidity,
    targetFolder: folder.target,
    targetUidValidity,
    pairs,
    altered,
  };
}

/**
 * The target folder's UIDVALIDITY now, where the APPENDUID answers named several (the folder was
 * made anew during the apply). EXAMINE, not SELECT: a read-write open would take \Recent from
 * the copies (and Dovecot would move every one of them from new/ to cur/ in its maildir).
 */
async function currentUidValidity(folder: string, session: AccountSession): Promise<number> {
  const { state } = await session.target.use((c) => examineFolder(c, folder));
  return state.uidValidity;
}

/** The plan's snapshot cache learns what this apply copied, so the next plan need not read those copies in full. */
async function seedSnapshotCache(
  accountId: string,
  copied: FolderCopies[],
  cache: SnapshotCache | null,
  ctx: AccountRunContext,
): Promise<void> {
  if (!cache || !readFrom(cache.source, ctx.settings.source) || !readFrom(cache.target, ctx.settings.target)) return;
  await ctx.state.saveSnapshotCache(accountId, withCopies(cache, copied));
}

function minimum(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
