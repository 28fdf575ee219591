import {
  assertNever,
  type AccountPlan,
  type Action,
  type FolderPlan,
  type GmailPlan,
  type MessageHeaders,
  type MessagesLeftOut,
  type PlanSummary,
} from '../plan/types.ts';
import { formatBytes, plural } from './sizes.ts';

/** Per-folder counts of a plan, the unit every plan view is built from. */
export interface FolderDigest {
  create: boolean;
  subscribe: boolean;
  deleteFolder: number | null;
  copies: number;
  bytes: number;
  flagUpdates: number;
  targetDeletes: number;
  sourceDeletes: number;
}

/** Count a folder's actions by kind. */
export function digestFolder(folder: FolderPlan): FolderDigest {
  const digest: FolderDigest = {
    create: false,
    subscribe: false,
    deleteFolder: null,
    copies: 0,
    bytes: 0,
    flagUpdates: 0,
    targetDeletes: 0,
    sourceDeletes: 0,
  };
  for (const action of folder.actions) countAction(digest, action);
  return digest;
}

function countAction(digest: FolderDigest, action: Action): void {
  switch (action.op) {
    case 'createFolder':
      digest.create = true;
      return;
    case 'subscribe':
      digest.subscribe = true;
      return;
    case 'deleteFolder':
      digest.deleteFolder = action.messages;
      return;
    case 'copy':
      digest.copies++;
      digest.bytes += action.size;
      return;
    case 'setFlags':
      digest.flagUpdates++;
      return;
    case 'deleteTarget':
      digest.targetDeletes++;
      return;
    case 'deleteSource':
      digest.sourceDeletes++;
      return;
    default:
      assertNever(action);
  }
}

/** The folder's changes as short phrases: "copy 605 messages (12.3 MB)", "delete 2 on target". */
export function folderChanges(digest: FolderDigest): string[] {
  const parts: string[] = [];
  if (digest.copies > 0) parts.push(`copy ${plural(digest.copies, 'message')} (${formatBytes(digest.bytes)})`);
  if (digest.flagUpdates > 0) parts.push(`update flags of ${plural(digest.flagUpdates, 'message')}`);
  if (digest.targetDeletes > 0) parts.push(`DELETE ${plural(digest.targetDeletes, 'message')} on the target`);
  if (digest.sourceDeletes > 0) parts.push(`DELETE ${plural(digest.sourceDeletes, 'message')} on the source`);
  if (digest.subscribe) parts.push('subscribe');
  return parts;
}

/** One sentence for the whole plan. */
export function summarySentence(summary: PlanSummary): string {
  return [
    `${plural(summary.foldersToCreate, 'folder')} to create`,
    `${summary.foldersToDelete} to delete`,
    `${plural(summary.messagesToCopy, 'message')} (${formatBytes(summary.bytesToCopy)}) to copy`,
    `${plural(summary.flagUpdates, 'flag update')}`,
    `${plural(summary.targetDeletes, 'target deletion')}`,
    `${plural(summary.sourceDeletes, 'source deletion')}`,
  ].join(', ');
}

/** Destructive actions in a folder, listed one by one for review (first `limit`), each with the Date, From and Subject the plan recorded. */
export function destructiveLines(folder: FolderPlan, limit: number): string[] {
  const lines: string[] = [];
  const destructive = folder.actions.filter((a) => a.op === 'deleteTarget' || a.op === 'deleteSource');
  for (const action of destructive.slice(0, limit)) {
    if (action.op === 'deleteTarget')
      lines.push(
        `- delete target UID ${action.uid}${shown(action.headers) ?? ` (identity ${action.identity.slice(0, 12)})`}`,
      );
    if (action.op === 'deleteSource')
      lines.push(
        `- delete source UID ${action.uid}${action.targetUid === null ? ' after its copy is confirmed' : ` (on the target as UID ${action.targetUid})`}${shown(action.headers) ?? ''}`,
      );
  }
  if (destructive.length > limit) lines.push(`… and ${destructive.length - limit} more`);
  return lines;
}

/** "12 outside the age window, 2 flagged \Deleted": the message rules' left-out counts in words. */
export function messagesLeftOutWords(left: MessagesLeftOut): string {
  return [
    ...(left.age ? [`${left.age} outside the age window`] : []),
    ...(left.size ? [`${left.size} outside the size window`] : []),
    ...(left.tooLarge ? [`${left.tooLarge} too large for the target (messages.targetMaxSize)`] : []),
    ...(left.deleted ? [`${left.deleted} flagged \\Deleted`] : []),
  ].join(', ');
}

/** The account's messages the rules leave out, over all its folders: the counts added up, and in how many folders. */
export function accountMessagesLeftOut(
  account: AccountPlan,
): { total: number; folders: number; counts: MessagesLeftOut } | null {
  const counts = { age: 0, size: 0, tooLarge: 0, deleted: 0 };
  let folders = 0;
  for (const folder of account.folders) {
    if (!folder.messagesLeftOut) continue;
    folders++;
    for (const key of ['age', 'size', 'tooLarge', 'deleted'] as const) counts[key] += folder.messagesLeftOut[key] ?? 0;
  }
  const total = counts.age + counts.size + counts.deleted;
  return total > 0 ? { total, folders, counts } : null;
}

/** The folders the account leaves out, with their rules, at most `limit` named. */
export function foldersLeftOutWords(account: AccountPlan, limit: number): string | null {
  const left = account.foldersLeftOut ?? [];
  if (left.length === 0) return null;
  const named = left.slice(0, limit).map((folder) => `${folder.folder} (${folder.reason})`);
  const more = left.length > limit ? `, and ${left.length - limit} more` : '';
  return `${plural(left.length, 'folder')} not migrated: ${named.join(', ')}${more}`;
}

/**
 * The Gmail label policy of an account and what it makes of the messages: "labels 'folders' (a
 * copy in each label's folder), allMail 'unlabelled': 4 messages become 7 copies, 1 of them archived".
 */
export function gmailWords(gmail: GmailPlan): string {
  const policy =
    gmail.labels === 'folders'
      ? "labels 'folders' (a copy in each label's folder)"
      : `labels 'first' (one copy, in the folder of its first label${gmail.keywords ? `; ${plural(gmail.keywords, 'message')} with the other labels as keywords` : ''})`;
  const archive =
    gmail.allMail === 'skip'
      ? "allMail 'skip' (mail only in All Mail is not migrated)"
      : `allMail 'unlabelled' (${plural(gmail.archived ?? 0, 'message')} only in All Mail, into the archive folder)`;
  const become =
    gmail.copies === gmail.messages
      ? `${plural(gmail.messages, 'message')}, one copy each`
      : `${plural(gmail.messages, 'message')} become ${plural(gmail.copies, 'copy', 'copies')} on the target`;
  return `${policy}, ${archive}: ${become}`;
}

/** ': "Subject" from Sender, Date' for a deletion whose headers the plan recorded (plans made before it have none). */
function shown(headers: MessageHeaders | undefined): string | null {
  if (headers === undefined) return null;
  const subject = headers.subject === null || headers.subject === '' ? '(no subject)' : `"${headers.subject}"`;
  const from = headers.from === null || headers.from === '' ? '(no sender)' : headers.from;
  return `: ${subject} from ${from}${headers.date ? `, ${headers.date}` : ''}`;
}
