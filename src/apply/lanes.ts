import type { StopSignal } from './stop.ts';

/**
 * Run `job` over items, at most `lanes` at a time. After a failure, or once `stop` is stopped, no
 * new item starts; the ones in flight are let finish, then the first error is thrown, so that a
 * retry never races a job of the attempt before it (two APPENDs of one message would be a duplicate).
 */
export async function runInLanes<T>(items: readonly T[], lanes: number, job: (item: T) => Promise<void>, stop?: StopSignal): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null && !stop?.stopped && next < items.length) {
      const item = items[next++]!;
      try {
        await job(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
