// `mailshift verify`'s comparison: both sides of one account, after mapping, as plain data in and
// a list of differences out. Pure, and built from the planner's own pieces (folder mapping,
// selection, identity matching, flag rules), so "verify says equal" means "a fresh plan has
// nothing left to do", and every difference is one the phase's apply would act on.
//
// What is compared, per folder pair of the phase's mapping:
// - the target folder exists (a missing one is a difference, unless skipEmpty leaves it out);
// - the messages in scope on each side (include/exclude, age and size windows on both sides,
//   skipDeleted on the source, target messages flagged \Deleted out of scope), matched as the
//   planner matches them: a multiset of identities, a message without Message-ID also by the
//   Message-ID addMessageId gives its copy. Source messages without a match are missing; target
//   messages without one are extra (an identity the source does not have) or duplicates (more
//   copies than the source has). Extras and duplicates are differences with deleteTarget only:
//   otherwise the phase keeps them, and they are reported as kept;
// - flags of matched messages with syncFlags (\Recent and \Deleted never count, nor keywords the
//   target folder cannot store: the rules of flags.ts);
// - with content hashes: the SHA-256 of every matched pair's bodies.
// A phase with deleteSource is verified on what is left: source messages it already moved are
// not expected anywhere, the ones still there must be on the target. With deleteTargetFolders,
// target folders the phase would delete are differences too.
import type { MessageRules, SliceSettings } from '../manifest/settings.ts';
import type { FolderMappingResult, FolderPair } from './folder-mapping.ts';
import { carriedFlags, flagAcceptor, flagChange, permanentFlagsOf } from './flags.ts';
import { matchKey } from './identity.ts';
import { matchMessages, type MessageMatch, type MessagePair } from './message-matching.ts';
import { sortedText } from './ordering.ts';
import { selectSourceMessages, selectTargetMessages } from './message-window.ts';
import type { AccountSnapshot, FolderSnapshot, MessageSnapshot, UidMaps } from './snapshot.ts';
import { planTargetFolderDeletions } from './target-folder-deletion.ts';
import { assertNever, type MappedBy } from './types.ts';
import { usableUidPairs } from './uid-map.ts';
import { isGmail } from './gmail-label-names.ts';
import { placeGmailMessages } from './gmail-labels.ts';

/** A matched pair whose flags differ: what only the source has, what only the target has. */
export interface FlagDifference {
  sourceUid: number;
  targetUid: number;
  sourceOnly: string[];
  targetOnly: string[];
}

/** A matched pair whose bodies differ; a null hash: the message could not be read (expunged meanwhile). */
export interface ContentDifference {
  sourceUid: number;
  targetUid: number;
  source: string | null;
  target: string | null;
  /** The target's body is the source's with 8-bit header bytes turned into `X` (Cyrus' munge8bit). */
  likelyCause?: 'munge8bit';
}

/** One way the two sides of a folder differ. Every switch over `kind` is exhaustive. */
export type Difference =
  | { kind: 'missingFolder'; messages: number }
  | { kind: 'extraFolder'; messages: number }
  | { kind: 'missing'; uids: number[] }
  | { kind: 'extra'; uids: number[] }
  | { kind: 'duplicate'; uids: number[] }
  | { kind: 'flags'; messages: FlagDifference[] }
  | { kind: 'content'; messages: ContentDifference[] };

export type DifferenceKind = Difference['kind'];

/** The comparison of one folder pair (or of a target-only folder the phase would delete). */
export interface FolderVerification {
  source: string | null;
  target: string;
  mappedBy: MappedBy;
  /** Messages in scope on each side; target null when there is no target folder to count. */
  messages: { source: number; target: number | null };
  differences: Difference[];
  /** Extras and duplicates on the target that the phase keeps (no deleteTarget): not differences. */
  kept: Array<Extract<Difference, { kind: 'extra' | 'duplicate' }>>;
  notes: string[];
}

/** Body SHA-256 by UID, per folder name, of each side (source folders by source name, target by target name). */
export interface BodyHashes {
  source: Readonly<Record<string, ReadonlyMap<number, string>>>;
  target: Readonly<Record<string, ReadonlyMap<number, string>>>;
  /** Source hashes with 8-bit header bytes as `X`, for the messages that have such bytes. */
  sourceMunged?: Readonly<Record<string, ReadonlyMap<number, string>>>;
}

export interface VerifyAccountInput {
  slice: SliceSettings;
  snapshot: AccountSnapshot;
  /** mapFolders of the same listing. */
  mapping: FolderMappingResult;
  now: Date;
  /** With --content; null compares no bodies. */
  bodies: BodyHashes | null;
  /** The state's UID maps, used as the planner uses them (identity 'uid'). */
  uidMaps: UidMaps;
}

