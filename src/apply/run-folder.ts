import type { ImapConnection } from '../imap/connection.ts';
import { packUids } from '../imap/uid-set.ts';
import type { ExpungeMode } from '../manifest/types.ts';
import { mailshiftCopies } from '../plan/cutover.ts';
import type { UidMaps } from '../plan/snapshot.ts';
import type {
  Action,
  CopyAction,
  DeleteSourceAction,
  DeleteTargetAction,
  FolderPlan,
  SetFlagsAction,
} from '../plan/types.ts';
import { copyMessages, type CopyContext } from './copy-messages.ts';
import { actionKey } from './journal-keys.ts';
import { withRetry } from './retry.ts';

export interface FolderContext extends CopyContext {
  expungeSource: ExpungeMode;
  /** After a manual gate (not overridden): UID maps naming mailshift's copies, the only messages a folder deletion may take. */
  cutover: UidMaps | null;
}

type Result = 'done' | 'failed' | 'skipped';

/**
 * Carry out one folder's actions in the contract's order: create → copy → set flags → delete on
 * target → delete the folder → delete on source (→ expunge). Every finished action is journaled
 * first, so a re-run skips it; destructive actions re-check identities just before acting.
 * After a stop, or a pause by a daily byte budget, no further step starts (the copies stop between batches).
 */
export async function runFolder(folder: FolderPlan, ctx: FolderContext): Promise<void> {
  const pending = folder.actions.filter((action) => !ctx.sink.done(actionKey(ctx.account, folder, action)));
  if (pending.length === 0) return;
  const retry = <T>(attempt: () => Promise<T>) =>
    withRetry(attempt, { budgetSeconds: ctx.budgetSeconds, stop: ctx.stop, throttle: ctx.throttling });
  // A daily byte budget that paused the account stops it like Ctrl-C: the next apply goes on.
  const stopped = () => ctx.stop.stopped || ctx.budgets.pause !== null;
  const { stale, targetRecreated } = await retry(() => staleness(folder, pending, ctx));
  if (stale) {
    for (const action of pending) await record(ctx, folder, action, 'failed', stale);
    return;
  }
  const of = <T extends Action['op']>(op: T) => pending.filter((a): a is Extract<Action, { op: T }> => a.op === op);

  // 'exists' too when an earlier run (or attempt) created it: then copies of that run may be in it.
  let createdNow = false;
  for (const action of of('createFolder')) {
    if (stopped()) return;
    createdNow =
      (await retry(() => ctx.session.target.use((c) => ctx.imap.createFolder(c, folder.target)))) === 'created';
    ctx.counts.foldersCreated++;
    await record(ctx, folder, action, 'done');
  }
  for (const action of of('subscribe')) {
    if (stopped()) return;
    await retry(() =>
      oneSubscriptionAtATime(ctx.session, () =>
        ctx.session.target.use((c) => ctx.imap.subscribeFolder(c, folder.target)),
      ),
    );
    await record(ctx, folder, action, 'done');
  }
  const copies = of('copy') as CopyAction[];
  if (copies.length > 0 && !stopped()) await copyMessages(folder, copies, ctx, { createdNow, targetRecreated });
  if (stopped()) return;
  await setFlags(folder, of('setFlags') as SetFlagsAction[], ctx, retry);
  if (stopped()) return;
  await deleteOnTarget(folder, of('deleteTarget') as DeleteTargetAction[], ctx, retry);
  for (const action of of('deleteFolder')) {
    if (stopped()) return;
    const kept = await retry(() => ctx.session.target.use((c) => whyFolderStays(c, folder, action.messages, ctx)));
    if (kept !== null) {
      await record(ctx, folder, action, 'failed', kept);
      continue;
    }
    await retry(() => ctx.session.target.use((c) => ctx.imap.deleteFolder(c, folder.target)));
    ctx.counts.foldersDeleted++;
    await record(ctx, folder, action, 'done');
  }
  if (stopped()) return;
  await deleteOnSource(folder, of('deleteSource') as DeleteSourceAction[], ctx, retry);
}

// The subscriptions are one list per account, and Courier rewrites it whole (read, change, write)
// on each SUBSCRIBE: two at once from different sessions could leave one out. They take turns.
const subscribing = new WeakMap<object, Promise<unknown>>();

function oneSubscriptionAtATime<T>(account: object, subscribe: () => Promise<T>): Promise<T> {
  const turn = (subscribing.get(account) ?? Promise.resolve()).catch(() => undefined).then(subscribe);
  subscribing.set(account, turn);
  return turn;
}

