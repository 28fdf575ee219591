import { buildMessage, type MessageShape } from './mail-message.ts';
import { Random } from './random.ts';

export interface GeneratedMessage {
  folder: string[];
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

export interface MailboxSpec {
  seed: number;
  messages: number;
  /** The delimiter of the server we are NOT seeding: one folder name contains it. */
  otherDelimiter: '/' | '.';
  largeAttachments?: boolean;
}

export interface GeneratedFolder {
  path: string[];
  specialUse?: '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive';
}

interface FolderPlan extends GeneratedFolder {
  /** Share of the messages that land here; 0 keeps the folder empty. */
  weight: number;
}

function folderPlan(spec: MailboxSpec): FolderPlan[] {
  return [
    { path: ['INBOX'], weight: 34 },
    { path: ['Sent'], specialUse: '\\Sent', weight: 12 },
    { path: ['Drafts'], specialUse: '\\Drafts', weight: 2 },
    { path: ['Trash'], specialUse: '\\Trash', weight: 5 },
    { path: ['Junk'], specialUse: '\\Junk', weight: 4 },
    { path: ['Archive'], specialUse: '\\Archive', weight: 11 },
    { path: ['Projects'], weight: 3 },
    { path: ['Projects', '2024'], weight: 4 },
    { path: ['Projects', '2024', 'Q1'], weight: 5 },
    { path: ['Entwürfe'], weight: 2 },
    // Looks like a localised Sent folder but is an ordinary one: automapping must not touch it.
    { path: ['Éléments envoyés'], weight: 3 },
    { path: ['Проекты'], weight: 4 },
    { path: [spec.otherDelimiter === '.' ? 'Lists.Dev' : 'Reports/2024'], weight: 9 },
    { path: ['Empty'], weight: 0 },
  ];
}

/** The folders of a generated mailbox, parents before children. */
export function generateFolders(spec: MailboxSpec): GeneratedFolder[] {
  return folderPlan(spec).map(({ path, specialUse }) =>
    specialUse ? { path: [...path], specialUse } : { path: [...path] },
  );
}

const BASE_DATE = Date.UTC(2024, 2, 15, 9, 0, 0);
const SPAN_SECONDS = 2 * 365 * 24 * 3600;

/** Periods of the rare features: every mailbox of 60+ messages has each at least once. */
const EVERY = {
  noMessageId: 23,
  bare: 53, // neither Message-ID nor Received
  duplicate: 29,
  eightBitSubject: 31,
  large: 33,
  deleted: 41,
  forwarded: 19,
  customKeyword: 27,
} as const;

type Feature = keyof typeof EVERY;

/** Lazily yields the messages of a mailbox: same spec, byte-identical output, one at a time. */
export function* generateMessages(spec: MailboxSpec): Generator<GeneratedMessage> {
  const random = new Random(spec.seed);
  const plan = folderPlan(spec);
  const filled = plan.filter((folder) => folder.weight > 0);
  const weights = plan.map((folder) => folder.weight);
  // Seed-dependent phases so different seeds put the rare features on different messages.
  const phase = Object.fromEntries(
    Object.entries(EVERY).map(([feature, period]) => [feature, random.int(0, period - 1)]),
  ) as Record<Feature, number>;
  const has = (feature: Feature, index: number): boolean => index % EVERY[feature] === phase[feature];
  const hugeAt = new Set(spec.largeAttachments ? hugePositions(spec.messages) : []);
  const step = Math.max(2, Math.floor(SPAN_SECONDS / Math.max(1, spec.messages)));
  const dateOf = (index: number): Date =>
    new Date(BASE_DATE - (spec.messages - index) * step * 1000 + random.int(0, Math.floor(step / 2)) * 1000);

  // `index` numbers distinct messages (features hang off it); `ordinal` counts what is yielded.
  for (let index = 0, ordinal = 0; ordinal < spec.messages; index++, ordinal++) {
    // The first messages visit every non-empty folder once; then the weights decide.
    const folder = index < filled.length ? filled[index]! : plan[random.weighted(weights)]!;
    const direction =
      folder.specialUse === '\\Sent' ? 'outgoing' : folder.specialUse === '\\Drafts' ? 'draft' : 'incoming';
    const bare = has('bare', index);
    const shape: MessageShape = {
      index,
      direction,
      messageId: !bare && !has('noMessageId', index),
      received: !bare && direction === 'incoming',
      eightBitSubject: has('eightBitSubject', index),
      size: hugeAt.has(index) ? 'huge' : has('large', index) ? 'large' : 'normal',
      ...(folder.path[0]?.includes('Lists') ? { listId: 'dev.lists.example.org' } : {}),
      internalDate: dateOf(ordinal),
    };
    const message: GeneratedMessage = {
      folder: [...folder.path],
      raw: buildMessage(random, shape),
      flags: flagsFor(random, folder, index, has),
      internalDate: shape.internalDate,
    };
    yield message;
    if (has('duplicate', index) && ordinal + 1 < spec.messages) {
      ordinal += 1;
      // An exact copy (same bytes, same folder) as left behind by a crashed copy tool.
      yield { ...message, folder: [...message.folder], flags: [...message.flags], internalDate: dateOf(ordinal) };
    }
  }
}

function hugePositions(messages: number): number[] {
  const count = 2 + Math.floor(messages / 500);
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * messages) / count));
}

function flagsFor(
  random: Random,
  folder: FolderPlan,
  index: number,
  has: (feature: Feature, index: number) => boolean,
): string[] {
  const flags: string[] = [];
  const draft = folder.specialUse === '\\Drafts';
  const junk = folder.specialUse === '\\Junk';
  if (draft || folder.specialUse === '\\Sent' || random.chance(junk ? 0.3 : 0.72)) flags.push('\\Seen');
  if (!draft && folder.specialUse !== '\\Sent' && random.chance(0.1)) flags.push('\\Answered');
  if (random.chance(0.06)) flags.push('\\Flagged');
  if (draft) flags.push('\\Draft');
  if (has('deleted', index)) flags.push('\\Deleted');
  if (has('forwarded', index) || random.chance(0.03)) flags.push('$Forwarded');
  if (junk) flags.push('$Junk');
  else if (folder.path[0] === 'INBOX' && random.chance(0.05)) flags.push('$NotJunk');
  if (folder.path[0] === 'Projects' || has('customKeyword', index)) flags.push('Project-X');
  return flags;
}
