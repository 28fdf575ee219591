import { hasCapability as flowHasCapability } from 'imapflow/lib/tools.js';
import { flowOf, type ImapConnection } from './connection.ts';

/** Whether the server's CAPABILITY after login named it ('UIDPLUS', 'MULTIAPPEND'; any case; IMAP4rev2's built-ins count under rev2); nothing is sent. */
export function hasCapability(connection: ImapConnection, name: string): boolean {
  const flow = flowOf(connection);
  const upper = name.toUpperCase();
  // imapflow keeps these two in their RFC spelling and everything else in upper case.
  const key = upper === 'IMAP4REV1' ? 'IMAP4rev1' : upper === 'IMAP4REV2' ? 'IMAP4rev2' : upper;
  return flowHasCapability(flow, key);
}
