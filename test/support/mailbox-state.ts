// What a mailbox holds, read straight from the server for assertions: per folder, every
// message's identity, flags, INTERNALDATE and body SHA-256.
import { createHash } from 'node:crypto';
import { plainClient, type Account, type PlainServer } from './seed.ts';

export interface StoredMessage {
  uid: number;
  messageId: string | null;
  flags: string[];
  internalDate: string;
  sha256: string;
}

/** Every selectable folder's messages (BODY.PEEK[], nothing is changed). */
export async function mailboxState(server: PlainServer, account: Account): Promise<Record<string, StoredMessage[]>> {
  const client = plainClient(server, account);
  await client.connect();
  const state: Record<string, StoredMessage[]> = {};
  try {
    for (const box of await client.list()) {
      if (box.flags.has('\\Noselect') || box.flags.has('\\NonExistent')) continue;
      await client.mailboxOpen(box.path, { readOnly: true });
      const messages: StoredMessage[] = [];
      for await (const m of client.fetch(
        '1:*',
        { uid: true, flags: true, internalDate: true, source: true, envelope: true },
        { uid: true },
      )) {
        messages.push({
          uid: m.uid,
          messageId: m.envelope?.messageId ?? null,
          flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
          internalDate: new Date(m.internalDate as Date).toISOString(),
          sha256: createHash('sha256')
            .update(m.source as Buffer)
            .digest('hex'),
        });
      }
      state[box.path] = messages;
    }
  } finally {
    await client.logout();
  }
  return state;
}

/** The messages as comparable strings, whatever folder and UID they have: "sha flags date". */
export function contentMultiset(state: Record<string, StoredMessage[]>, folders?: (name: string) => boolean): string[] {
  return Object.entries(state)
    .filter(([name]) => !folders || folders(name))
    .flatMap(([, messages]) => messages.map((m) => `${m.sha256} ${m.flags.join(',')} ${m.internalDate}`))
    .sort();
}
