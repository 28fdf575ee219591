// Waves of accounts on one server: many fresh users at once, then each seeded with a generated
// mailbox of its own, a few accounts at a time (each account's seeding already uses several
// connections; more at once only queues on the server's disk).
import type { DovecotServer } from './dovecot.ts';
import { inPool } from './cli.ts';
import type { MailboxSpec } from './mailbox-generator.ts';
import { seedMailbox, type Account, type SeedResult } from './seed.ts';
import { freshUser } from './servers.ts';

// A login is one small passwd-file: writing many at once costs milliseconds, not round trips.
const USERS_AT_ONCE = 32;
const ACCOUNTS_SEEDED_AT_ONCE = 4;

/** `count` users nobody else has, usable at once, in order; `prefix` starts each login. */
export function freshUsers(server: DovecotServer, count: number, prefix = 'user'): Promise<Account[]> {
  return inPool(
    Array.from({ length: count }, (_, index) => index),
    USERS_AT_ONCE,
    () => freshUser(server, prefix),
  );
}

/** Seeds every account with the mailbox `specFor` gives its index; returns the totals over all of them. */
export async function seedAccounts(
  server: DovecotServer,
  accounts: readonly Account[],
  specFor: (index: number) => MailboxSpec,
): Promise<SeedResult> {
  const seeded = await inPool(accounts, ACCOUNTS_SEEDED_AT_ONCE, (account, index) =>
    seedMailbox(server, account, specFor(index)),
  );
  return seeded.reduce(
    (sum, one) => ({
      folders: sum.folders + one.folders,
      messages: sum.messages + one.messages,
      bytes: sum.bytes + one.bytes,
    }),
    { folders: 0, messages: 0, bytes: 0 },
  );
}
