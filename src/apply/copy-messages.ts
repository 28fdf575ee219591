import type { AuditAction } from '../audit/writer.ts';
import type { AppendItem } from '../imap/append.ts';
import type { AccountSession } from '../imap/account-session.ts';
import type { ImapConnection, Side } from '../imap/connection.ts';
import { takeSlowDown } from '../imap/throttle-answer.ts';
import { identityOfRaw, matchKey } from '../plan/identity.ts';
import type { MessageSnapshot } from '../plan/snapshot.ts';
import type { CopyAction, FolderPlan } from '../plan/types.ts';
import type { BatchSlots } from './batch-slots.ts';
import type { DailyBudgets } from './daily-budget.ts';
import { countKeys, DuplicateGuard, NO_DUPLICATE_GUARD } from './duplicate-guard.ts';
import { actionKey } from './journal-keys.ts';
import { runInLanes } from '../concurrency.ts';
import type { ImapOps } from './imap-ops.ts';
import type { StoredCopy } from './settle-copies.ts';
import type { ActionSink, ApplyCounts, ApplyObserver } from './outcome.ts';
import { withRetry } from './retry.ts';
import type { StopSignal } from './stop.ts';
import type { Throttle } from './throttle.ts';
import type { ThrottleGates } from './throttle-waits.ts';

const BATCH_MESSAGES = 100;
const BATCH_BYTES = 8 * 1024 * 1024;

export interface CopyContext {
  account: string;
  /** The connection pools of both sides. */
  session: Pick<AccountSession, 'source' | 'target'>;
  /** The commands sent to the servers (imapOps; a fake in unit tests). */
  imap: ImapOps;
  sink: ActionSink;
  observer: ApplyObserver;
  throttle: Throttle;
  /** The servers' gates: throttling answers are waited for there, with every account on the server. */
  throttling: ThrottleGates;
  counts: ApplyCounts;
  budgetSeconds: number;
  /** What APPENDUID said of this folder's copies, for the UID map. */
  copied: CopiedUids;
  /** Batches holding message bodies at once, account-wide: what bounds apply's memory. */
  slots: BatchSlots;
  /** messages.useSize: two messages are the same only when their sizes are too (as the planner matched them). */
  useSize: boolean;
  /** Checked before each batch reads or appends: after Ctrl-C / SIGTERM no new batch starts. */
  stop: StopSignal;
  /** The account's daily byte budgets: each batch is admitted (maybe cut) before it starts; once one pauses the account, no new batch starts. */
  budgets: DailyBudgets;
}

/**
 * Source UID → target UID pairs learnt from APPENDUID, by the target UIDVALIDITY the answer named:
 * one, unless the target folder was made anew during the apply.
 */
export type CopiedUids = Map<number, Array<[number, number]>>;

/**
 * Copy the folder's pending copies: source bodies (BODY.PEEK[]) in batches into APPEND (MULTIAPPEND
 * where offered, else APPENDs pipelined where LITERAL+ is). What a batch stored is kept when a later
 * message of it fails (appendItems). Crash-safe: before each attempt, target messages newer than the plan's UIDNEXT
 * that the journal does not account for are counted by identity; a pending copy whose identity is
 * among them landed before an interruption, and is recorded instead of copied again. A folder this
 * run has just created (`createdNow`) was empty a moment ago: its first attempt has nothing to count.
 * In a folder that held messages at plan time, a copy of one of them is refused when it would
 * duplicate it (duplicate-guard.ts): the same FETCH reads their identities, from UID 1.
 *
 * Batches of one folder go to the target on several connections at once (all the target pool has,
 * shared with the other folders): a server that fsyncs every message it stores (Dovecot's default)
 * waits on the disk for each, and those waits overlap only across sessions. The price: target UIDs
 * follow the source's order within a batch, not across batches in flight together.
 */
