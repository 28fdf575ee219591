// Date, From and Subject of the messages a plan deletes, so a reviewer can judge each deletion.
// The planner decides what is deleted from snapshots that hold no such headers (reading them for
// every message would slow the plan of a large mailbox); the engine asks the IMAP layer for these
// three headers of just the deleted UIDs, then attaches them here. Header text comes from whoever
// sent the mail: it is decoded, put on one line, stripped of anything a terminal or a markdown
// view would act on, and capped, before it goes into the plan file and every view. Pure.
import libmime from 'libmime';
import type { FolderPlan, MessageHeaders } from './types.ts';

/** The longest value kept, in characters (code points), "…" included. */
export const HEADER_LIMITS: Readonly<Record<keyof MessageHeaders, number>> = { date: 64, from: 160, subject: 200 };

/** The header fields a deleted message is shown by, as UID FETCH asks for them. */
export const SHOWN_FIELDS = ['DATE', 'FROM', 'SUBJECT'] as const;

// C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text (bidi
// overrides and isolates, zero-width marks): a Subject must not move the cursor, recolour the
// terminal or make "exe.txt" read "txt.exe".
const UNSAFE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029\u0085]+/g;

/** A header value made safe to print: on one line, no control or reordering characters, at most `limit` characters. */
export function printableValue(value: string, limit: number): string {
  const line = value.replace(LINE_BREAKS, ' ').replace(UNSAFE, '').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= limit
    ? line
    : `${chars
        .slice(0, limit - 1)
        .join('')
        .trimEnd()}…`;
}

/** Whether a value is one printableValue could have made: what the plan check accepts. */
export function isPrintableValue(value: string, limit: number): boolean {
  return printableValue(value, limit) === value;
}

/** The shown headers of one message from its raw `HEADER.FIELDS (DATE FROM SUBJECT)` block (the first of each field). */
export function parseShownHeaders(raw: Buffer): MessageHeaders {
  // RFC 6532 allows raw UTF-8 in headers; any other 8-bit bytes become U+FFFD rather than guesses.
  const text = raw.toString('utf8');
  const found: Partial<Record<keyof MessageHeaders, string>> = {};
  for (const line of text.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if ((name === 'date' || name === 'from' || name === 'subject') && found[name] === undefined)
      found[name] = line.slice(colon + 1);
  }
  const shown = (name: keyof MessageHeaders) => {
    const value = found[name];
    return value === undefined ? null : printableValue(decodeWords(value), HEADER_LIMITS[name]);
  };
  return { date: shown('date'), from: shown('from'), subject: shown('subject') };
}

/** RFC 2047 encoded words decoded (libmime: every charset iconv-lite knows); a value it cannot decode stays as written. */
function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** The UIDs a folder's actions delete, per side: target UIDs of deleteTarget, source UIDs of deleteSource. */
export function deletedUids(folder: FolderPlan): { source: number[]; target: number[] } {
  const uids = { source: [] as number[], target: [] as number[] };
  for (const action of folder.actions) {
    if (action.op === 'deleteTarget') uids.target.push(action.uid);
    else if (action.op === 'deleteSource') uids.source.push(action.uid);
  }
  return uids;
}

/** The folder with each deletion given its message's headers, where they were read (a message expunged meanwhile has none). */
export function withDeletedHeaders(
  folder: FolderPlan,
  read: { source: ReadonlyMap<number, MessageHeaders>; target: ReadonlyMap<number, MessageHeaders> },
): FolderPlan {
  const actions = folder.actions.map((action) => {
    const side = action.op === 'deleteTarget' ? read.target : action.op === 'deleteSource' ? read.source : null;
    const headers = side?.get((action as { uid: number }).uid);
    return headers === undefined ? action : { ...action, headers };
  });
  return { ...folder, actions };
}
