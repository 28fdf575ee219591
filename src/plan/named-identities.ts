// A hand edit can point an action at another message of its folder, in range and well formed,
// which plan-check.ts cannot see. But each copy and deletion names its message twice, by UID and
// by identity, and under one UIDVALIDITY a UID names one message for good (RFC 3501 §2.3.1.1):
// where the folder still has the plan's UIDVALIDITY and still holds the UID, the message must have
// the identity the plan names. Apply checks that for every account before anything runs
// (apply/identity-preflight.ts), so such a plan is refused whole. Pure.
import type { AccountPlan } from './types.ts';

export type Side = 'source' | 'target';

/** A message an action names, on one side, as the plan saw it. */
export interface NamedMessage {
  side: Side;
  /** The folder on that side (the server's name). */
  folder: string;
  uidValidity: number;
  uid: number;
  identity: string;
  /** The action, for the refusal: 'copy of source UID 7 in folder "INBOX"'. */
  action: string;
}

/** Every message the account's copies and deletions name, in plan order. */
export function namedMessages(account: AccountPlan): NamedMessage[] {
  const named: NamedMessage[] = [];
  for (const folder of account.folders) {
    const source =
      folder.source !== null && folder.sourceState
        ? { folder: folder.source, uidValidity: folder.sourceState.uidValidity }
        : null;
    const target = folder.targetState ? { folder: folder.target, uidValidity: folder.targetState.uidValidity } : null;
    const where = `in folder "${folder.source ?? folder.target}"`;
    for (const action of folder.actions) {
      if ((action.op === 'copy' || action.op === 'deleteSource') && source) {
        named.push({
          side: 'source',
          ...source,
          uid: action.uid,
          identity: action.identity,
          action: `${action.op} of source UID ${action.uid} ${where}`,
        });
      }
      if (action.op === 'deleteSource' && action.targetUid !== null && target) {
        named.push({
          side: 'target',
          ...target,
          uid: action.targetUid,
          identity: action.targetIdentity ?? action.identity,
          action: `deleteSource of source UID ${action.uid} ${where} (its copy, target UID ${action.targetUid})`,
        });
      }
      if (action.op === 'deleteTarget' && target) {
        named.push({
          side: 'target',
          ...target,
          uid: action.uid,
          identity: action.identity,
          action: `deleteTarget of target UID ${action.uid} ${where}`,
        });
      }
    }
  }
  return named;
}

/** A folder's messages as read under a UIDVALIDITY: UID → identity. */
export interface KnownFolder {
  uidValidity: number;
  identities: ReadonlyMap<number, string>;
}

/** What is known of a side's folder, or undefined. */
export type KnownFolders = (side: Side, folder: string) => KnownFolder | undefined;

/** The messages `known` holds under the plan's UIDVALIDITY with the identity the plan names: no need to read them again. */
export function confirmedBy(named: NamedMessage, known: KnownFolders): boolean {
  const folder = known(named.side, named.folder);
  return (
    folder !== undefined &&
    folder.uidValidity === named.uidValidity &&
    folder.identities.get(named.uid) === named.identity
  );
}

/**
 * The first named message that is, under the plan's UIDVALIDITY, another message than the plan
 * says, with the identity found. A UID gone, or a folder under another UIDVALIDITY, is no mismatch:
 * the apply finds that out itself and acts on nothing it cannot confirm.
 */
export function firstMismatch(
  named: readonly NamedMessage[],
  known: KnownFolders,
): { named: NamedMessage; found: string } | null {
  for (const message of named) {
    const folder = known(message.side, message.folder);
    if (!folder || folder.uidValidity !== message.uidValidity) continue;
    const found = folder.identities.get(message.uid);
    if (found !== undefined && found !== message.identity) return { named: message, found };
  }
  return null;
}