/** The messages in scope on each side of a folder pair, and how they pair up. */
export interface FolderScope {
  source: MessageSnapshot[];
  target: MessageSnapshot[];
  match: MessageMatch;
}

/**
 * Select and match one folder pair's messages exactly as the planner does (target undefined: no
 * target folder), including identity 'uid' through the pair's UID map while it still fits.
 */
export function folderScope(
  pair: FolderPair,
  source: FolderSnapshot,
  target: FolderSnapshot | undefined,
  rules: MessageRules,
  now: Date,
  uidMaps: UidMaps,
  place?: (message: MessageSnapshot) => MessageSnapshot | null,
): FolderScope {
  const inRules = selectSourceMessages(source.messages, rules, now);
  const selected = {
    source: place ? inRules.flatMap((message) => place(message) ?? []) : inRules,
    target: target ? selectTargetMessages(target.messages, rules, now) : [],
  };
  const uidPairs =
    rules.identity === 'uid' ? usableUidPairs(uidMaps[pair.source], pair.target, source, target).pairs : [];
  return { ...selected, match: matchMessages(selected.source, selected.target, { useSize: rules.useSize, uidPairs }) };
}

/** What --content hashes on one side: the matched messages, and which of them to hash without their Message-ID. */
export interface BodyRequest {
  uids: number[];
  withoutMessageId: number[];
}

/**
 * The bodies to hash for a folder pair: matched messages only (a missing or extra message has
 * nothing to compare with). A copy that got its Message-ID from addMessageId differs from its
 * source by that header alone, so both are hashed without Message-ID fields.
 */
export function bodiesToHash(scope: FolderScope): { source: BodyRequest; target: BodyRequest } {
  const added = scope.match.matched.filter(gotAddedMessageId);
  return {
    source: {
      uids: scope.match.matched.map((pair) => pair.source.uid),
      withoutMessageId: added.map((pair) => pair.source.uid),
    },
    target: {
      uids: scope.match.matched.map((pair) => pair.target.uid),
      withoutMessageId: added.map((pair) => pair.target.uid),
    },
  };
}

function gotAddedMessageId(pair: MessagePair): boolean {
  return (
    !pair.source.hasMessageId &&
    pair.source.addedMessageId !== undefined &&
    pair.target.identity === pair.source.addedMessageId.identity
  );
}

/** Every folder pair of the account compared (by source name), then the target folders deleteTargetFolders would remove. */
export function verifyAccount(input: VerifyAccountInput): FolderVerification[] {
  // A Gmail source is verified against what its label policy puts in each folder, as planned.
  const gmail = isGmail(input.snapshot.source.server)
    ? placeGmailMessages({
        rules: input.slice.folders.gmail,
        pairs: input.mapping.pairs,
        listings: input.snapshot.source.folders,
        read: input.snapshot.sourceFolders,
        select: (folder) => selectSourceMessages(folder.messages, input.slice.messages, input.now),
      })
    : null;
  const folders = input.mapping.pairs.map((pair) =>
    verifyFolder(pair, input, gmail ? (message) => gmail.place(pair.source, message) : undefined),
  );
  const extraFolders = planTargetFolderDeletions({
    targetOnly: input.mapping.targetOnly,
    targetFolders: input.snapshot.target.folders,
    targetServer: input.snapshot.target.server,
    created: input.mapping.pairs.filter((pair) => !pair.targetExists).map((pair) => pair.target),
    rule: input.slice.phase.deleteTargetFolders,
    subfolder: input.slice.folders.subfolder,
    read: input.snapshot.targetFolders,
    // Verify reports what differs; whether a deletion may happen is the plan's question.
    cutover: null,
  }).folders.map((plan): FolderVerification => {
    const messages = plan.targetState?.messages ?? 0;
    return {
      source: null,
      target: plan.target,
      mappedBy: 'target-only',
      messages: { source: 0, target: messages },
      differences: [{ kind: 'extraFolder', messages }],
      kept: [],
      notes: [],
    };
  });
  return [...folders, ...extraFolders];
}

