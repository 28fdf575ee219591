// A Gmail source for planner and renderer tests: four messages, their labels as folders and in
// All Mail, and the folder rules of ms.folders.gmailSource.
import type { GmailRules } from '../../src/manifest/settings.ts';
import type { MessageSnapshot } from '../../src/plan/snapshot.ts';
import { folderRules, message, planCase, type FolderSpec, type SideSpec } from './snapshots.ts';

/** A Gmail row: identity and X-GM-MSGID from the message's id, labels as X-GM-LABELS gave them. */
export function g(uid: number, id: string, labels: string[], extra: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return message(uid, { identity: `m-${id}`, gmailMessageId: id, labels, ...extra });
}

// Message 1: INBOX, Work, Muy Importante. 2: archived (All Mail only). 3: sent, labelled Été.
// 4: Work only. UIDs differ per folder, as on Gmail.
export const A_LABELS = ['\\Important', '\\Inbox', 'Muy Importante', 'Work'];
export function gmailFolders(extra: Record<string, FolderSpec> = {}): Record<string, FolderSpec> {
  return {
    INBOX: { messages: [g(10, '1', A_LABELS)] },
    '[Gmail]': { selectable: false },
    '[Gmail]/All Mail': {
      specialUse: '\\All',
      messages: [g(1, '1', A_LABELS), g(2, '2', []), g(3, '3', ['\\Sent', 'Été']), g(4, '4', ['Work'])],
    },
    '[Gmail]/Sent Mail': { specialUse: '\\Sent', messages: [g(30, '3', ['\\Sent', 'Été'])] },
    '[Gmail]/Important': { messages: [g(50, '1', A_LABELS)] },
    Work: { messages: [g(20, '1', A_LABELS), g(21, '4', ['Work'])] },
    'Muy Importante': { messages: [g(40, '1', A_LABELS)] },
    Été: { messages: [g(60, '3', ['\\Sent', 'Été'])] },
    ...extra,
  };
}

export const GMAIL_SERVER = { capabilities: ['IMAP4rev1', 'X-GM-EXT-1'] };
export const DEFAULT_GMAIL = folderRules().gmail;
export const PRESET = {
  exclude: ['^\\[Gmail\\]$', '^\\[Gmail\\]/Important$', '^\\[Gmail\\]/Starred$'],
  rename: [{ match: '^\\[Gmail\\]/', replace: '' }],
  automap: true,
};

export function gmailCase(
  gmail: Partial<GmailRules> = {},
  options: { source?: Record<string, FolderSpec>; target?: SideSpec['folders']; deleteTarget?: boolean } = {},
) {
  return planCase({
    source: { layout: 'slash', server: GMAIL_SERVER, folders: options.source ?? gmailFolders() },
    target: { layout: 'slash', folders: options.target ?? ['INBOX', 'Sent'] },
    folders: { ...PRESET, gmail: { ...DEFAULT_GMAIL, ...gmail } },
    phase: { deleteTarget: options.deleteTarget ?? false, deleteTargetFolders: false },
  });
}
