import type { ImapConnection } from './connection.ts';

// Up to `size` connections to one side of one account, opened only when work needs them. Each
// use() has a connection to itself for its whole callback: IMAP sessions are stateful (the
// selected folder), so two callers never share one at a time.

/** A bounded set of logged-in connections to one server. */
export class ConnectionPool {
  readonly #open: () => Promise<ImapConnection>;
  readonly #size: number;
  readonly #idle: ImapConnection[] = [];
  readonly #all = new Set<ImapConnection>();
  readonly #waiting: Array<() => void> = [];
  #busy = 0;
  /** Logins under way. */
  #opening = 0;
  #closed = false;

  constructor(open: () => Promise<ImapConnection>, size: number) {
    this.#open = open;
    this.#size = Math.max(1, size);
  }

  /** Logs in one connection now (so login problems show before any work starts) and keeps it for the first use. */
  async prime(): Promise<void> {
    await this.use(async () => undefined);
  }

  /**
   * Starts logging in connections, all at once, until `count` are open or opening (never more than
   * `size`, nor more than the slots free now), for work about to need that many: each would
   * otherwise log in only once work arrived and found none idle. Does not wait; a login that fails
   * here is met again by the use() that needs the connection.
   */
  openAhead(count: number): void {
    for (
      let open = this.#all.size + this.#opening;
      open < Math.min(count, this.#size) && this.#busy < this.#size;
      open++
    ) {
      this.#busy += 1;
      this.#openNew()
        .then(
          (connection) => this.#giveBack(connection),
          () => undefined,
        )
        .finally(() => this.#release());
    }
  }

  /** Runs fn on a connection of its own, waiting while all `size` are busy; a dropped one is replaced. */
  async use<T>(fn: (connection: ImapConnection) => Promise<T>): Promise<T> {
    await this.#acquire();
    let connection: ImapConnection | undefined;
    try {
      if (this.#closed) throw new Error('connection pool is closed');
      connection = await this.#take();
      return await fn(connection);
    } finally {
      if (connection) this.#giveBack(connection);
      this.#release();
    }
  }

  /** Logs every connection out; waiting and later use() calls fail. */
  async close(): Promise<void> {
    await Promise.all(this.#shut().map((connection) => connection.close()));
  }

  /** Drops every connection's socket, busy ones too (their commands fail at once); later use() calls fail. */
  drop(): void {
    for (const connection of this.#shut()) connection.drop();
  }

  /** Refuse further use, wake the waiters (to fail), and hand over every connection to end. */
  #shut(): ImapConnection[] {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) {
      this.#busy += 1; // each one gives its slot back in use()'s finally
      wake();
    }
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    return all;
  }

  async #acquire(): Promise<void> {
    if (this.#busy < this.#size) {
      this.#busy += 1;
      return;
    }
    // The slot is handed over by #release, so a newcomer cannot overtake a waiter.
    await new Promise<void>((wake) => this.#waiting.push(wake));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#busy -= 1;
  }

  async #take(): Promise<ImapConnection> {
    for (let connection = this.#idle.pop(); connection; connection = this.#idle.pop()) {
      if (connection.usable) return connection;
      // Out of #all, close() and drop() no longer reach it: its socket is cut here.
      this.#all.delete(connection);
      connection.drop();
    }
    return this.#openNew();
  }

  async #openNew(): Promise<ImapConnection> {
    this.#opening += 1;
    let connection: ImapConnection;
    try {
      connection = await this.#open();
    } finally {
      this.#opening -= 1;
    }
    if (this.#closed) {
      await connection.close();
      throw new Error('connection pool is closed');
    }
    this.#all.add(connection);
    return connection;
  }

  #giveBack(connection: ImapConnection): void {
    if (!this.#closed && connection.usable) {
      this.#idle.push(connection);
      return;
    }
    this.#all.delete(connection);
    void connection.close();
  }
}
