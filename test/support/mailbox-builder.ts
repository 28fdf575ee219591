// Exact, hand-specified mailboxes for tests that assert exact action lists: each message is
// named, and its raw form (Message-ID <name@test>, one Received header) is derived from the name.
import { plainClient, type Account, type PlainServer } from './seed.ts';

export interface TestMessage {
  name: string;
  flags?: string[];
  /** INTERNALDATE; defaults to 2026-11-01. */
  date?: Date;
  /** Extra body bytes, to control the size. */
  padding?: number;
  /** No Message-ID header (and no Received when 'bare'). */
  withoutMessageId?: boolean | 'bare';
  /** Same name, different body: same identity unless size counts. */
  variant?: string;
}

/** Folder name as the server spells it → messages, in append (UID) order. */
export type MailboxContent = Record<string, TestMessage[]>;

/** A test message's raw RFC 5322 bytes. */
export function rawMessage(message: TestMessage): Buffer {
  const headers = [
    ...(message.withoutMessageId === 'bare'
      ? []
      : [`Received: from mx.test by imap.test; Sat, 1 Nov 2026 10:00:00 +0000 (${message.name})`]),
    ...(message.withoutMessageId ? [] : [`Message-ID: <${message.name}@test>`]),
    `From: sender@test`,
    `To: user@test`,
    `Subject: ${message.name}`,
    `Date: Sat, 1 Nov 2026 10:00:00 +0000`,
  ];
  const body = `Body of ${message.name}${message.variant ?? ''}\r\n${'x'.repeat(message.padding ?? 0)}\r\n`;
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

/** Create the folders (INBOX exists already) and append the messages, in order, with flags and dates. */
export async function fillMailbox(server: PlainServer, account: Account, content: MailboxContent): Promise<void> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const existing = new Set((await client.list()).map((box) => box.path));
    for (const [folder, messages] of Object.entries(content)) {
      if (!existing.has(folder)) await client.mailboxCreate(folder);
      for (const message of messages) {
        await client.append(
          folder,
          rawMessage(message),
          message.flags ?? [],
          message.date ?? new Date('2026-11-01T10:00:00Z'),
        );
      }
    }
  } finally {
    await client.logout();
  }
}