export async function copyMessages(
  folder: FolderPlan,
  copies: CopyAction[],
  ctx: CopyContext,
  target: { createdNow?: boolean; targetRecreated?: boolean } = {},
): Promise<void> {
  const refused = new Set<number>();
  const unanswered = new Set<number>();
  const stored: StoredCopy[] = [];
  const pendingOf = () => notDone(copies, ctx.account, folder, ctx.sink).filter((copy) => !refused.has(copy.uid));
  if (pendingOf().length === 0) return;
  const createdNow = target.createdNow ?? false;
  // A folder recreated since the plan: none of its UIDs is the plan's, so all it holds may have landed.
  const baseline = target.targetRecreated ? 1 : (folder.targetState?.uidNext ?? 1);
  let attempts = 0;
  // Only a folder that held messages at plan time can hold one the plan did not count on.
  const heldNothing =
    createdNow || target.targetRecreated === true || folder.targetState === null || folder.targetState.messages === 0;
  let guard: DuplicateGuard | undefined = heldNothing ? NO_DUPLICATE_GUARD : undefined;
  await withRetry(
    async () => {
      let landed = new Map<string, number>();
      if (attempts++ > 0 || !createdNow) {
        // One FETCH for both questions: below the baseline what the target held, above it what landed.
        const onTarget = await ctx.session.target.use((c) =>
          ctx.imap.fetchIdentities(c, folder.target, guard === undefined ? '1:*' : `${baseline}:*`),
        );
        landed = unaccounted(
          onTarget.filter((message) => message.uid >= baseline),
          folder,
          ctx,
        );
        guard ??= heldBefore(
          onTarget.filter((message) => message.uid < baseline),
          folder,
          ctx,
        );
      }
      const checks = { landed, guard: guard ?? NO_DUPLICATE_GUARD, refused, unanswered, stored };
      // As many lanes as batch slots: while some batches append, others are read or journaled.
      await runInLanes([...batches(pendingOf())], ctx.slots.size, (batch) => copyBatch(folder, batch, checks, ctx), {
        get stopped() {
          return ctx.stop.stopped || ctx.budgets.pause !== null;
        },
      });
    },
    {
      budgetSeconds: ctx.budgetSeconds,
      stop: ctx.stop,
      throttle: ctx.throttling,
      onRetry: (error, wait) =>
        ctx.observer.note(`${folder.target}: ${(error as Error).message}; retrying in ${Math.round(wait / 1000)} s`),
    },
  );
  if (stored.length === 0 || ctx.stop.stopped) return;
  // Flags a server dropped from APPEND, and UIDs a maildir server settles only read-write (settle-copies.ts).
  await withRetry(() => ctx.session.target.use((c) => ctx.imap.settleCopies(c, folder.target, stored, baseline)), {
    budgetSeconds: ctx.budgetSeconds,
    stop: ctx.stop,
    throttle: ctx.throttling,
  });
}

/** How many batches the folder's pending copies make: work for that many target connections at once. */
export function pendingBatches(account: string, folder: FolderPlan, sink: ActionSink): number {
  const copies = folder.actions.filter((action): action is CopyAction => action.op === 'copy');
  return [...batches(notDone(copies, account, folder, sink))].length;
}

/** The copies the journal does not have done (a re-run skips those). */
function notDone(copies: readonly CopyAction[], account: string, folder: FolderPlan, sink: ActionSink): CopyAction[] {
  return copies.filter((copy) => !sink.done(actionKey(account, folder, copy)));
}

/** What each attempt checks a copy against; `refused`: source UIDs the target refused in this run (not sent again by a retry); `unanswered`: ones this run sent with no answer (found on the target, this run copied them); `stored`: the copies this run journaled done, for settleCopies. */
type Checks = {
  landed: Map<string, number>;
  guard: DuplicateGuard;
  refused: Set<number>;
  unanswered: Set<number>;
  stored: StoredCopy[];
};

type Outcome = {
  copy: CopyAction;
  result: 'done' | 'failed' | 'skipped';
  detail: Parameters<typeof record>[4];
  bytes?: number;
};

/**
 * One batch: read from the source, APPEND to the target, then journal every outcome of the batch
 * together (the journal and the audit log commit them with one fsync each: group commit). Reading
 * holds a batch slot, not a target connection, so the next batch is read while others append.
 */