/**
 * Why a target folder the plan deletes must stay: mail arrived in it since the plan, or (after a
 * gate) it holds a message mailshift did not copy there. Null: delete it.
 */
async function whyFolderStays(
  connection: ImapConnection,
  folder: FolderPlan,
  planned: number,
  { imap, cutover }: FolderContext,
): Promise<string | null> {
  const now = await imap.selectFolder(connection, folder.target);
  if (now.messages > planned || (folder.targetState !== null && now.uidNext > folder.targetState.uidNext)) {
    return `mail arrived in it since the plan (${now.messages} messages now, the plan saw ${planned}): kept; re-plan`;
  }
  if (cutover === null || now.messages === 0) return null;
  const copies = mailshiftCopies(cutover, folder.target, now.uidValidity);
  const foreign = (await imap.searchUids(connection, folder.target, null)).filter((uid) => !copies.has(uid)).length;
  return foreign === 0
    ? null
    : `it holds ${foreign} ${foreign === 1 ? 'message' : 'messages'} mailshift did not copy there and a manual gate is recorded: kept (the cutover rule)`;
}

/**
 * Why the folder must not be touched: its UIDVALIDITY changed since the plan on a side whose UIDs
 * the pending actions name. Every message action names source UIDs. On the target only flag
 * updates, deletions and folder deletions do: copies rely on no target UID, so a target folder
 * recreated since the plan (or a Courier INBOX that never held mail, whose UIDVALIDITY changes
 * every second) takes them, with everything in it counted as possibly landed (`targetRecreated`).
 */
async function staleness(
  folder: FolderPlan,
  pending: readonly Action[],
  ctx: FolderContext,
): Promise<{ stale: string | null; targetRecreated: boolean }> {
  if (folder.source !== null && folder.sourceState) {
    const { state } = await ctx.session.source.use((c) => ctx.imap.examineFolder(c, folder.source!));
    if (state.uidValidity !== folder.sourceState.uidValidity) {
      return {
        stale: `the source folder's UIDVALIDITY changed (${folder.sourceState.uidValidity} → ${state.uidValidity}) since the plan: re-plan`,
        targetRecreated: false,
      };
    }
  }
  if (!folder.targetState) return { stale: null, targetRecreated: false };
  // Read-only, as on the source: the copies to come keep \Recent for the user's mail client.
  const { state } = await ctx.session.target.use((c) => ctx.imap.examineFolder(c, folder.target));
  if (state.uidValidity === folder.targetState.uidValidity) return { stale: null, targetRecreated: false };
  if (pending.some(namesTargetUids)) {
    return {
      stale: `the target folder's UIDVALIDITY changed (${folder.targetState.uidValidity} → ${state.uidValidity}) since the plan: re-plan`,
      targetRecreated: true,
    };
  }
  return { stale: null, targetRecreated: true };
}

/** Whether an action names a target UID (or, deleting the folder, relies on what the plan saw in it). */
function namesTargetUids(action: Action): boolean {
  return (
    action.op === 'setFlags' ||
    action.op === 'deleteTarget' ||
    action.op === 'deleteFolder' ||
    (action.op === 'deleteSource' && action.targetUid !== null)
  );
}

async function setFlags(
  folder: FolderPlan,
  actions: SetFlagsAction[],
  ctx: FolderContext,
  retry: <T>(a: () => Promise<T>) => Promise<T>,
): Promise<void> {
  if (actions.length === 0) return;
  await retry(() => ctx.session.target.use((c) => ctx.imap.storeFlags(c, folder.target, actions)));
  for (const action of actions) {
    ctx.counts.flagUpdates++;
    await record(ctx, folder, action, 'done');
  }
  ctx.observer.progress(ctx.counts);
}

async function deleteOnTarget(
  folder: FolderPlan,
  actions: DeleteTargetAction[],
  ctx: FolderContext,
  retry: <T>(a: () => Promise<T>) => Promise<T>,
): Promise<void> {
  if (actions.length === 0) return;
  const now = await retry(() =>
    ctx.session.target.use((c) => ctx.imap.fetchIdentities(c, folder.target, uidList(actions.map((a) => a.uid)))),
  );
  const identityNow = new Map(now.map((m) => [m.uid, m.identity]));
  const confirmed = actions.filter((a) => identityNow.get(a.uid) === a.identity);
  if (confirmed.length > 0)
    await retry(() =>
      ctx.session.target.use((c) =>
        ctx.imap.deleteMessages(
          c,
          folder.target,
          confirmed.map((a) => a.uid),
          true,
        ),
      ),
    );
  for (const action of actions) {
    const state = identityNow.get(action.uid);
    if (state === action.identity) ctx.counts.targetDeletes++;
    await record(
      ctx,
      folder,
      action,
      state === action.identity ? 'done' : 'skipped',
      state === undefined
        ? 'already gone from the target'
        : state === action.identity
          ? undefined
          : 'the target message changed since the plan; kept',
    );
  }
}

