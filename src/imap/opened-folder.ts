import type { ImapFlow } from 'imapflow';
import { normalizePath } from 'imapflow/lib/tools.js';
import { MailshiftError, problem } from '../errors.ts';
import { flowOf, type ImapConnection } from './connection.ts';
import { operationFailure } from './operation-failure.ts';
import { markListed } from './wire/mailbox-cache.ts';

// Message commands name messages by UID, and a UID means something only under the UIDVALIDITY the
// caller checked (examineFolder, selectFolder). Apply takes a pooled connection per step, so a
// message command may land on a connection where its folder is not open, and opens it there. What
// it must not do is open a folder that was deleted and recreated since the caller's check, whose
// UIDs name other messages: each explicit open records the UIDVALIDITY it saw, per mailbox of the
// server (host, user, folder), and an implicit open that sees another one fails PLAN_STALE.

const checked = new Map<string, number>();

function mailboxKey(connection: ImapConnection, flow: ImapFlow, folder: string): string {
  const { host, port } = connection.place;
  // An admin's login (authzid set) opens the user's mailbox: that one names the folder, not the admin.
  const mailbox = flow.options.auth?.authzid ?? flow.options.auth?.user ?? '';
  return JSON.stringify([host, port, mailbox, normalizePath(flow, folder)]);
}

/** Records the UIDVALIDITY an explicit EXAMINE or SELECT saw (null: forget it, the folder was created or deleted). */
export function rememberUidValidity(connection: ImapConnection, folder: string, uidValidity: number | null): void {
  const flow = flowOf(connection);
  if (uidValidity === null) checked.delete(mailboxKey(connection, flow, folder));
  else checked.set(mailboxKey(connection, flow, folder), uidValidity);
}

/** The client with `folder` open (EXAMINE, or SELECT when `write`), opened here if need be: the server may refuse (a MailshiftError naming the folder), and PLAN_STALE when its UIDVALIDITY is not the one last checked. */
export async function openedFlow(connection: ImapConnection, folder: string, write: boolean): Promise<ImapFlow> {
  const flow = flowOf(connection);
  const key = mailboxKey(connection, flow, folder);
  const expected = checked.get(key);
  const open = flow.mailbox;
  // Open here under another UIDVALIDITY than the one checked since: look again.
  const usable =
    open &&
    open.path === normalizePath(flow, folder) &&
    (!write || !open.readOnly) &&
    (expected === undefined || Number(open.uidValidity) === expected);
  if (!usable) {
    try {
      const opened = await openMailbox(flow, folder, !write);
      // imapflow answers nothing, rather than failing, on a session that is no longer logged in.
      if (!opened) throw new Error('the session is not logged in');
    } catch (error) {
      throw operationFailure(error, connection, write ? 'SELECT' : 'EXAMINE', folder);
    }
    if (write && flow.mailbox && flow.mailbox.readOnly) throw openedReadOnly(connection, folder);
  }
  const current = flow.mailbox ? Number(flow.mailbox.uidValidity) : Number.NaN;
  if (expected === undefined) checked.set(key, current);
  else if (current !== expected) throw stale(connection, folder, expected, current);
  return flow;
}

/** Whether this session has `folder` open read-only (EXAMINE) right now. */
export function openReadOnly(connection: ImapConnection, folder: string): boolean {
  const flow = flowOf(connection);
  const open = flow.mailbox;
  return !!open && !!open.readOnly && open.path === normalizePath(flow, folder);
}

/** imapflow's mailboxOpen() with one round trip, not two or three (wire/mailbox-cache.ts says why). */
export function openMailbox(flow: ImapFlow, folder: string, readOnly: boolean): ReturnType<ImapFlow['mailboxOpen']> {
  markListed(flow, normalizePath(flow, folder));
  return flow.mailboxOpen(folder, { readOnly });
}

/**
 * UIDNEXT of the folder just opened. Courier's SELECT and EXAMINE leave it out (RFC 3501 requires
 * it): a STATUS of the open folder says it then, rather than a plan that thinks every UID is new.
 */
export async function uidNextOf(
  connection: ImapConnection,
  folder: string,
  opened: { uidNext?: number },
  doing: string,
): Promise<number> {
  if (opened.uidNext !== undefined) return opened.uidNext;
  let status;
  try {
    status = await flowOf(connection).status(folder, { uidNext: true });
  } catch (error) {
    throw operationFailure(error, connection, doing, folder);
  }
  if (!status || status.uidNext === undefined) {
    const { place } = connection;
    throw new MailshiftError(
      problem(
        'IMAP_ERROR',
        `${place.side} folder "${folder}" for account ${place.accountId} at ${place.host}:${place.port}: the server says no UIDNEXT, in ${doing} or STATUS`,
        'the server breaks RFC 3501 here; run with --trace FILE and report it',
        { account: place.accountId, side: place.side, folder },
      ),
    );
  }
  return status.uidNext;
}

/** SELECT answered [READ-ONLY]: nothing can be changed in the folder. */
export function openedReadOnly(connection: ImapConnection, folder: string): MailshiftError {
  const { place } = connection;
  return new MailshiftError(
    problem(
      'IMAP_ERROR',
      `${place.side} SELECT of folder "${folder}" for account ${place.accountId} at ${place.host}:${place.port} opened it read-only: nothing can be changed in it`,
      'the user lacks write rights to this folder (ACL) or the server keeps it read-only; grant the rights or leave the folder out',
      { account: place.accountId, side: place.side, folder },
    ),
  );
}

function stale(connection: ImapConnection, folder: string, expected: number, current: number): MailshiftError {
  const { place } = connection;
  return new MailshiftError(
    problem(
      'PLAN_STALE',
      `${place.side} folder "${folder}" for account ${place.accountId} has UIDVALIDITY ${current} now, ${expected} when it was checked: it was recreated, and its UIDs name other messages; nothing was changed in it`,
      'run `mailshift plan` again',
      { account: place.accountId, side: place.side, folder },
    ),
  );
}
