// Apply executes a plan file as reviewed, so before anything runs it checks that the file is one
// `mailshift plan` could have written for the manifest's phase: the settings and endpoints are the
// manifest's, every action is one the phase allows and names a message that existed when the plan
// was made, and the summary reviewers read is a count of the actions. A hand edit, a merge gone
// wrong or a plan of other --ext-str values fails here, whole, before any connection. Pure.
import { isDeepStrictEqual } from 'node:util';
import { problem, type Diagnostic } from '../errors.ts';
import { sliceSettings, type MessageRules, type Settings, type SyncPhase } from '../manifest/settings.ts';
import { HEADER_LIMITS, isPrintableValue } from './deleted-headers.ts';
import { endpointOf, phaseSwitches, rulesOf } from './plan-settings.ts';
import { summarise } from './plan-summary.ts';
import type { AccountPlan, Action, FolderPlan, Plan, PlanSummary } from './types.ts';

export interface PlanCheckInput {
  plan: Plan;
  settings: Settings;
  phase: SyncPhase;
  /** The plan file, for the diagnostic's location. */
  file: string;
}

/** Null when the plan fits the manifest's phase; else why not, naming the first thing that does not. */
export function checkPlan(input: PlanCheckInput): Diagnostic | null {
  const { plan, settings, phase } = input;
  const refuse = (what: string, where: { account?: string; folder?: string } = {}) =>
    planRefused(what, phase.name, input.file, where);

  if (!isDeepStrictEqual(plain(plan.settings?.phase), plain(phaseSwitches(phase)))) {
    return refuse(
      `its settings for phase "${phase.name}" (deleteTarget, deleteSource, deleteTargetFolders, justFolders…) are not the manifest's`,
    );
  }
  if (!Array.isArray(plan.accounts)) return refuse('it has no accounts list');
  const seen = new Set<string>();
  for (const account of plan.accounts) {
    const where = { account: String(account?.id) };
    if (seen.has(account?.id)) return refuse(`account ${account.id} appears twice`, where);
    seen.add(account.id);
    const problemOf = checkAccount(plan, account, settings, phase);
    if (problemOf !== null)
      return refuse(problemOf.what, {
        ...where,
        ...(problemOf.folder !== undefined ? { folder: problemOf.folder } : {}),
      });
  }
  const failed = failedAccountsProblem(plan, settings, seen);
  if (failed !== null) return refuse(failed);
  const counted = summarise(plan.accounts);
  const differing = (Object.keys(counted) as Array<keyof PlanSummary>).filter(
    (key) => plan.summary?.[key] !== counted[key],
  );
  if (differing.length > 0) {
    const key = differing[0]!;
    return refuse(
      `its summary says ${key} ${JSON.stringify(plan.summary?.[key] ?? null)}, its actions make ${counted[key]}`,
    );
  }
  return null;
}

/** accountsFailed, where present, names manifest accounts the plan holds no actions for. */
function failedAccountsProblem(plan: Plan, settings: Settings, planned: ReadonlySet<string>): string | null {
  const failed: unknown = plan.accountsFailed;
  if (failed === undefined) return null;
  if (!Array.isArray(failed)) return 'its accountsFailed is not a list';
  for (const entry of failed as Array<Record<string, unknown>>) {
    const shaped =
      typeof entry?.id === 'string' &&
      typeof entry.reason === 'string' &&
      (entry.side === null || entry.side === 'source' || entry.side === 'target');
    if (!shaped) return `its accountsFailed entry ${JSON.stringify(entry)} is not { id, side, reason }`;
    if (!settings.accounts.some((account) => account.id === entry.id))
      return `accountsFailed names account ${entry.id as string}, which is not in the manifest`;
    if (planned.has(entry.id as string))
      return `account ${entry.id as string} is in accountsFailed and has actions too`;
  }
  return null;
}

/** PLAN_REFUSED: the plan is not one `mailshift plan` wrote for this phase, because of `what`. */
export function planRefused(
  what: string,
  phase: string,
  file: string,
  where: { account?: string; folder?: string } = {},
): Diagnostic {
  return problem(
    'PLAN_REFUSED',
    `the plan cannot be applied: ${what}`,
    `nothing was applied. A plan is applied as \`mailshift plan\` wrote it; make a new one and review it: mailshift plan <manifest> --phase ${phase}`,
    { file, ...where },
  );
}

type AccountProblem = { what: string; folder?: string } | null;

