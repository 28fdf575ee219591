// Mail delivered the way an MDA does (doveadm save): no IMAP session has seen it, so its \Recent
// is still to be claimed by the first session that SELECTs the folder.
import { execFileSync } from 'node:child_process';
import type { DovecotServer } from './dovecot.ts';
import { findBinary } from './dovecot-install.ts';
import type { Account } from './seed.ts';

/** Runs doveadm against the harness server (e.g. `save`, `expunge`, `mailbox create`); input goes to its stdin. */
export function doveadm(server: DovecotServer, args: string[], input?: string | Buffer): void {
  execFileSync(findBinary('doveadm') ?? 'doveadm', ['-c', `${server.dir}/dovecot.conf`, ...args], {
    input,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

/** Stores a raw message into `folder` (which must exist) as local delivery does: \Recent, unseen by any session. */
export function deliver(server: DovecotServer, account: Account, folder: string, raw: string | Buffer): void {
  doveadm(server, ['save', '-u', account.user, '-m', folder], raw);
}