function verifyFolder(
  pair: FolderPair,
  input: VerifyAccountInput,
  place?: (message: MessageSnapshot) => MessageSnapshot | null,
): FolderVerification {
  const { slice, snapshot, now } = input;
  const source = snapshot.sourceFolders[pair.source];
  const target = pair.targetExists ? snapshot.targetFolders[pair.target] : undefined;
  const inRules = source ? selectSourceMessages(source.messages, slice.messages, now) : [];
  const selected = place ? inRules.flatMap((message) => place(message) ?? []) : inRules;
  const result: FolderVerification = {
    source: pair.source,
    target: pair.target,
    mappedBy: pair.mappedBy,
    messages: { source: selected.length, target: null },
    differences: [],
    kept: [],
    notes: [...pair.notes],
  };
  if (!pair.targetExists) {
    // skipEmpty: the plan does not create a folder with nothing to copy (unread: its STATUS count says), so its absence is right.
    const empty = source
      ? selected.length === 0
      : snapshot.source.folders.find((folder) => folder.name === pair.source)?.state?.messages === 0;
    if (!(slice.folders.skipEmpty && empty))
      result.differences.push({ kind: 'missingFolder', messages: selected.length });
    return result;
  }
  if (slice.phase.justFolders || !source || !target) {
    result.notes.push(
      slice.phase.justFolders
        ? 'justFolders: only the folder is verified, not its messages'
        : 'the messages were not read, so only the folder is verified',
    );
    return result;
  }
  const scope = folderScope(pair, source, target, slice.messages, now, input.uidMaps, place);
  result.messages.target = scope.target.length;
  const missing = scope.match.sourceOnly.map((message) => message.uid);
  if (missing.length > 0) result.differences.push({ kind: 'missing', uids: missing });
  (slice.phase.deleteTarget ? result.differences : result.kept).push(...targetDifferences(scope, slice.messages));
  if (slice.messages.syncFlags)
    result.differences.push(...flagDifferences(scope.match.matched, permanentFlagsOf(target, snapshot.target.server)));
  if (input.bodies)
    result.differences.push(
      ...contentDifferences(
        scope.match.matched,
        input.bodies.source[pair.source],
        input.bodies.target[pair.target],
        input.bodies.sourceMunged?.[pair.source],
      ),
    );
  return result;
}

/** Unmatched target messages: duplicates when the source has their identity (fewer times), extras otherwise. */
function targetDifferences(
  scope: FolderScope,
  rules: MessageRules,
): Array<Extract<Difference, { kind: 'extra' | 'duplicate' }>> {
  const onSource = new Set(
    scope.source.flatMap((message) => [
      matchKey(message.identity, message.size, rules.useSize),
      ...(!message.hasMessageId && message.addedMessageId ? [message.addedMessageId.identity] : []),
    ]),
  );
  const duplicates: number[] = [];
  const extras: number[] = [];
  for (const message of scope.match.targetOnly) {
    const known =
      onSource.has(matchKey(message.identity, message.size, rules.useSize)) || onSource.has(message.identity);
    (known ? duplicates : extras).push(message.uid);
  }
  return [
    ...(extras.length > 0 ? [{ kind: 'extra' as const, uids: extras }] : []),
    ...(duplicates.length > 0 ? [{ kind: 'duplicate' as const, uids: duplicates }] : []),
  ];
}

/** Matched messages whose flags a flag sync would change (flags.ts decides what counts). */
function flagDifferences(matched: readonly MessagePair[], permanentFlags: readonly string[] | null): Difference[] {
  const accepts = flagAcceptor(permanentFlags);
  const messages: FlagDifference[] = [];
  for (const { source, target } of matched) {
    const change = flagChange(source.flags, carriedFlags(source.flags, accepts).flags, target.flags);
    if (change.add.length + change.remove.length === 0) continue;
    messages.push({
      sourceUid: source.uid,
      targetUid: target.uid,
      sourceOnly: sortedText(change.add),
      targetOnly: sortedText(change.remove),
    });
  }
  return messages.length > 0 ? [{ kind: 'flags', messages }] : [];
}

function contentDifferences(
  matched: readonly MessagePair[],
  source: ReadonlyMap<number, string> | undefined,
  target: ReadonlyMap<number, string> | undefined,
  sourceMunged: ReadonlyMap<number, string> | undefined,
): Difference[] {
  const messages: ContentDifference[] = [];
  for (const pair of matched) {
    const hashes = { source: source?.get(pair.source.uid) ?? null, target: target?.get(pair.target.uid) ?? null };
    if (hashes.source !== null && hashes.source === hashes.target) continue;
    const munged = hashes.target !== null && sourceMunged?.get(pair.source.uid) === hashes.target;
    messages.push({
      sourceUid: pair.source.uid,
      targetUid: pair.target.uid,
      ...hashes,
      ...(munged ? { likelyCause: 'munge8bit' as const } : {}),
    });
  }
  return messages.length > 0 ? [{ kind: 'content', messages }] : [];
}

/** How many things differ, as the closing line counts them: one per message concerned; a missing or extra folder counts once (a missing one as its messages when it has any). */
export function differenceCount(difference: Difference): number {
  switch (difference.kind) {
    case 'missingFolder':
      return Math.max(1, difference.messages);
    case 'extraFolder':
      return 1;
    case 'missing':
    case 'extra':
    case 'duplicate':
      return difference.uids.length;
    case 'flags':
    case 'content':
      return difference.messages.length;
    default:
      return assertNever(difference);
  }
}