/**
 * Source messages go only when their copy is confirmed: matched on the target at plan time and
 * still there with the same identity, or copied by this plan (journaled done). Nothing unconfirmed
 * is ever deleted; the source message itself must still have the planned identity.
 */
async function deleteOnSource(
  folder: FolderPlan,
  actions: DeleteSourceAction[],
  ctx: FolderContext,
  retry: <T>(a: () => Promise<T>) => Promise<T>,
): Promise<void> {
  if (actions.length === 0) return;
  const matched = actions.filter((a) => a.targetUid !== null);
  const onTarget =
    matched.length === 0
      ? []
      : await retry(() =>
          ctx.session.target.use((c) =>
            ctx.imap.fetchIdentities(c, folder.target, uidList(matched.map((a) => a.targetUid!))),
          ),
        );
  const targetIdentity = new Map(onTarget.map((m) => [m.uid, m.identity]));
  const onSource = await retry(() =>
    ctx.session.source.use((c) => ctx.imap.fetchIdentities(c, folder.source!, uidList(actions.map((a) => a.uid)))),
  );
  const sourceIdentity = new Map(onSource.map((m) => [m.uid, m.identity]));
  const verdicts = actions.map((action) => ({
    action,
    ...verdict(action, ctx, folder, targetIdentity, sourceIdentity),
  }));
  const confirmed = verdicts.filter((v) => v.result === 'done').map((v) => v.action.uid);
  if (confirmed.length > 0) {
    await retry(() =>
      ctx.session.source.use(async (c) => {
        await ctx.imap.selectFolder(c, folder.source!);
        if (ctx.expungeSource === 'each')
          for (const uid of confirmed) await ctx.imap.deleteMessages(c, folder.source!, [uid], true);
        else await ctx.imap.deleteMessages(c, folder.source!, confirmed, ctx.expungeSource === 'end');
      }),
    );
  }
  for (const { action, result, reason } of verdicts) {
    if (result === 'done') ctx.counts.sourceDeletes++;
    await record(ctx, folder, action, result, reason);
  }
}

/** Whether a source message may go: 'failed' (kept, retried by a re-run) while its copy is unconfirmed. */
function verdict(
  action: DeleteSourceAction,
  ctx: FolderContext,
  folder: FolderPlan,
  onTarget: Map<number, string>,
  onSource: Map<number, string>,
): { result: Result; reason?: string } {
  const source = onSource.get(action.uid);
  if (source === undefined) return { result: 'skipped', reason: 'already gone from the source' };
  if (source !== action.identity)
    return { result: 'skipped', reason: 'the source message changed since the plan; kept' };
  if (action.targetUid === null) {
    const copied = ctx.sink.done(actionKey(ctx.account, folder, { op: 'copy', uid: action.uid }));
    return copied ? { result: 'done' } : { result: 'failed', reason: 'its copy is not confirmed on the target; kept' };
  }
  // The target message must be this message's copy, not merely some message at that UID.
  const target = onTarget.get(action.targetUid);
  if (target === (action.targetIdentity ?? action.identity)) return { result: 'done' };
  return {
    result: 'failed',
    reason:
      target === undefined
        ? 'its copy is no longer on the target; kept'
        : `target UID ${action.targetUid} is not its copy (another message); kept`,
  };
}

/** A compact UID set ("1:5,9") so long lists stay within the server's line limit. */
function uidList(uids: number[]): string {
  return packUids(uids);
}

async function record(
  ctx: FolderContext,
  folder: FolderPlan,
  action: Action,
  result: Result,
  reason?: string,
): Promise<void> {
  if (result === 'failed') ctx.counts.failed++;
  if (result === 'skipped') ctx.counts.skipped++;
  const uid = 'uid' in action ? action.uid : undefined;
  await ctx.sink.record(actionKey(ctx.account, folder, action), {
    account: ctx.account,
    folder: folder.source,
    target: folder.target,
    op: action.op,
    result,
    ...(uid !== undefined ? { uid } : {}),
    ...(reason ? { reason } : {}),
    ...('identity' in action ? { identity: action.identity } : {}),
  });
}
