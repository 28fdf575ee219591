// One folder pair's plan: folder actions (create, subscribe), then its message actions, with the
// folder-level rules: justFolders, skipEmpty, and folders the engine did not read.
import type { SliceSettings } from '../manifest/settings.ts';
import { mailshiftCopies, sinceGate, type CutoverRecord } from './cutover.ts';
import type { FolderPair } from './folder-mapping.ts';
import { permanentFlagsOf } from './flags.ts';
import { planMessages, type Finding } from './message-actions.ts';
import { selectSource, selectTargetMessages } from './message-window.ts';
import type { FolderListing, FolderSnapshot, MessageSnapshot, ServerSnapshot, UidMap } from './snapshot.ts';
import type { Action, FolderPlan } from './types.ts';
import { usableUidPairs } from './uid-map.ts';

export interface FolderPairInput {
  pair: FolderPair;
  slice: SliceSettings;
  now: Date;
  sourceListing: FolderListing;
  targetListing: FolderListing | undefined;
  /** Undefined when the engine did not read the folder's messages. */
  source: FolderSnapshot | undefined;
  target: FolderSnapshot | undefined;
  targetServer: ServerSnapshot;
  uidMap: UidMap | undefined;
  /** The gate the cutover rule holds since, with every UID map of the account (null: no gate yet). */
  cutover: CutoverRecord | null;
  /** A Gmail source: what a selected message becomes in this folder, null when its copy goes to another (gmail-labels.ts). */
  place?: (message: MessageSnapshot) => MessageSnapshot | null;
  /** What the placement says of this folder (which messages go elsewhere, and why). */
  placeNotes?: string[];
}

/** The plan of one folder pair, and what the reviewer should know about it. */
export function planFolderPair(input: FolderPairInput): { plan: FolderPlan; findings: Finding[] } {
  const { pair, slice, now, source, target } = input;
  const { selected: inRules, leftOut } = source
    ? selectSource(source.messages, source.state.messages, slice.messages, now)
    : { selected: null, leftOut: null };
  const placed = inRules && input.place ? placedHere(inRules, input.place) : { messages: inRules, elsewhere: 0 };
  const selected = placed.messages;
  const plan: FolderPlan = {
    source: pair.source,
    target: pair.target,
    mappedBy: pair.mappedBy,
    sourceState: source?.state ?? input.sourceListing.state,
    targetState: pair.targetExists ? (target?.state ?? input.targetListing?.state ?? null) : null,
    notes: [...pair.notes],
    ...(leftOut ? { messagesLeftOut: leftOut } : {}),
    actions: [],
  };
  if (placed.elsewhere > 0) plan.notes.push(...(input.placeNotes ?? []));
  // A folder the server would not open: nothing at all, not even its creation (apply would open it first).
  const refusal = input.sourceListing.unreadable ?? input.targetListing?.unreadable;
  if (refusal !== undefined) {
    const message = `the ${input.sourceListing.unreadable !== undefined ? 'source' : 'target'} folder could not be read (${refusal}), so nothing was planned for it`;
    plan.notes.push(message);
    return { plan, findings: [{ code: 'FOLDER_UNREADABLE', message }] };
  }
  // Unread (justFolders): the folder's STATUS count decides; unknown counts as not empty.
  const empty = selected ? selected.length === 0 : input.sourceListing.state?.messages === 0;
  if (slice.folders.skipEmpty && empty && !pair.targetExists) {
    plan.notes.push('skipped: empty (skipEmpty)');
    return { plan, findings: [] };
  }
  plan.actions.push(...folderActions(pair, input.sourceListing, input.targetListing));
  if (slice.phase.justFolders) return { plan, findings: [] };
  if (!source || !selected) return notRead(plan, 'source');
  if (pair.targetExists && !target) return notRead(plan, 'target');

  const findings: Finding[] = [...headerlessFindings(source, 'source'), ...headerlessFindings(target, 'target')];
  for (const finding of findings) plan.notes.push(finding.message);
  let uidPairs: Array<[number, number]> = [];
  if (slice.messages.identity === 'uid') {
    const use = usableUidPairs(input.uidMap, pair.target, source, target);
    uidPairs = use.pairs;
    if (use.stale !== null) findings.push({ code: 'UID_MAP_STALE', message: use.stale });
  }
  const messages = planMessages({
    source: selected,
    target: target ? selectTargetMessages(target.messages, slice.messages, now) : [],
    targetPermanentFlags: permanentFlagsOf(target, input.targetServer),
    appendLimit: input.targetServer.appendLimit,
    rules: slice.messages,
    phase: slice.phase,
    uidPairs,
    cutover:
      input.cutover && target
        ? {
            copies: mailshiftCopies(input.cutover.uidMaps, pair.target, target.state.uidValidity),
            forced: input.cutover.since.forced,
            gate: sinceGate(input.cutover.since),
          }
        : null,
  });
  plan.actions.push(...messages.actions);
  return { plan, findings: [...findings, ...messages.findings] };
}

function placedHere(
  selected: MessageSnapshot[],
  place: (message: MessageSnapshot) => MessageSnapshot | null,
): { messages: MessageSnapshot[]; elsewhere: number } {
  const messages: MessageSnapshot[] = [];
  for (const message of selected) {
    const here = place(message);
    if (here !== null) messages.push(here);
  }
  return { messages, elsewhere: selected.length - messages.length };
}

function folderActions(
  pair: FolderPair,
  sourceListing: FolderListing,
  targetListing: FolderListing | undefined,
): Action[] {
  const actions: Action[] = [];
  if (!pair.targetExists) actions.push({ op: 'createFolder' });
  const subscribedOnTarget = pair.targetExists && (targetListing?.subscribed ?? false);
  if (sourceListing.subscribed && !subscribedOnTarget) actions.push({ op: 'subscribe' });
  return actions;
}

/** Messages a server answered NIL for the header of: named, since the plan cannot include them. */
function headerlessFindings(folder: FolderSnapshot | undefined, side: 'source' | 'target'): Finding[] {
  const uids = folder?.headerless ?? [];
  if (uids.length === 0) return [];
  const named =
    uids.length === 1
      ? `UID ${uids[0]}`
      : `UIDs ${uids.slice(0, 5).join(', ')}${uids.length > 5 ? ` and ${uids.length - 5} more` : ''}`;
  const outcome =
    side === 'source'
      ? 'without a header a message cannot be identified, so it is not copied; repair it on the server (or copy it by hand) and plan again'
      : 'without a header a message cannot be matched, so a source message it is a copy of would be copied again; repair it on the server and plan again';
  return [
    {
      code: 'HEADER_NIL',
      message: `the ${side} server answered NIL for the header of ${named}: ${outcome}`,
      count: uids.length,
    },
  ];
}

/** Without both sides' messages no message action is safe: copying blind would duplicate. */
function notRead(plan: FolderPlan, side: 'source' | 'target'): { plan: FolderPlan; findings: Finding[] } {
  const message = `the ${side} folder's messages were not read, so no message actions were planned for it`;
  plan.notes.push(message);
  return { plan, findings: [{ code: 'FOLDER_NOT_READ', message }] };
}