async function copyBatch(
  folder: FolderPlan,
  planned: CopyAction[],
  { landed, guard, refused, unanswered, stored }: Checks,
  ctx: CopyContext,
): Promise<void> {
  if (ctx.stop.stopped) return;
  // What the daily budgets leave of the batch; the rest stays pending (not failed) for the next apply.
  const batch = planned.slice(0, await ctx.budgets.admit(planned.map((copy) => copy.size)));
  if (batch.length === 0) return;
  await ctx.throttle.take(
    batch.length,
    batch.reduce((sum, copy) => sum + copy.size, 0),
  );
  await ctx.throttling.pace(batch.length, ctx.stop);
  const outcomes = await ctx.slots.hold(async () => {
    // The throttle or a slot may have kept this batch waiting past a stop: then it does not start.
    if (ctx.stop.stopped) return [];
    const bodies = await ctx.session.source.use(async (c) => {
      const read = await ctx.imap.readBodies(
        c,
        folder.source!,
        batch.map((copy) => copy.uid),
      );
      await slowDownAsked(c, 'source', folder.source!, ctx);
      return read;
    });
    const done: Outcome[] = [];
    const items: Pending[] = [];
    for (const copy of batch) {
      const original = bodies.get(copy.uid);
      if (original === undefined) {
        done.push({ copy, result: 'skipped', detail: { reason: 'the message is no longer on the source' } });
        continue;
      }
      if (original === null) {
        done.push({
          copy,
          result: 'failed',
          detail: {
            reason: `the source server answered NIL for the body of UID ${copy.uid}: there is nothing to copy; repair the message on the server and apply again`,
          },
        });
        continue;
      }
      // A UID's message never changes while its UIDVALIDITY holds (checked before the copies), so a
      // different identity here means the plan names another message than the one it read: edited
      // by hand, or a server that broke that rule. Appending it could duplicate a message.
      if (identityOfRaw(original) !== copy.identity) {
        done.push({
          copy,
          result: 'failed',
          detail: {
            reason: `source UID ${copy.uid} is not the message the plan names (its identity differs): the plan was edited, or the server reused the UID; re-plan`,
          },
        });
        continue;
      }
      const raw = copy.addMessageId
        ? Buffer.concat([Buffer.from(`Message-ID: ${copy.addMessageId}\r\n`), original])
        : original;
      const identity = copy.addMessageId ? identityOfRaw(raw) : copy.identity;
      const duplicate = await guard.refusal(
        matchKey(copy.identity, copy.size, ctx.useSize),
        matchKey(identity, raw.length, ctx.useSize),
      );
      if (duplicate !== null) done.push({ copy, result: 'failed', detail: { reason: duplicate } });
      else if (take(landed, identity))
        done.push({
          copy,
          result: 'done',
          detail: {
            reason: 'found on the target after an interruption',
            targetIdentity: identity,
            targetSize: raw.length,
          },
          ...(unanswered.has(copy.uid) ? { bytes: raw.length } : {}),
        });
      else items.push({ copy, identity, item: { raw, flags: copy.flags, internalDate: new Date(copy.internalDate) } });
    }
    if (items.length === 0) return done;
    return appendItems(folder, items, ctx, { refused, unanswered }, done);
  });
  await recordAll(folder, outcomes, ctx);
  for (const { copy, result, detail } of outcomes)
    if (result === 'done' && detail.targetIdentity !== undefined)
      stored.push({ identity: detail.targetIdentity, flags: copy.flags });
}

async function recordAll(folder: FolderPlan, outcomes: readonly Outcome[], ctx: CopyContext): Promise<void> {
  for (const outcome of outcomes) {
    if (outcome.bytes === undefined) continue;
    ctx.counts.messagesCopied++;
    ctx.counts.bytesCopied += outcome.bytes;
  }
  await Promise.all(outcomes.map(({ copy, result, detail }) => record(ctx, folder, copy, result, detail)));
  ctx.observer.progress(ctx.counts);
}

type Pending = { copy: CopyAction; item: AppendItem; identity: string };

/**
 * APPEND the batch's messages and say what became of each. What the target stored keeps its
 * result whatever comes after it in the batch. After a BAD (its connection closed, nothing else in
 * doubt) the rest goes on another connection, one message per APPEND; when the connection went
 * with APPENDs unanswered, or the folder was refused, the outcomes known are journaled and the
 * error thrown: a retry counts on the target what the unanswered ones stored, rather than
 * sending them again. A message the target refused is not sent again by this run's retries.
 * `before`: the batch's outcomes settled without an APPEND, journaled with the rest.
 */
