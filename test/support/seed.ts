import { ImapFlow } from 'imapflow';
import type { DovecotServer } from './dovecot.ts';
import { FolderQueue } from './folder-queue.ts';
import {
  generateFolders,
  generateMessages,
  type GeneratedFolder,
  type GeneratedMessage,
  type MailboxSpec,
} from './mailbox-generator.ts';

export interface Account {
  user: string;
  password: string;
}

export interface SeedResult {
  folders: number;
  messages: number;
  bytes: number;
}

const CONNECTIONS = 4;
// Bounds what waits between the generator and the connections, whatever the mailbox size.
const QUEUE_LIMITS = { items: 64, bytes: 16 * 1024 * 1024 };

/** Any harness server's plain port (Dovecot, Cyrus, Courier, mailutils). */
export interface PlainServer {
  readonly host: string;
  readonly ports: { readonly plain: number };
}

/** An imapflow client on the server's plain port, without TLS, not yet connected. */
export function plainClient(server: PlainServer, account: Account): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: server.ports.plain,
    secure: false,
    doSTARTTLS: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
    // Loopback gains nothing from DEFLATE, and both ends would spend the two cores on it.
    disableCompression: true,
  });
}

/** A folder's UIDVALIDITY as the server says it now (STATUS); NaN when it gives none. */
export async function uidValidityOf(server: DovecotServer, account: Account, folder: string): Promise<number> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const status = await client.status(folder, { uidValidity: true });
    return status ? Number(status.uidValidity) : Number.NaN;
  } finally {
    await client.logout();
  }
}

/** The server's name for a generated folder path: joined with its delimiter, under its prefix. */
export function mailboxPath(server: DovecotServer, path: readonly string[]): string {
  if (path.length === 1 && path[0]?.toUpperCase() === 'INBOX') return 'INBOX';
  const clash = path.find((segment) => segment.includes(server.delimiter));
  if (clash !== undefined) {
    throw new Error(`folder name "${clash}" contains ${server.layout} server's delimiter "${server.delimiter}"`);
  }
  return server.prefix + path.join(server.delimiter);
}

/**
 * Where each generated folder lives on the server, keyed by its path joined with NUL: special-use
 * folders go to the server's existing folder of that use (Sent → "Sent Items" on the dot server).
 */
export async function resolveFolders(
  client: ImapFlow,
  server: DovecotServer,
  folders: readonly GeneratedFolder[],
): Promise<Map<string, string>> {
  const existing = await client.list();
  // imapflow also guesses special use from localised names ("Entwürfe" → \Drafts): trust only
  // what the server itself reports.
  const reported = existing.filter((box) => box.specialUse && box.specialUseSource === 'extension');
  const byUse = new Map(reported.map((box) => [box.specialUse, box.path]));
  return new Map(
    folders.map((folder) => [
      folder.path.join('\0'),
      (folder.specialUse && byUse.get(folder.specialUse)) || mailboxPath(server, folder.path),
    ]),
  );
}

/** Creates the generated mailbox for an account and appends every message with flags and date. */
export async function seedMailbox(server: DovecotServer, account: Account, spec: MailboxSpec): Promise<SeedResult> {
  const folders = generateFolders(spec);
  const setup = plainClient(server, account);
  await setup.connect();
  let paths: Map<string, string>;
  try {
    paths = await resolveFolders(setup, server, folders);
    const existing = new Set((await setup.list()).map((box) => box.path));
    for (const path of paths.values()) {
      if (!existing.has(path)) await setup.mailboxCreate(path);
    }
  } finally {
    await setup.logout();
  }

  const queue = new FolderQueue<GeneratedMessage>(QUEUE_LIMITS);
  const totals = { messages: 0, bytes: 0 };
  const workers = Array.from({ length: CONNECTIONS }, () => appendWorker(server, account, queue, totals));
  let producerError: unknown;
  try {
    for (const message of generateMessages(spec)) {
      const path = paths.get(message.folder.join('\0'));
      if (path === undefined) throw new Error(`generated message for unknown folder ${message.folder.join('/')}`);
      await queue.put(path, message, message.raw.length);
    }
    queue.close();
  } catch (error) {
    producerError = error;
    queue.fail(error);
  }
  const outcomes = await Promise.allSettled(workers);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  if (producerError !== undefined) throw producerError;
  return { folders: folders.length, messages: totals.messages, bytes: totals.bytes };
}

async function appendWorker(
  server: DovecotServer,
  account: Account,
  queue: FolderQueue<GeneratedMessage>,
  totals: { messages: number; bytes: number },
): Promise<void> {
  const client = plainClient(server, account);
  try {
    await client.connect();
    for (let next = await queue.take(); next; next = await queue.take()) {
      const { folder, item } = next;
      const appended = await client.append(folder, item.raw, item.flags, item.internalDate);
      if (!appended) throw new Error(`APPEND to ${folder} was refused`);
      totals.messages += 1;
      totals.bytes += item.raw.length;
      queue.done(folder, item.raw.length);
    }
  } catch (error) {
    queue.fail(error);
    throw error;
  } finally {
    await client.logout().catch(() => undefined);
  }
}
