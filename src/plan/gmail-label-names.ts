// Gmail's folders and labels by name: which server is Gmail, which folder is All Mail, the label
// a folder shows, and the keyword a label becomes on a target that has no labels.
import type { FolderListing, ServerSnapshot } from './snapshot.ts';
import { isInbox } from './folder-paths.ts';

/** Whether the server offers Gmail's IMAP extensions (its snapshot then carries X-GM-MSGID and X-GM-LABELS). */
export function isGmail(server: ServerSnapshot): boolean {
  return server.capabilities.some((capability) => capability.toUpperCase() === 'X-GM-EXT-1');
}

/** The folder that holds every message of a Gmail account: the one marked \All (RFC 6154). */
export function allMailOf(folders: readonly FolderListing[]): FolderListing | undefined {
  return folders.find((folder) => folder.specialUse === '\\All' && folder.selectable);
}

// Gmail's system labels as X-GM-LABELS writes them, by the special use of their folders.
const SYSTEM_LABEL_OF_USE: Partial<Record<NonNullable<FolderListing['specialUse']>, string>> = {
  '\\Sent': '\\Sent',
  '\\Drafts': '\\Draft',
  '\\Flagged': '\\Starred',
  '\\Junk': '\\Spam',
  '\\Trash': '\\Trash',
};
/**
 * The label a folder shows: '\Inbox' for INBOX, Gmail's system label for a special folder (a folder
 * below "[Gmail]/" or "[Google Mail]/" without one, like Important, is "\" and its last name),
 * the folder's own name for a user label; null for All Mail, which is no label.
 */
export function folderLabel(folder: FolderListing): string | null {
  if (isInbox(folder.name)) return '\\Inbox';
  if (folder.specialUse === '\\All') return null;
  const system = folder.specialUse ? SYSTEM_LABEL_OF_USE[folder.specialUse] : undefined;
  if (system) return system;
  const root = /^\[(Gmail|Google Mail)\]$/;
  const segments = folder.delimiter ? folder.name.split(folder.delimiter) : [folder.name];
  if (segments.length > 1 && root.test(segments[0]!)) return `\\${segments[segments.length - 1]}`;
  return folder.name;
}

export function isSystemLabel(label: string): boolean {
  return label.startsWith('\\');
}

/**
 * The keyword a user label becomes: IMAP keywords are atoms, so a space or an atom-special becomes
 * '_' and a name beyond ASCII is written in modified UTF-7, as Thunderbird names its tags
 * ("Muy Importante" → "Muy_Importante", "Été" → "&AMk-t&AOk-").
 */
export function labelKeyword(label: string): string {
  return encodeModifiedUtf7(label).replace(/[\x00-\x20(){%*"\\\]\x7f]/g, '_');
}

function encodeModifiedUtf7(text: string): string {
  return text.replace(/&|[^\x20-\x7e]+/g, (run) => {
    if (run === '&') return '&-';
    const units = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) units.writeUInt16BE(run.charCodeAt(i), i * 2);
    return `&${units.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}
