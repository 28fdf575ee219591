/**
 * A bounded hand-off between one producer and several consumers where items of the same folder
 * are taken one at a time and in order (Dovecot serialises appends per folder anyway), while
 * different folders proceed in parallel.
 */
export class FolderQueue<T> {
  private readonly pending = new Map<string, T[]>();
  private readonly busy = new Set<string>();
  private queuedItems = 0;
  private queuedBytes = 0;
  private closed = false;
  private failure: unknown;
  private wake: Array<() => void> = [];

  constructor(private readonly limits: { items: number; bytes: number }) {}

  /** Waits for room (always admits one item into an empty queue), then enqueues. */
  async put(folder: string, item: T, bytes: number): Promise<void> {
    while (
      this.queuedItems > 0 &&
      (this.queuedItems >= this.limits.items || this.queuedBytes + bytes > this.limits.bytes)
    ) {
      this.throwIfFailed();
      await this.changed();
    }
    this.throwIfFailed();
    const list = this.pending.get(folder) ?? [];
    list.push(item);
    this.pending.set(folder, list);
    this.queuedItems += 1;
    this.queuedBytes += bytes;
    this.notify();
  }

  /** The next item of a folder nobody else is working on, or undefined once closed and drained. */
  async take(): Promise<{ folder: string; item: T } | undefined> {
    for (;;) {
      if (this.failure !== undefined) return undefined;
      for (const [folder, list] of this.pending) {
        if (this.busy.has(folder)) continue;
        const item = list.shift();
        if (item === undefined) continue;
        if (list.length === 0) this.pending.delete(folder);
        this.busy.add(folder);
        return { folder, item };
      }
      if (this.closed && this.queuedItems === 0) return undefined;
      await this.changed();
    }
  }

  /** Marks an item taken from folder as finished, freeing its room and the folder. */
  done(folder: string, bytes: number): void {
    this.busy.delete(folder);
    this.queuedItems -= 1;
    this.queuedBytes -= bytes;
    this.notify();
  }

  /** No more items will be put. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Stops producer and consumers; put() rethrows the error. */
  fail(error: unknown): void {
    this.failure ??= error ?? new Error('folder queue failed');
    this.notify();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.wake.push(resolve));
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}