function checkAccount(plan: Plan, account: AccountPlan, settings: Settings, phase: SyncPhase): AccountProblem {
  const manifestAccount = settings.accounts.find((candidate) => candidate.id === account.id);
  if (!manifestAccount) return { what: `account ${account.id} is not in the manifest` };
  for (const side of ['source', 'target'] as const) {
    if (!isDeepStrictEqual(plain(account[side]), plain(endpointOf(manifestAccount[side])))) {
      return {
        what: `account ${account.id}'s ${side} endpoint (host, port, TLS, user, secret reference) is not the manifest's`,
      };
    }
  }
  const slice = sliceSettings(settings, account.id, phase.name);
  const recorded = account.rules ?? {
    folders: (plan.settings as { folders?: unknown }).folders,
    messages: (plan.settings as { messages?: unknown }).messages,
  };
  if (!isDeepStrictEqual(plain(recorded), plain(rulesOf(slice))))
    return { what: `account ${account.id}'s folder and message rules are not the manifest's` };
  if (!Array.isArray(account.folders)) return { what: `account ${account.id} has no folders list` };
  const targets = new Set<string>();
  const sources = new Set<string>();
  for (const folder of account.folders) {
    const name = folder.source ?? folder.target;
    if (targets.has(folder.target))
      return { what: `two folders of the plan go to target folder "${folder.target}"`, folder: name };
    targets.add(folder.target);
    if (folder.source !== null) {
      if (sources.has(folder.source)) return { what: `source folder "${folder.source}" appears twice`, folder: name };
      sources.add(folder.source);
    }
    const what = checkFolder(folder, phase, slice.messages);
    if (what !== null) return { what, folder: name };
  }
  return null;
}

/** Why one of the folder's actions may not run, or null. */
function checkFolder(folder: FolderPlan, phase: SyncPhase, rules: MessageRules): string | null {
  if (!Array.isArray(folder.actions)) return 'the folder has no actions list';
  const seen = new Set<string>();
  const copies = new Map<number, string>();
  for (const action of folder.actions) if (action?.op === 'copy') copies.set(action.uid, action.identity);
  for (const action of folder.actions) {
    const key = `${action?.op} ${'uid' in action ? action.uid : ''}`;
    if (seen.has(key)) return `${describe(action)} appears twice`;
    seen.add(key);
    const why = forbidden(action, folder, phase, rules, copies);
    if (why !== null)
      return `${describe(action)} in ${folder.source === null ? `target folder "${folder.target}"` : `folder "${folder.source}"`}: ${why}`;
  }
  return null;
}

/** Why the phase does not allow this action here, or null when it does. */
function forbidden(
  action: Action,
  folder: FolderPlan,
  phase: SyncPhase,
  rules: MessageRules,
  copies: ReadonlyMap<number, string>,
): string | null {
  const pair = folder.source !== null;
  const messageAction = () =>
    phase.justFolders
      ? `phase "${phase.name}" has justFolders: it copies and deletes no messages`
      : pair
        ? null
        : 'a target-only folder can only be deleted';
  switch (action.op) {
    case 'createFolder':
    case 'subscribe':
      return pair ? null : 'a target-only folder is not created';
    case 'copy':
      return (
        messageAction() ??
        uidIn(action.uid, folder.sourceState, 'source') ??
        identityShape(action.identity) ??
        (Number.isInteger(action.size) && action.size >= 0 ? null : 'its size is not a byte count') ??
        sizeWindow(action.size, rules) ??
        (Number.isNaN(Date.parse(action.internalDate)) ? 'its internalDate is not a date' : null) ??
        flagsShape(action.flags) ??
        (action.addMessageId !== undefined && !rules.addMessageId
          ? 'it adds a Message-ID, and messages.addMessageId is off'
          : null)
      );
    case 'setFlags':
      return (
        messageAction() ??
        (rules.syncFlags ? null : 'messages.syncFlags is off') ??
        uidIn(action.uid, folder.targetState, 'target') ??
        uidIn(action.sourceUid, folder.sourceState, 'source') ??
        flagsShape(action.add) ??
        flagsShape(action.remove)
      );
    case 'deleteTarget':
      return (
        messageAction() ??
        (phase.deleteTarget ? null : `phase "${phase.name}" has no deleteTarget`) ??
        uidIn(action.uid, folder.targetState, 'target') ??
        identityShape(action.identity) ??
        headersShape(action.headers)
      );
    case 'deleteSource':
      return (
        messageAction() ??
        (phase.deleteSource ? null : `phase "${phase.name}" has no deleteSource`) ??
        uidIn(action.uid, folder.sourceState, 'source') ??
        identityShape(action.identity) ??
        (action.targetUid === null
          ? copies.get(action.uid) === action.identity
            ? null
            : 'it names no copy of the same message in this plan, and no target message'
          : uidIn(action.targetUid, folder.targetState, 'target')) ??
        (action.targetIdentity === undefined ? null : identityShape(action.targetIdentity)) ??
        headersShape(action.headers)
      );
    case 'deleteFolder':
      return deleteFolderForbidden(folder, phase);
    default: {
      // Exhaustive for the compiler; a hand-edited file can still hold any op.
      const unknown: never = action;
      return `"${(unknown as { op?: unknown })?.op}" is not an action mailshift plans`;
    }
  }
}

