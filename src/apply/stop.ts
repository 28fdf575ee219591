// A cooperative stop for one apply (Ctrl-C, SIGTERM): the scheduler checks it before each new unit
// of work (folder, batch, deletion, retry), so nothing new starts while running work winds down.
// `force` is the deadline past which running work must not be waited for: connections are dropped.

export class StopSignal {
  #stopped = false;
  #forced = false;
  readonly #onForce: Array<() => void> = [];
  #wake: () => void = () => undefined;
  /** Settles when stop() is called: a wait (a retry's backoff) races it so it ends early. */
  readonly whenStopped: Promise<void> = new Promise((resolve) => {
    this.#wake = resolve;
  });

  /** Whether a stop was asked for: start nothing new. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Ask running work to finish and nothing new to start; a second call does nothing. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#wake();
  }

  /** Past the grace period: work still running is cut short (stop() first, if it was not called). */
  force(): void {
    this.stop();
    if (this.#forced) return;
    this.#forced = true;
    for (const listener of this.#onForce.splice(0)) listener();
  }

  /** Run `listener` on force() (at once if already forced); returns a function that unregisters it. */
  onForce(listener: () => void): () => void {
    if (this.#forced) {
      listener();
      return () => undefined;
    }
    this.#onForce.push(listener);
    return () => {
      const index = this.#onForce.indexOf(listener);
      if (index >= 0) this.#onForce.splice(index, 1);
    };
  }
}
