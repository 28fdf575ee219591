// The message actions of one folder pair: copies, flag updates and deletions, from the matched
// and unmatched messages of both sides (README: "How messages are matched").
import type { MessageRules, SyncPhase } from '../manifest/settings.ts';
import { carriedFlags, flagAcceptor, flagChange, type RefusedFlag } from './flags.ts';
import { addedMessageIdFor } from './identity.ts';
import { matchMessages } from './message-matching.ts';
import { sortedBy, sortedText } from './ordering.ts';
import type { MessageSnapshot } from './snapshot.ts';
import type { Action, CopyAction, DeleteSourceAction, DeleteTargetAction, SetFlagsAction } from './types.ts';

export interface MessagePlanInput {
  /** Selected source messages. */
  source: readonly MessageSnapshot[];
  /** Target messages in scope (none when the target folder does not exist yet). */
  target: readonly MessageSnapshot[];
  targetPermanentFlags: readonly string[] | null;
  appendLimit: number | null;
  rules: MessageRules;
  phase: SyncPhase;
  uidPairs: ReadonlyArray<readonly [number, number]>;
  /** After a manual gate: the target UIDs mailshift copied into this folder; null before any gate. */
  cutover: CutoverScope | null;
}

/** What the cutover rule needs of one target folder. */
export interface CutoverScope {
  copies: ReadonlySet<number>;
  /** `plan --force`: delete the others too, loudly. */
  forced: boolean;
  /** How findings name the gate (sinceGate). */
  gate: string;
}

/** A lint finding about one folder; the planner adds account and folder. */
export interface Finding {
  code: string;
  message: string;
  /** How many messages it concerns, where findings of several folders add up (planAccount folds them). */
  count?: number;
}

/** Copies, flag updates, target deletions and source deletions, each in UID order. */
export function planMessages(input: MessagePlanInput): { actions: Action[]; findings: Finding[] } {
  const { rules, phase } = input;
  const match = matchMessages(input.source, input.target, { useSize: rules.useSize, uidPairs: input.uidPairs });
  const accepts = flagAcceptor(input.targetPermanentFlags);
  const refused: RefusedFlag[] = [];

  const copies: CopyAction[] = match.sourceOnly.map((message) => {
    const carried = carriedFlags(message.flags, accepts);
    refused.push(...carried.refused);
    const added =
      rules.addMessageId && !message.hasMessageId
        ? (message.addedMessageId?.messageId ?? addedMessageIdFor(message.identity))
        : null;
    return {
      op: 'copy',
      uid: message.uid,
      size: message.size,
      internalDate: message.internalDate,
      flags: sortedText(carried.flags),
      identity: message.identity,
      ...(added !== null ? { addMessageId: added } : {}),
    };
  });

  const flagUpdates: SetFlagsAction[] = [];
  if (rules.syncFlags) {
    for (const { source, target } of match.matched) {
      const carried = carriedFlags(source.flags, accepts);
      refused.push(...carried.refused);
      const change = flagChange(source.flags, carried.flags, target.flags);
      if (change.add.length + change.remove.length === 0) continue;
      flagUpdates.push({
        op: 'setFlags',
        uid: target.uid,
        add: sortedText(change.add),
        remove: sortedText(change.remove),
        sourceUid: source.uid,
      });
    }
  }

  const deletable = phase.deleteTarget ? cutoverRule(match.targetOnly, input.cutover) : { deleted: [], findings: [] };
  const targetDeletes: DeleteTargetAction[] = deletable.deleted.map((message) => ({
    op: 'deleteTarget',
    uid: message.uid,
    identity: message.identity,
  }));

  // imapsync --delete1 removes the messages already on the target too, not only the new copies.
  const sourceDeletes: DeleteSourceAction[] = phase.deleteSource
    ? [
        ...match.matched.map(({ source, target }) => ({
          op: 'deleteSource' as const,
          uid: source.uid,
          identity: source.identity,
          targetUid: target.uid,
          ...(target.identity !== source.identity ? { targetIdentity: target.identity } : {}),
        })),
        ...match.sourceOnly.map((message) => ({
          op: 'deleteSource' as const,
          uid: message.uid,
          identity: message.identity,
          targetUid: null,
        })),
      ]
    : [];

  return {
    actions: [
      ...sortedBy(copies, (action) => action.uid),
      ...sortedBy(flagUpdates, (action) => action.uid),
      ...sortedBy(targetDeletes, (action) => action.uid),
      ...sortedBy(sourceDeletes, (action) => action.uid),
    ],
    findings: [
      ...deletable.findings,
      ...refusedFlags(refused),
      ...headerDigests(input.source, rules),
      ...oversized(copies, input.appendLimit),
    ],
  };
}

