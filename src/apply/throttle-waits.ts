import type { MailshiftError } from '../errors.ts';
import { ServerThrottled } from '../imap/throttle-answer.ts';
import type { Side } from '../imap/connection.ts';
import { budgetSpent, type ThrottleWaiter } from './retry.ts';
import type { GateClock, ServerGate } from './server-gate.ts';
import type { StopSignal } from './stop.ts';

/** One throttle episode of one account, as the audit, the summary and the `throttled` event show it. */
export interface ThrottleEpisode {
  account: string;
  side: Side;
  /** host:port */
  server: string;
  folder?: string;
  /** The server's answer (never a secret: a throttling answer echoes no command). */
  said: string;
  /** How long the server asked to wait; null: it did not say (then 1 s, 2 s, 4 s …). */
  askedMs: number | null;
  /** How long the account waited for it. */
  waitedMs: number;
}

/** A ThrottleWaiter that also paces what goes to the servers (their adaptive rates). */
export interface ThrottleGates extends ThrottleWaiter {
  pace(messages: number, stop?: StopSignal): Promise<void>;
  /** A command on `side` was answered OK with a request to slow down (`said`). */
  slowedDown(side: Side, said: string, folder?: string): Promise<void>;
}

/** What one side of the account throttles on: the server's shared gate and the account's budget for it. */
export interface ThrottledSide {
  gate: ServerGate;
  budgetSeconds: number;
}

/**
 * One account's throttle waits (the ThrottleWaiter its retries use): a throttling answer pauses the
 * gate of the server that gave it, the account waits until the gate opens, and the wait is charged
 * to that side's budget and reported once per pause, however many of the account's connections
 * heard it. A wait the budget cannot pay for is not begun: the account stops with THROTTLED.
 */
export class AccountThrottling implements ThrottleGates {
  private readonly spent: Record<Side, number> = { source: 0, target: 0 };

  constructor(
    private readonly account: string,
    private readonly sides: Record<Side, ThrottledSide>,
    private readonly report: (episode: ThrottleEpisode) => Promise<void>,
    private readonly clock: GateClock,
  ) {}

  async wait(error: MailshiftError, askedMs: number, stop?: StopSignal): Promise<void> {
    const side = sideOf(error);
    const { gate, budgetSeconds } = this.sides[side];
    const budgetMs = budgetSeconds * 1000;
    if (this.spent[side] + askedMs > budgetMs) throw budgetSpent(error, budgetMs);
    const began = this.clock.now();
    // The first of the account's connections to hear of a pause reports it; the others only wait.
    const first = gate.throttled(this.account, askedMs);
    await gate.ready(stop);
    if (!first) return;
    const waitedMs = this.clock.now() - began;
    this.spent[side] += waitedMs;
    const folder = error.diagnostics[0]?.location?.folder;
    await this.report({
      account: this.account,
      side,
      server: gate.server,
      ...(folder === undefined ? {} : { folder }),
      said: error instanceof ServerThrottled ? error.said : error.message,
      askedMs: error instanceof ServerThrottled ? error.waitMs : askedMs,
      waitedMs,
    });
  }

  async slowedDown(side: Side, said: string, folder?: string): Promise<void> {
    const { gate } = this.sides[side];
    if (!gate.slowDown()) return;
    await this.report({
      account: this.account,
      side,
      server: gate.server,
      ...(folder === undefined ? {} : { folder }),
      said,
      askedMs: null,
      waitedMs: 0,
    });
  }

  /** Before a command: until neither server is paused. */
  async ready(stop?: StopSignal): Promise<void> {
    await this.sides.source.gate.ready(stop);
    await this.sides.target.gate.ready(stop);
  }

  /** Before sending `messages` from the source to the target: both servers' gates. */
  async pace(messages: number, stop?: StopSignal): Promise<void> {
    await this.sides.source.gate.pace(messages, stop);
    await this.sides.target.gate.pace(messages, stop);
  }
}

function sideOf(error: MailshiftError): Side {
  if (error instanceof ServerThrottled) return error.place.side;
  return error.diagnostics[0]?.location?.side ?? 'target';
}
