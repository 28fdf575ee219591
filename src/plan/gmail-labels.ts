// Gmail as a source (X-GM-EXT-1): a message with three labels is in three folders, and in All
// Mail; X-GM-MSGID says which rows are one message. folders.gmail chooses what the target gets:
// a copy per label folder ('folders') or one copy in the folder of the first label ('first', the
// other labels as keywords), and whether mail only in All Mail (archived) goes to an archive
// folder. Pure: the planner asks, per folder, what each selected source message becomes there.
import { systemLabelKey } from '../manifest/gmail-system-labels.ts';
import { folderLabel, isSystemLabel, labelKeyword } from './gmail-label-names.ts';
import type { GmailRules } from '../manifest/settings.ts';
import type { FolderPair } from './folder-mapping.ts';
import type { Finding } from './message-actions.ts';
import { compareText, sortedBy, sortedText } from './ordering.ts';
import type { FolderListing, FolderSnapshot, MessageSnapshot } from './snapshot.ts';
import type { GmailPlan } from './types.ts';

export interface GmailPlacement {
  /** A selected message of a source folder as that folder plans it (label keywords added), or null: its copy is made elsewhere. */
  place(folder: string, message: MessageSnapshot): MessageSnapshot | null;
  /** Per source folder, what the reviewer should know (the same X-GM-MSGID twice in one folder). */
  findings: Map<string, Finding[]>;
  /** Per source folder, why messages are not copied there (for the folder's notes). */
  notes: Map<string, string[]>;
  summary: GmailPlan;
}

export interface PlacementInput {
  rules: GmailRules;
  /** The folder pairs of the mapping; the All Mail pair (archived mail) is the one mapped by 'gmail'. */
  pairs: readonly FolderPair[];
  listings: readonly FolderListing[];
  /** The source folders read. */
  read: Readonly<Record<string, FolderSnapshot>>;
  /** The messages of a folder that the message rules select. */
  select(folder: FolderSnapshot): MessageSnapshot[];
}

interface Occurrence {
  folder: FolderListing;
  message: MessageSnapshot;
}

/**
 * Where each message of a Gmail source goes. A message is one X-GM-MSGID: with labels 'folders'
 * every label folder holding it gets its copy; with 'first' only the one whose label comes first
 * by the priority list, and its other user labels become keywords. The archive pair keeps the
 * messages of All Mail that no migrated label folder holds. A message without X-GM-MSGID is
 * planned as on any server; a second row of one X-GM-MSGID in one folder is not copied again.
 */