function deleteFolderForbidden(folder: FolderPlan, phase: SyncPhase): string | null {
  const rule = phase.deleteTargetFolders;
  if (rule === false) return `phase "${phase.name}" has no deleteTargetFolders`;
  if (folder.source !== null) return 'only a target folder no source folder maps to is deleted';
  if (folder.actions.length !== 1) return 'a folder to delete has no other action';
  if (/^inbox$/i.test(folder.target)) return 'INBOX is never deleted';
  if (rule.only !== null && !new RegExp(rule.only).test(folder.target))
    return `deleteTargetFolders.only does not match "${folder.target}"`;
  if (rule.except !== null && new RegExp(rule.except).test(folder.target))
    return `deleteTargetFolders.except protects "${folder.target}"`;
  return null;
}

/** A UID the folder's state at plan time could hold: a whole number from 1 up to below its UIDNEXT. */
function uidIn(uid: unknown, state: FolderPlan['sourceState'], side: 'source' | 'target'): string | null {
  if (state === null || state === undefined) return `the plan read no ${side} folder for it to act on`;
  if (!Number.isInteger(uid) || (uid as number) < 1) return `its ${side} UID ${JSON.stringify(uid)} is not a UID`;
  return (uid as number) < state.uidNext
    ? null
    : `${side} UID ${uid} did not exist when the plan was made (UIDNEXT was ${state.uidNext})`;
}

function identityShape(identity: unknown): string | null {
  return typeof identity === 'string' && /^[0-9a-f]{64}$/.test(identity)
    ? null
    : `its identity ${JSON.stringify(identity)} is not one mailshift computes`;
}

/** Optional (older plans lack it); where present, the Date, From and Subject plan could have written: one printable, capped line each, or null. */
function headersShape(headers: unknown): string | null {
  if (headers === undefined) return null;
  const keys = Object.keys(HEADER_LIMITS) as Array<keyof typeof HEADER_LIMITS>;
  if (
    headers === null ||
    typeof headers !== 'object' ||
    Array.isArray(headers) ||
    Object.keys(headers).sort().join() !== [...keys].sort().join()
  ) {
    return 'its headers are not { date, from, subject }';
  }
  for (const key of keys) {
    const value = (headers as Record<string, unknown>)[key];
    if (value === null) continue;
    if (typeof value !== 'string' || !isPrintableValue(value, HEADER_LIMITS[key]))
      return `its headers' ${key} is not a line mailshift writes (text on one line, no control characters, at most ${HEADER_LIMITS[key]} characters)`;
  }
  return null;
}

function sizeWindow(size: number, rules: MessageRules): string | null {
  if (rules.targetMaxSize != null && size > rules.targetMaxSize)
    return `its size ${size} is above messages.targetMaxSize ${rules.targetMaxSize}, which the target refuses`;
  if (rules.maxSize !== null && size > rules.maxSize)
    return `its size ${size} is above messages.maxSize ${rules.maxSize}`;
  if (rules.minSize !== null && size < rules.minSize)
    return `its size ${size} is below messages.minSize ${rules.minSize}`;
  return null;
}

/** \Deleted would have the target expunge the copy; \Recent only the server sets. */
function flagsShape(flags: unknown): string | null {
  if (!Array.isArray(flags) || flags.some((flag) => typeof flag !== 'string'))
    return 'its flags are not a list of flags';
  const bad = flags.find((flag: string) => /^\\(deleted|recent)$/i.test(flag));
  return bad === undefined ? null : `it sets ${bad}, which mailshift never copies or syncs`;
}

function describe(action: Action): string {
  const op = typeof action?.op === 'string' ? action.op : 'an action';
  return 'uid' in action && action.uid !== undefined ? `${op} of UID ${action.uid}` : op;
}

/** As the plan file holds it: JSON has no undefined, and key order does not matter to the comparison. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
