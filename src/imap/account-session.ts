import { MailshiftError, type Diagnostic } from '../errors.ts';
import type { AccountSettings } from '../manifest/settings.ts';
import { openConnection } from './connect.ts';
import type { ProtocolTrace } from './protocol-trace.ts';
import type { Side } from './connection.ts';
import { ConnectionPool } from './pool.ts';
import { ServerThrottled } from './throttle-answer.ts';

/** Both sides of one account, logged in: a pool of up to `connections` sessions per side. */
export interface AccountSession {
  readonly account: AccountSettings;
  readonly source: ConnectionPool;
  readonly target: ConnectionPool;
  /** Logs out every connection of both sides; never throws. */
  close(): Promise<void>;
  /** Drops every connection of both sides at once, busy ones too (an interrupted apply's deadline). */
  drop(): void;
}

export interface SessionContext {
  /** Folder of the manifest: secrets resolve relative to it. */
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
}

/**
 * Logs in on both sides at once, one connection each (more open as work needs them). When either
 * side fails, the other is logged out again and the MailshiftError carries the failure of each
 * side that failed, each naming its side.
 */
export async function openAccountSession(account: AccountSettings, context: SessionContext): Promise<AccountSession> {
  const pool = (side: Side) =>
    new ConnectionPool(
      () =>
        openConnection(account[side], {
          side,
          accountId: account.id,
          manifestDir: context.manifestDir,
          env: context.env,
          verbose: context.verbose,
          trace: context.trace,
        }),
      account[side].connections,
    );
  const source = pool('source');
  const target = pool('target');
  const logins = await Promise.allSettled([source.prime(), target.prime()]);
  const sides = ['source', 'target'] as const;
  const failures = logins.flatMap((login, index): Diagnostic[] =>
    login.status === 'fulfilled'
      ? []
      : diagnosticsOf(login.reason).map((d) => ({ ...d, location: { ...d.location, side: sides[index] } })),
  );
  if (failures.length > 0) {
    await Promise.all([source.close(), target.close()]);
    // Throttled logins stay ServerThrottled: the caller waits as asked and logs in again.
    const reasons = logins.flatMap((login) => (login.status === 'rejected' ? [login.reason] : []));
    if (reasons.every((reason) => reason instanceof ServerThrottled)) throw reasons[0];
    throw new MailshiftError(failures);
  }
  return {
    account,
    source,
    target,
    async close() {
      await Promise.all([source.close(), target.close()]);
    },
    drop() {
      source.drop();
      target.drop();
    },
  };
}

function diagnosticsOf(reason: unknown): Diagnostic[] {
  if (reason instanceof MailshiftError) return reason.diagnostics;
  throw reason; // not a login failure but a bug: let it surface as one
}
