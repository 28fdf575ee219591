import { appendMessages, type AppendItem } from '../imap/append.ts';
import { fetchIdentities } from '../imap/fetch-identities.ts';
import type { AccountSession } from '../imap/account-session.ts';
import { readBodies } from '../imap/read-bodies.ts';
import { identityOfRaw } from '../plan/identity.ts';
import type { CopyAction, FolderPlan } from '../plan/types.ts';
import { actionKey } from './journal-keys.ts';
import type { ActionSink, ApplyCounts, ApplyObserver } from './outcome.ts';
import { withRetry } from './retry.ts';
import type { Throttle } from './throttle.ts';

const BATCH_MESSAGES = 100;
const BATCH_BYTES = 8 * 1024 * 1024;

export interface CopyContext {
  account: string;
  session: AccountSession;
  sink: ActionSink;
  observer: ApplyObserver;
  throttle: Throttle;
  counts: ApplyCounts;
  budgetSeconds: number;
  /** Source UID -> target UID pairs learnt from APPENDUID, for the UID map. */
  pairs: Array<[number, number]>;
}

/**
 * Copy the folder's pending copies: source bodies (BODY.PEEK[]) in batches into APPEND (MULTIAPPEND
 * where offered). Crash-safe: before each attempt, target messages newer than the plan's UIDNEXT
 * that the journal does not account for are counted by identity; a pending copy whose identity is
 * among them landed before an interruption, and is recorded instead of copied again.
 */
export async function copyMessages(folder: FolderPlan, copies: CopyAction[], ctx: CopyContext): Promise<void> {
  const source = folder.source!;
  const pendingOf = () => copies.filter((copy) => !ctx.sink.done(actionKey(ctx.account, folder, copy)));
  if (pendingOf().length === 0) return;
  const baseline = folder.targetState?.uidNext ?? 1;
  await withRetry(async () => {
    const landed = await unaccounted(folder, baseline, ctx);
    for (const batch of batches(pendingOf())) {
      const bodies = await ctx.session.source.use(async (c) => {
        const found = new Map<number, Buffer>();
        for await (const body of readBodies(c, source, batch.map((copy) => copy.uid))) found.set(body.uid, body.raw);
        return found;
      });
      const items: Array<{ copy: CopyAction; item: AppendItem; identity: string }> = [];
      for (const copy of batch) {
        const original = bodies.get(copy.uid);
        if (original === undefined) {
          await record(ctx, folder, copy, 'skipped', { reason: 'the message is no longer on the source' });
          continue;
        }
        const raw = copy.addMessageId ? Buffer.concat([Buffer.from(`Message-ID: ${copy.addMessageId}\r\n`), original]) : original;
        const identity = identityOfRaw(raw);
        if (take(landed, identity)) {
          await record(ctx, folder, copy, 'done', { reason: 'found on the target after an interruption', targetIdentity: identity });
          continue;
        }
        items.push({ copy, identity, item: { raw, flags: copy.flags, internalDate: new Date(copy.internalDate) } });
      }
      if (items.length === 0) continue;
      await ctx.throttle.take(items.length, items.reduce((sum, entry) => sum + entry.item.raw.length, 0));
      const results = await ctx.session.target.use((c) => appendMessages(c, folder.target, items.map((entry) => entry.item)));
      for (const [index, result] of results.entries()) {
        const { copy, identity, item } = items[index]!;
        if ('error' in result) {
          await record(ctx, folder, copy, 'failed', { reason: `the target refused it: ${result.error}` });
          continue;
        }
        if (result.uid !== null) ctx.pairs.push([copy.uid, result.uid]);
        ctx.counts.messagesCopied++;
        ctx.counts.bytesCopied += item.raw.length;
        await record(ctx, folder, copy, 'done', { targetUid: result.uid, targetIdentity: identity });
      }
      ctx.observer.progress(ctx.counts);
    }
  }, { budgetSeconds: ctx.budgetSeconds, onRetry: (error, wait) => ctx.observer.note(`${folder.target}: ${(error as Error).message}; retrying in ${Math.round(wait / 1000)} s`) });
}

/** Identities of target messages added since the plan that no journaled copy explains. */
async function unaccounted(folder: FolderPlan, baseline: number, ctx: CopyContext): Promise<Map<string, number>> {
  const landed = new Map<string, number>();
  const recent = await ctx.session.target.use((c) => fetchIdentities(c, folder.target, `${baseline}:*`));
  // "N:*" also returns the newest message when every UID is below N: keep only the new ones.
  for (const message of recent) if (message.uid >= baseline) landed.set(message.identity, (landed.get(message.identity) ?? 0) + 1);
  const prefix = actionKey(ctx.account, folder, { op: 'copy' });
  for (const detail of ctx.sink.doneDetails(prefix)) take(landed, String(detail.targetIdentity ?? ''));
  return landed;
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

async function record(ctx: CopyContext, folder: FolderPlan, copy: CopyAction, result: 'done' | 'failed' | 'skipped', detail: { reason?: string; targetUid?: number | null; targetIdentity?: string }): Promise<void> {
  if (result === 'failed') ctx.counts.failed++;
  if (result === 'skipped') ctx.counts.skipped++;
  await ctx.sink.record(actionKey(ctx.account, folder, copy), {
    account: ctx.account, folder: folder.source, target: folder.target, op: 'copy', uid: copy.uid, result,
    ...(detail.targetUid !== undefined ? { targetUid: detail.targetUid } : {}),
    ...(detail.reason ? { reason: detail.reason } : {}), identity: copy.identity, size: copy.size,
  }, result === 'done' ? { targetIdentity: detail.targetIdentity, targetUid: detail.targetUid ?? null } : undefined);
}
