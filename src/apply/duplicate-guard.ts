// A copy is planned only for a source message the target lacks, but a plan file can be edited: a
// hand-added copy of a message the target already holds passes every plan check. The guard lets a
// copy of a message the target held before the plan go only while the target would still have
// fewer messages like it than the source (duplicates in the source are copied, each once). Keys
// are what the planner matches on: the identity, with the size under messages.useSize.

/** Decides, copy by copy, whether appending would duplicate a message the target already holds. */
export class DuplicateGuard {
  private sourceCounts: Promise<Map<string, number>> | undefined;

  /**
   * `held`: keys of the target messages that were there before the plan, plus this plan's journaled
   * copies of those keys. `countSource` counts the source folder's keys: asked once, and only when
   * some copy's key is held.
   */
  constructor(
    private readonly held: Map<string, number>,
    private readonly countSource: () => Promise<Map<string, number>>,
  ) {}

  /** Null when the copy may go (then counted as held); else why it must not. */
  async refusal(sourceKey: string, targetKey: string): Promise<string | null> {
    if (!this.held.has(targetKey)) return null;
    const onSource = (await this.sourceCountsOnce()).get(sourceKey) ?? 0;
    // Read again after the await: other batches of the folder may have taken one meanwhile.
    const held = this.held.get(targetKey)!;
    if (held < onSource) {
      this.held.set(targetKey, held + 1);
      return null;
    }
    return `the target already holds this message (identity ${targetKey.slice(0, 12)}…): a copy would duplicate it; re-plan`;
  }

  private sourceCountsOnce(): Promise<Map<string, number>> {
    // A failed read is not kept: the folder's retry asks again.
    this.sourceCounts ??= this.countSource().catch((error: unknown) => {
      this.sourceCounts = undefined;
      throw error;
    });
    return this.sourceCounts;
  }
}

/** A guard for a folder that held nothing before the plan (or was created by it): every copy may go. */
export const NO_DUPLICATE_GUARD = new DuplicateGuard(new Map(), async () => new Map());

/** How many items have each key. */
export function countKeys<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const itemKey = key(item);
    counts.set(itemKey, (counts.get(itemKey) ?? 0) + 1);
  }
  return counts;
}
