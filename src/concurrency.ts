// The one way mailshift runs work side by side (accounts in plan, check, verify and apply; folders
// of an account; batches of a folder): at most `lanes` jobs at a time, and after a failure (or a
// stop) nothing new starts, the jobs in flight are let finish, and only then is the first error
// thrown. So a retry never races a job of the attempt before it (two APPENDs of one message would
// be a duplicate), and nothing writes to a journal or a session the caller is closing.

/** Something that may say "stop starting new work" (apply's StopSignal). */
export interface StopRequest {
  readonly stopped: boolean;
}

/** Runs `job` over items, at most `lanes` at a time; see the file's comment for failures and `stop`. */
export async function runInLanes<T>(
  items: readonly T[],
  lanes: number,
  job: (item: T, index: number) => Promise<void>,
  stop?: StopRequest,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null && !stop?.stopped && next < items.length) {
      const index = next++;
      try {
        await job(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/** runInLanes with a result per item, in the input order. */
export async function mapInLanes<T, R>(
  items: readonly T[],
  lanes: number,
  job: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await runInLanes(items, lanes, async (item, index) => {
    results[index] = await job(item, index);
  });
  return results;
}