export function placeGmailMessages(input: PlacementInput): GmailPlacement {
  const { rules } = input;
  const decided = new Map<string, Map<number, MessageSnapshot | null>>();
  const decide = (folder: string, uid: number, message: MessageSnapshot | null) => {
    if (!decided.has(folder)) decided.set(folder, new Map());
    decided.get(folder)!.set(uid, message);
  };
  const findings = new Map<string, Finding[]>();
  const elsewhere = new Map<string, number>();
  const goesElsewhere = (folder: string, uid: number) => {
    decide(folder, uid, null);
    elsewhere.set(folder, (elsewhere.get(folder) ?? 0) + 1);
  };
  const listingOf = new Map(input.listings.map((listing) => [listing.name, listing]));
  const archive = input.pairs.find((pair) => pair.mappedBy === 'gmail');
  const labelPairs = input.pairs
    .filter((pair) => pair !== archive && input.read[pair.source] && listingOf.has(pair.source))
    .sort((a, b) => compareText(a.source, b.source));

  const occurrences = new Map<string, Occurrence[]>();
  for (const pair of labelPairs) {
    const folder = listingOf.get(pair.source)!;
    const seen = new Set<string>();
    let twice = 0;
    for (const message of sortedBy(input.select(input.read[pair.source]!), (m) => m.uid)) {
      const id = message.gmailMessageId;
      if (id === undefined) continue;
      if (seen.has(id)) {
        decide(pair.source, message.uid, null);
        twice++;
        continue;
      }
      seen.add(id);
      occurrences.set(id, [...(occurrences.get(id) ?? []), { folder, message }]);
    }
    if (twice > 0) findings.set(pair.source, [sameIdTwice(twice)]);
  }

  const summary: GmailPlan = { labels: rules.labels, allMail: rules.allMail, messages: 0, copies: 0 };
  let keywords = 0;
  for (const found of occurrences.values()) {
    summary.messages++;
    if (rules.labels === 'folders') {
      for (const { folder, message } of found) decide(folder.name, message.uid, message);
      summary.copies += found.length;
      continue;
    }
    const [chosen, ...others] = [...found].sort((a, b) =>
      compareRank(rank(a.folder, rules.priority), rank(b.folder, rules.priority)),
    );
    const labels = labelsOf(found).filter((label) => label !== folderLabel(chosen!.folder));
    const placed = withLabelKeywords(chosen!.message, labels);
    if (placed !== chosen!.message) keywords++;
    decide(chosen!.folder.name, chosen!.message.uid, placed);
    for (const { folder, message } of others) goesElsewhere(folder.name, message.uid);
    summary.copies++;
  }

  if (archive && input.read[archive.source]) {
    const seen = new Set<string>();
    let archived = 0;
    let twice = 0;
    for (const message of sortedBy(input.select(input.read[archive.source]!), (m) => m.uid)) {
      const id = message.gmailMessageId;
      if (id !== undefined && seen.has(id)) {
        twice++;
        decide(archive.source, message.uid, null);
        continue;
      }
      if (id !== undefined && occurrences.has(id)) {
        goesElsewhere(archive.source, message.uid);
        continue;
      }
      if (id !== undefined) seen.add(id);
      const placed = rules.labels === 'first' ? withLabelKeywords(message, labelsOf([{ message }])) : message;
      if (placed !== message) keywords++;
      decide(archive.source, message.uid, placed);
      archived++;
    }
    summary.messages += archived;
    summary.copies += archived;
    summary.archived = archived;
    if (twice > 0) findings.set(archive.source, [sameIdTwice(twice)]);
  }
  if (rules.labels === 'first') summary.keywords = keywords;

  const notes = new Map<string, string[]>();
  for (const [folder, count] of elsewhere) {
    const what = `${count} ${count === 1 ? 'message is' : 'messages are'} not copied here`;
    notes.set(folder, [
      archive && folder === archive.source
        ? `${what}: ${count === 1 ? 'it is' : 'they are'} in a migrated label folder too, and copied there`
        : `${what}: ${count === 1 ? 'its copy goes' : 'their copies go'} to the folder of ${count === 1 ? 'its' : 'their'} first label (folders.gmail.labels 'first')`,
    ]);
  }
  for (const [folder, found] of findings)
    notes.set(folder, [...(notes.get(folder) ?? []), ...found.map((f) => `${f.count} more: ${f.message}`)]);

  return {
    notes,
    place: (folder, message) => {
      const decision = decided.get(folder)?.get(message.uid);
      return decision === undefined ? message : decision;
    },
    findings,
    summary,
  };
}

/** Every label of a message: X-GM-LABELS of each row, and the label of each folder it was found in. */
function labelsOf(found: ReadonlyArray<{ folder?: FolderListing; message: MessageSnapshot }>): string[] {
  const labels = new Set<string>();
  for (const { folder, message } of found) {
    for (const label of message.labels ?? []) labels.add(label);
    const own = folder ? folderLabel(folder) : null;
    if (own !== null) labels.add(own);
  }
  return sortedText(labels);
}

/** The message with its user labels as keywords added to its flags (itself when there are none to add). */
function withLabelKeywords(message: MessageSnapshot, labels: readonly string[]): MessageSnapshot {
  const added = labels.filter((label) => !isSystemLabel(label)).map(labelKeyword);
  const flags = sortedText(new Set([...message.flags, ...added]));
  return flags.length === message.flags.length ? message : { ...message, flags };
}

type Rank = [group: number, index: number, name: string];

/** Listed labels first, in the list's order; then user labels alphabetically; then the other system labels. */
function rank(folder: FolderListing, priority: readonly string[]): Rank {
  const label = folderLabel(folder);
  const index = priority.findIndex(
    (entry) =>
      entry === folder.name ||
      entry === label ||
      (label !== null && isSystemLabel(label) && systemLabelKey(entry) === systemLabelKey(label)),
  );
  if (index >= 0) return [0, index, ''];
  return [label !== null && !isSystemLabel(label) ? 1 : 2, 0, folder.name];
}

function compareRank(a: Rank, b: Rank): number {
  return a[0] - b[0] || a[1] - b[1] || compareText(a[2], b[2]);
}

function sameIdTwice(count: number): Finding {
  return {
    code: 'GMAIL_DUPLICATE_ID',
    count,
    message:
      'the folder lists one X-GM-MSGID under more than one UID: they are one Gmail message, copied once (the lowest UID)',
  };
}