/**
 * The target-only messages deleteTarget may delete: before a gate all of them; after it only
 * mailshift's own copies (the others arrived on the new server), unless forced.
 */
function cutoverRule(
  targetOnly: readonly MessageSnapshot[],
  cutover: CutoverScope | null,
): { deleted: readonly MessageSnapshot[]; findings: Finding[] } {
  if (cutover === null) return { deleted: targetOnly, findings: [] };
  const foreign = targetOnly.filter((message) => !cutover.copies.has(message.uid));
  if (foreign.length === 0) return { deleted: targetOnly, findings: [] };
  if (cutover.forced) {
    return {
      deleted: targetOnly,
      findings: [
        {
          code: 'CUTOVER_OVERRIDE',
          count: foreign.length,
          message: `deleted on the target although mailshift did not copy them there, after ${cutover.gate} (plan --force overrides the cutover rule): mail delivered to the new server is lost; apply needs --force too`,
        },
      ],
    };
  }
  return {
    deleted: targetOnly.filter((message) => cutover.copies.has(message.uid)),
    findings: [
      {
        code: 'CUTOVER_KEPT',
        count: foreign.length,
        message: `kept on the target although the phase has deleteTarget: mailshift did not copy them there, and since ${cutover.gate} mail reaches the new server by itself (the cutover rule; plan --force would delete them)`,
      },
    ],
  };
}

function refusedFlags(refused: readonly RefusedFlag[]): Finding[] {
  if (refused.length === 0) return [];
  const list = (why: RefusedFlag['why']) =>
    sortedText(new Set(refused.filter((r) => r.why === why).map((r) => r.flag)))
      .map((flag) => JSON.stringify(flag))
      .join(', ');
  const parts = [
    ...(refused.some((r) => r.why === 'unsupported')
      ? [`${list('unsupported')} (the target folder's PERMANENTFLAGS do not allow them)`]
      : []),
    ...(refused.some((r) => r.why === 'invalid') ? [`${list('invalid')} (not valid IMAP keywords)`] : []),
  ];
  return [
    {
      code: 'KEYWORD_UNSUPPORTED',
      message: `flags the target cannot store are left out of copies and flag updates: ${parts.join('; ')}`,
    },
  ];
}

function headerDigests(source: readonly MessageSnapshot[], rules: MessageRules): Finding[] {
  const count = source.filter((message) => !message.hasMessageId).length;
  if (count === 0) return [];
  const advice = rules.addMessageId
    ? 'their copies get one (addMessageId)'
    : 'messages.addMessageId gives their copies one';
  return [
    {
      code: 'HEADER_DIGEST_IDENTITY',
      count,
      message: `no Message-ID: matched by Received headers, or by a digest of the whole header section where there are none, so a server that rewrites headers makes a copy look new; ${advice}`,
    },
  ];
}

function oversized(copies: readonly CopyAction[], appendLimit: number | null): Finding[] {
  if (appendLimit === null) return [];
  const tooLarge = copies.filter((copy) => copy.size > appendLimit);
  if (tooLarge.length === 0) return [];
  const largest = tooLarge.reduce((max, copy) => Math.max(max, copy.size), 0);
  return [
    {
      code: 'APPENDLIMIT',
      message: `${tooLarge.length} ${tooLarge.length === 1 ? 'message is' : 'messages are'} larger than the target's APPENDLIMIT of ${appendLimit} bytes (largest: ${largest} bytes): the target will refuse ${tooLarge.length === 1 ? 'it' : 'them'} on apply`,
    },
  ];
}
