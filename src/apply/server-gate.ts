import type { StopSignal } from './stop.ts';

// A provider throttles by server, not by account: when Office 365 tells one mailbox to wait five
// minutes, the other mailboxes on it hitting it meanwhile only earn more of the same. So every
// account of an apply on one server (host:port) goes through one gate: a throttling answer to any
// of them pauses all of them for as long as asked, and sets a message rate for the server, half of
// what it took in the last minute; each clean minute after that the rate grows by a tenth, and
// once it is back where the first throttle found it the gate no longer limits the rate at all.

/** The clock a gate waits on: real timers in an apply, a fake in unit tests. A stop ends a sleep early. */
export interface GateClock {
  now(): number;
  sleep(ms: number, stop?: StopSignal): Promise<void>;
}

export const REAL_CLOCK: GateClock = {
  now: Date.now,
  // The timer is cleared on stop: a pause of minutes must not keep a stopped process alive.
  sleep: (ms, stop) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void stop?.whenStopped.then(() => {
        clearTimeout(timer);
        resolve();
      });
    }),
};

const MINUTE = 60_000;
/** The slowest a gate paces a server, messages a second: a rate halved again and again still moves. */
const FLOOR_RATE = 1;
const GROWTH = 1.1;

export class ServerGate {
  /** The pause running (or last run): until when, and the accounts told of it. */
  private episode: { until: number; accounts: Set<string> } | null = null;
  /** Messages a second, null: not limited (no throttling yet, or grown back past `ceiling`). */
  private rateNow: number | null = null;
  private ceiling = 0;
  private since = 0;
  private nextFree = 0;
  /** When messages went through, for the rate of the last minute. */
  private readonly taken: Array<{ at: number; messages: number }> = [];

  constructor(
    readonly server: string,
    private readonly clock: GateClock = REAL_CLOCK,
  ) {}

  /** The message rate the gate holds the server to now (null: none). */
  get rate(): number | null {
    this.grow();
    return this.rateNow;
  }

  /**
   * The server told `account` to wait `ms`: everyone on this server waits until then (a longer
   * pause already running stands), and the rate halves. True when this is the first answer to
   * `account` in the pause (a new pause, or one begun by another account): its episode to report.
   */
  throttled(account: string, ms: number): boolean {
    const now = this.clock.now();
    if (this.episode === null || this.episode.until <= now) this.episode = { until: now + ms, accounts: new Set() };
    else this.episode.until = Math.max(this.episode.until, now + ms);
    const first = !this.episode.accounts.has(account);
    this.episode.accounts.add(account);
    // One pause halves the rate once, however many connections hear of it.
    if (this.episode.accounts.size === 1 && first) this.halve(now);
    return first;
  }

  /**
   * The server answered OK but asked to slow down (Gmail's OK [THROTTLED]): the rate halves, at
   * most once a minute (a burst of such answers is one request). True when it did.
   */
  slowDown(): boolean {
    const now = this.clock.now();
    if (this.rateNow !== null && now - this.since < MINUTE) return false;
    const before = this.rateNow;
    this.halve(now);
    return this.rateNow !== before;
  }

  /** Resolves once no pause holds the server (or on stop). */
  async ready(stop?: StopSignal): Promise<void> {
    for (;;) {
      const left = (this.episode?.until ?? 0) - this.clock.now();
      if (left <= 0 || stop?.stopped) return;
      await this.nap(left, stop);
    }
  }

  /** Before sending `messages` to the server: waits out a pause, then as long as the rate asks. */
  async pace(messages: number, stop?: StopSignal): Promise<void> {
    await this.ready(stop);
    const rate = this.rate;
    const now = this.clock.now();
    this.taken.push({ at: now, messages });
    this.forget(now);
    if (rate === null) return;
    const start = Math.max(now, this.nextFree);
    this.nextFree = start + (messages / rate) * 1000;
    if (start > now && !stop?.stopped) await this.nap(start - now, stop);
  }

  private nap(ms: number, stop?: StopSignal): Promise<void> {
    return stop ? Promise.race([this.clock.sleep(ms, stop), stop.whenStopped]) : this.clock.sleep(ms);
  }

  private halve(now: number): void {
    this.forget(now);
    const recent = this.taken.reduce((sum, entry) => sum + entry.messages, 0);
    const span = this.taken.length > 0 ? Math.max(1000, now - this.taken[0]!.at) : MINUTE;
    const observed = (recent / span) * 1000;
    // Nothing went through lately: there is no pace to halve, only the pause.
    if (this.rateNow === null && observed === 0) return;
    if (this.rateNow === null) this.ceiling = observed;
    this.rateNow = Math.max(FLOOR_RATE, (this.rateNow ?? observed) / 2);
    this.since = now;
  }

  private grow(): void {
    if (this.rateNow === null) return;
    const minutes = Math.floor((this.clock.now() - this.since) / MINUTE);
    if (minutes === 0) return;
    this.rateNow *= GROWTH ** minutes;
    this.since += minutes * MINUTE;
    if (this.rateNow >= this.ceiling) this.rateNow = null;
  }

  private forget(now: number): void {
    while (this.taken.length > 0 && this.taken[0]!.at < now - MINUTE) this.taken.shift();
  }
}

/** The gates of one apply, one per server: every account on a server shares its gate. */
export class ServerGates {
  private readonly gates = new Map<string, ServerGate>();

  constructor(private readonly clock: GateClock = REAL_CLOCK) {}

  /** The gate of host:port (host names compared without case). */
  of(host: string, port: number): ServerGate {
    const server = `${host.toLowerCase()}:${port}`;
    let gate = this.gates.get(server);
    if (!gate) {
      gate = new ServerGate(server, this.clock);
      this.gates.set(server, gate);
    }
    return gate;
  }
}
