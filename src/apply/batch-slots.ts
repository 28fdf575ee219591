/**
 * A counting semaphore for message batches: how many may hold their bodies in memory at once,
 * account-wide. Waiters are served first come, first served.
 */
export class BatchSlots {
  readonly size: number;
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.size = Math.max(1, size);
    this.#free = this.size;
  }

  /** Runs fn once a slot is free, and frees it when fn settles. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((wake) => this.#waiting.push(wake));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next)
        next(); // the slot passes straight on, so a newcomer cannot overtake a waiter
      else this.#free++;
    }
  }
}