async function appendItems(
  folder: FolderPlan,
  items: readonly Pending[],
  ctx: CopyContext,
  { refused, unanswered }: Pick<Checks, 'refused' | 'unanswered'>,
  before: readonly Outcome[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [...before];
  let left = [...items];
  let singly = false;
  while (left.length > 0) {
    const sending = left;
    const run = await ctx.session.target.use(async (target) => {
      const appended = await ctx.imap.appendMessages(
        target,
        folder.target,
        sending.map((entry) => entry.item),
        { singly },
      );
      await slowDownAsked(target, 'target', folder.target, ctx);
      return appended;
    });
    left = [];
    run.results.forEach((result, index) => {
      const { copy, identity, item } = sending[index]!;
      if (result === undefined) {
        left.push(sending[index]!);
      } else if ('error' in result) {
        refused.add(copy.uid);
        outcomes.push({ copy, result: 'failed', detail: { reason: `the target refused it: ${result.error}` } });
      } else {
        if (result.uid !== null) pairsIn(ctx.copied, result.uidValidity).push([copy.uid, result.uid]);
        outcomes.push({
          copy,
          result: 'done',
          detail: { targetUid: result.uid, targetIdentity: identity, targetSize: item.raw.length },
          bytes: item.raw.length,
        });
      }
    });
    if (run.failure === null) break;
    if (!run.resend) {
      for (const index of run.unsure) unanswered.add(sending[index]!.copy.uid);
      await recordAll(folder, outcomes, ctx);
      throw run.failure;
    }
    singly = true;
  }
  return outcomes;
}

/** Gmail answers a command OK [THROTTLED] when it did it but wants the client slower: the server's pace halves. */
async function slowDownAsked(connection: ImapConnection, side: Side, folder: string, ctx: CopyContext): Promise<void> {
  const said = takeSlowDown(connection);
  if (said !== null) await ctx.throttling.slowedDown(side, said, folder);
}

/** Identities of target messages added since the plan (`recent`) that no journaled copy explains. */
function unaccounted(recent: readonly MessageSnapshot[], folder: FolderPlan, ctx: CopyContext): Map<string, number> {
  const landed = countKeys(recent, (message) => message.identity);
  // Nothing new on the target (a first run): no journaled copy to account for.
  if (landed.size === 0) return landed;
  for (const detail of journaledCopies(folder, ctx)) take(landed, String(detail.targetIdentity ?? ''));
  return landed;
}

/** The guard for a folder the target had at plan time: its messages then, plus this plan's journaled copies of them. */
function heldBefore(before: readonly MessageSnapshot[], folder: FolderPlan, ctx: CopyContext): DuplicateGuard {
  const key = (message: MessageSnapshot) => matchKey(message.identity, message.size, ctx.useSize);
  const held = countKeys(before, key);
  // Journals written before targetSize was recorded miss it: such a copy then counts only without useSize.
  for (const detail of journaledCopies(folder, ctx)) {
    const copied = matchKey(String(detail.targetIdentity ?? ''), Number(detail.targetSize ?? -1), ctx.useSize);
    if (held.has(copied)) held.set(copied, held.get(copied)! + 1);
  }
  const sourceRange = `1:${Math.max(1, (folder.sourceState?.uidNext ?? 2) - 1)}`;
  return new DuplicateGuard(held, async () =>
    countKeys(await ctx.session.source.use((c) => ctx.imap.fetchIdentities(c, folder.source!, sourceRange)), key),
  );
}

/** Journal details (targetIdentity, targetSize) of the copies done in this folder by earlier attempts and runs of this plan. */
function journaledCopies(folder: FolderPlan, ctx: CopyContext): Array<Record<string, unknown>> {
  return ctx.sink.doneDetails(actionKey(ctx.account, folder, { op: 'copy' }));
}

function pairsIn(copied: CopiedUids, uidValidity: number): Array<[number, number]> {
  let pairs = copied.get(uidValidity);
  if (pairs === undefined) {
    pairs = [];
    copied.set(uidValidity, pairs);
  }
  return pairs;
}

function take(multiset: Map<string, number>, key: string): boolean {
  const count = multiset.get(key) ?? 0;
  if (count === 0) return false;
  multiset.set(key, count - 1);
  return true;
}

function* batches(copies: CopyAction[]): Generator<CopyAction[]> {
  let batch: CopyAction[] = [];
  let bytes = 0;
  for (const copy of copies) {
    if (batch.length > 0 && (batch.length >= BATCH_MESSAGES || bytes + copy.size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(copy);
    bytes += copy.size;
  }
  if (batch.length > 0) yield batch;
}

function record(
  ctx: CopyContext,
  folder: FolderPlan,
  copy: CopyAction,
  result: 'done' | 'failed' | 'skipped',
  detail: { reason?: string; targetUid?: number | null; targetIdentity?: string; targetSize?: number },
): Promise<void> {
  if (result === 'failed') ctx.counts.failed++;
  if (result === 'skipped') ctx.counts.skipped++;
  const action: AuditAction = {
    account: ctx.account,
    folder: folder.source,
    target: folder.target,
    op: 'copy',
    uid: copy.uid,
    result,
    identity: copy.identity,
    size: copy.size,
  };
  if (detail.targetUid !== undefined) action.targetUid = detail.targetUid;
  if (detail.reason) action.reason = detail.reason;
  return ctx.sink.record(
    actionKey(ctx.account, folder, copy),
    action,
    result === 'done'
      ? { targetIdentity: detail.targetIdentity, targetSize: detail.targetSize, targetUid: detail.targetUid ?? null }
      : undefined,
  );
}
