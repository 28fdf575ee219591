// Which messages are in scope: the age and size windows (both sides, as imapsync does: a target
// message outside the window is out of scope, never deleted) and skipDeleted on the source.
import type { MessageRules } from '../manifest/settings.ts';
import type { FetchWindow, MessageSnapshot } from './snapshot.ts';
import type { MessagesLeftOut } from './types.ts';

const DAY = 24 * 60 * 60 * 1000;

/** YYYY-MM-DD of a time, in UTC. */
function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Midnight UTC at the start of the day a time falls on. */
function dayStart(time: number): number {
  return Math.floor(time / DAY) * DAY;
}

/**
 * The server-side pre-selection for the age window: whole UTC days, a superset of the exact
 * window. SEARCH SINCE/BEFORE compare dates in the server's own time zone, so each bound is
 * widened by one more day to stay a superset whatever zone the server uses. Null without an age window.
 */
export function fetchWindow(rules: MessageRules, now: Date): FetchWindow | null {
  if (rules.maxAgeDays === null && rules.minAgeDays === null) return null;
  const oldest = rules.maxAgeDays === null ? null : now.getTime() - rules.maxAgeDays * DAY;
  const newest = rules.minAgeDays === null ? null : now.getTime() - rules.minAgeDays * DAY;
  return {
    // SINCE d: on or after day d.
    since: oldest === null ? null : utcDate(dayStart(oldest) - DAY),
    // BEFORE d: strictly before day d, so the day after the newest one, plus the zone margin.
    before: newest === null ? null : utcDate(dayStart(newest) + 2 * DAY),
  };
}

/** Whether a message is inside the exact age window (INTERNALDATE vs now) and size window, bounds inclusive. */
export function inWindow(message: MessageSnapshot, rules: MessageRules, now: Date): boolean {
  return outsideWindow(message, rules, now) === null;
}

/** Which window a message is outside of (the target's limit, then size, then age), or null when it is inside all. */
function outsideWindow(message: MessageSnapshot, rules: MessageRules, now: Date): 'tooLarge' | 'size' | 'age' | null {
  if (rules.targetMaxSize != null && message.size > rules.targetMaxSize) return 'tooLarge';
  if (rules.maxSize !== null && message.size > rules.maxSize) return 'size';
  if (rules.minSize !== null && message.size < rules.minSize) return 'size';
  if (rules.maxAgeDays === null && rules.minAgeDays === null) return null;
  const age = now.getTime() - Date.parse(message.internalDate);
  if (Number.isNaN(age)) return 'age';
  if (rules.maxAgeDays !== null && age > rules.maxAgeDays * DAY) return 'age';
  if (rules.minAgeDays !== null && age < rules.minAgeDays * DAY) return 'age';
  return null;
}

/**
 * A folder's source messages split by the rules, in one pass: those to migrate (in the windows,
 * not \Deleted with skipDeleted) and how many each rule leaves out. `read` are the messages the
 * snapshot holds, `inFolder` how many the folder has (more than read when an age window
 * pre-selected). `leftOut` is null when nothing is left out.
 */
export function selectSource(
  read: readonly MessageSnapshot[],
  inFolder: number,
  rules: MessageRules,
  now: Date,
): { selected: MessageSnapshot[]; leftOut: MessagesLeftOut | null } {
  // Without an age window every message is read: a shortfall is mail expunged while reading.
  const windowed = rules.maxAgeDays !== null || rules.minAgeDays !== null;
  const counts = { age: windowed ? Math.max(0, inFolder - read.length) : 0, size: 0, tooLarge: 0, deleted: 0 };
  const selected: MessageSnapshot[] = [];
  for (const message of read) {
    const outside = outsideWindow(message, rules, now);
    if (outside !== null) counts[outside]++;
    else if (rules.skipDeleted && isFlaggedDeleted(message)) counts.deleted++;
    else selected.push(message);
  }
  const present = Object.entries(counts).filter(([, count]) => count > 0);
  return { selected, leftOut: present.length > 0 ? Object.fromEntries(present) : null };
}

/** Whether a message carries \Deleted (flags compare case-insensitively). */
export function isFlaggedDeleted(message: MessageSnapshot): boolean {
  return message.flags.some((flag) => flag.toLowerCase() === '\\deleted');
}

/** The source messages to migrate: in the windows, and not flagged \Deleted when skipDeleted. */
export function selectSourceMessages(
  messages: readonly MessageSnapshot[],
  rules: MessageRules,
  now: Date,
): MessageSnapshot[] {
  return selectSource(messages, messages.length, rules, now).selected;
}

/**
 * The target messages in scope: in the windows, and not flagged \Deleted. A target message
 * flagged \Deleted is on its way out (any expunge removes it), so it neither counts as a copy
 * nor is deleted again.
 */
export function selectTargetMessages(
  messages: readonly MessageSnapshot[],
  rules: MessageRules,
  now: Date,
): MessageSnapshot[] {
  return messages.filter((message) => inWindow(message, rules, now) && !isFlaggedDeleted(message));
}
