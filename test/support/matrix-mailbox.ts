// The small mailbox the server matrix migrates: INBOX and nested folders (a parent left
// unsubscribed with a subscribed child), \Seen, \Flagged and a keyword, one attachment; and a
// reader that says, per target folder, which Message-IDs (with which flags) a server holds.
import type { ImapFlow } from 'imapflow';
import type { ImapTestServer } from './imap-server.ts';
import type { AnyServer } from './migration.ts';
import { plainClient, type Account } from './seed.ts';

interface SeedMessage {
  id: string;
  flags: string[];
  attachment?: boolean;
}

/** Folder (as path segments below the personal namespace; [] is INBOX) → messages. */
export const MATRIX_MAILBOX: ReadonlyArray<{ path: string[]; subscribed: boolean; messages: SeedMessage[] }> = [
  {
    path: [],
    subscribed: true,
    messages: [
      { id: 'inbox-1', flags: ['\\Seen'] },
      { id: 'inbox-2', flags: ['\\Flagged', '$Label1'] },
      { id: 'inbox-3', flags: ['\\Seen'], attachment: true },
      { id: 'inbox-4', flags: [] },
    ],
  },
  {
    path: ['Projects'],
    subscribed: false,
    messages: [
      { id: 'projects-1', flags: ['\\Seen'] },
      { id: 'projects-2', flags: [] },
    ],
  },
  {
    path: ['Projects', 'Alpha'],
    subscribed: true,
    messages: [
      { id: 'alpha-1', flags: ['\\Seen', '\\Flagged'] },
      { id: 'alpha-2', flags: ['$Label1'] },
      { id: 'alpha-3', flags: [] },
    ],
  },
  { path: ['Archive'], subscribed: true, messages: [{ id: 'archive-1', flags: ['\\Seen'] }] },
  {
    path: ['Archive', '2025', 'Q1'],
    subscribed: true,
    messages: [
      { id: 'q1-1', flags: ['\\Seen'], attachment: true },
      { id: 'q1-2', flags: ['\\Flagged'] },
    ],
  },
];

/** A folder's name as `server` spells it. */
export function folderName(server: AnyServer, path: readonly string[]): string {
  return path.length === 0 ? 'INBOX' : `${server.prefix}${path.join(server.delimiter)}`;
}

function raw(message: SeedMessage): string {
  const headers = [
    `Message-ID: <${message.id}@matrix.test>`,
    'From: Sender <sender@matrix.test>',
    'To: user@matrix.test',
    `Subject: ${message.id}`,
    'Date: Sat, 1 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  if (!message.attachment)
    return `${headers.join('\r\n')}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nBody of ${message.id}.\r\n`;
  const pdf = Buffer.from(`%PDF-1.4 attachment of ${message.id}\n`.repeat(40))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return (
    `${headers.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="b-${message.id}"\r\n\r\n` +
    `--b-${message.id}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n` +
    `--b-${message.id}\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${pdf}\r\n` +
    `--b-${message.id}--\r\n`
  );
}

/** Whether the selected folder can store this keyword (PERMANENTFLAGS \* or the keyword itself). */
function keeps(client: ImapFlow, flag: string): boolean {
  if (flag.startsWith('\\')) return true;
  const permanent = client.mailbox ? client.mailbox.permanentFlags : undefined;
  return permanent !== undefined && (permanent.has('\\*') || permanent.has(flag));
}

/**
 * Seeds the matrix mailbox on a source. Flags are STOREd after APPEND (mailutils drops APPEND's
 * flag list); a keyword the folder cannot keep (mailutils) is left off, and so not expected anywhere.
 * Messages without flags are appended last, after the folder was opened: on mailutils they are
 * left in maildir new/, as mail delivered since the user last looked.
 * Returns the folder → "message-id flags" rows it seeded.
 */
export async function seedMatrixMailbox(
  server: ImapTestServer | AnyServer,
  account: Account,
): Promise<Map<string, string[]>> {
  const client = plainClient(server, account);
  await client.connect();
  const seeded = new Map<string, string[]>();
  try {
    for (const { path } of MATRIX_MAILBOX) if (path.length > 0) await client.mailboxCreate(folderName(server, path));
    for (const { path, subscribed, messages } of MATRIX_MAILBOX) {
      const name = folderName(server, path);
      if (subscribed) await client.mailboxSubscribe(name);
      else await client.mailboxUnsubscribe(name);
      const rows: string[] = [];
      const [flagged, unflagged] = [
        messages.filter((m) => m.flags.length > 0),
        messages.filter((m) => m.flags.length === 0),
      ];
      for (const message of flagged) await client.append(name, raw(message), [], new Date('2026-11-01T10:00:00Z'));
      // Opened after those APPENDs: a mailutils session sees no message appended while it has the folder open.
      await client.mailboxOpen(name);
      let sequence = 0;
      for (const message of flagged) {
        sequence += 1;
        const flags = message.flags.filter((flag) => keeps(client, flag));
        if (flags.length > 0) await client.messageFlagsAdd(String(sequence), flags);
        rows.push(row(message.id, flags));
      }
      // Mail nobody has opened since: on mailutils these stay in maildir new/, with no UID of their own yet.
      for (const message of unflagged) {
        await client.append(name, raw(message), [], new Date('2026-11-01T10:00:00Z'));
        rows.push(row(message.id, []));
      }
      seeded.set(JSON.stringify(path), rows.sort());
    }
  } finally {
    await client.logout();
  }
  return seeded;
}

function row(id: string, flags: readonly string[]): string {
  return `${id} ${[...flags].sort().join(',')}`;
}

/** Every selectable folder of `server` → its "message-id flags" rows (\Seen, \Flagged, $Label1 only). */
export async function readMatrixMailbox(server: AnyServer, account: Account): Promise<Record<string, string[]>> {
  const client = plainClient(server, account);
  await client.connect();
  const found: Record<string, string[]> = {};
  try {
    for (const box of await client.list()) {
      // Not box.flags: without LIST-EXTENDED imapflow merges LSUB's \Noselect (an unsubscribed
      // parent of a subscribed child) into them; whether EXAMINE works is what the store says.
      const opened = await client.mailboxOpen(box.path, { readOnly: true }).then(
        () => true,
        () => false,
      );
      if (!opened) continue;
      const rows: string[] = [];
      for await (const m of client.fetch('1:*', { flags: true, envelope: true })) {
        const id = (m.envelope?.messageId ?? '(no Message-ID)').replace(/^<|@matrix\.test>$/g, '');
        rows.push(
          row(
            id,
            [...(m.flags ?? [])].filter((flag) => ['\\Seen', '\\Flagged', '$Label1'].includes(flag)),
          ),
        );
      }
      found[box.path] = rows.sort();
    }
  } finally {
    await client.logout();
  }
  return found;
}
