// The plan: plain data, produced by the planner, written as canonical JSON, read by renderers and
// the executor. Field names here are the plan file's contract (README: "Plans"): add freely, rename never.
import type { OAuth2Input, SecretRef } from '../manifest/types.ts';
import type { Cutover } from './cutover.ts';
import type { FolderState } from './snapshot.ts';

/** One change. Every switch over `op` must be exhaustive (see assertNever). */
export type Action =
  | { op: 'createFolder' }
  | { op: 'subscribe' }
  | CopyAction
  | SetFlagsAction
  | DeleteTargetAction
  | { op: 'deleteFolder'; messages: number }
  | DeleteSourceAction;

export interface CopyAction {
  op: 'copy';
  /** Source UID. */
  uid: number;
  size: number;
  internalDate: string;
  flags: string[];
  identity: string;
  /** Set when addMessageId gives the copy this Message-ID header. */
  addMessageId?: string;
}

export interface SetFlagsAction {
  op: 'setFlags';
  /** Target UID. */
  uid: number;
  add: string[];
  remove: string[];
  /** The source message the flags come from. */
  sourceUid: number;
}

export interface DeleteTargetAction {
  op: 'deleteTarget';
  /** Target UID. */
  uid: number;
  identity: string;
  /** What a reviewer judges the deletion by (plans made before it existed lack it). */
  headers?: MessageHeaders;
}

export interface DeleteSourceAction {
  op: 'deleteSource';
  /** Source UID. */
  uid: number;
  identity: string;
  /** The target copy it matched, or null when the copy is made by this plan (apply confirms it first). */
  targetUid: number | null;
  /** The matched target copy's identity, where it is not the source's (a copy given a Message-ID, a UID-map pair). */
  targetIdentity?: string;
  /** What a reviewer judges the deletion by (plans made before it existed lack it). */
  headers?: MessageHeaders;
}

/**
 * Date, From and Subject of a message the plan deletes, as the engine read them after planning:
 * RFC 2047 decoded, on one line, without control characters, capped (deleted-headers.ts). Null
 * where the message has no such header.
 */
export interface MessageHeaders {
  date: string | null;
  from: string | null;
  subject: string | null;
}

export type ActionOp = Action['op'];

/** Why a folder has the target name it has: the first mapping rule that applied. */
export type MappedBy = 'map' | 'automap' | 'inbox' | 'structure' | 'rename' | 'subfolder' | 'target-only' | 'gmail';

/** One folder pair. Target-only folders (deleted by deleteTargetFolders) have source null. */
export interface FolderPlan {
  source: string | null;
  target: string;
  mappedBy: MappedBy;
  sourceState: FolderState | null;
  targetState: FolderState | null;
  /** Plain-words remarks on the mapping (e.g. "'.' in 'Lists.Dev' became '_'"). */
  notes: string[];
  /** Source messages the age, size and skipDeleted rules leave out, by rule (absent when none). */
  messagesLeftOut?: MessagesLeftOut;
  actions: Action[];
}

export interface Endpoint {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  user: string;
  /** An admin `user` logs in to this mailbox (SASL PLAIN authorisation identity); absent: the user's own. */
  authorizeAs?: string;
  /** The reference, never the secret. */
  password?: SecretRef;
  accessToken?: SecretRef;
  /** Where mailshift fetches the XOAUTH2 tokens: ids and secret references, never a secret or token. */
  oauth2?: OAuth2Input;
}

export interface AccountPlan {
  id: string;
  source: Endpoint;
  target: Endpoint;
  /** The account's folder and message rules, only when they differ from the plan's `settings`. */
  rules?: { folders: unknown; messages: unknown };
  /** Source folders that could hold messages and are not migrated, with the rule that leaves each out (absent when none). */
  foldersLeftOut?: FolderLeftOut[];
  /** A Gmail source (X-GM-EXT-1): the label policy and what it makes of the messages (absent for other sources). */
  gmail?: GmailPlan;
  folders: FolderPlan[];
}

/**
 * What folders.gmail makes of a Gmail source's messages, one message being one X-GM-MSGID: with
 * labels 'folders' it has a copy in each label folder, so `copies` exceeds `messages`; with
 * 'first' one copy each.
 */
export interface GmailPlan {
  labels: 'folders' | 'first';
  allMail: 'skip' | 'unlabelled';
  /** Distinct messages in the migrated folders (archived ones included). */
  messages: number;
  /** The copies the target holds of them once the plan is applied (made by it, or there already). */
  copies: number;
  /** Of the messages, those only in All Mail, going to the archive folder (allMail 'unlabelled'). */
  archived?: number;
  /** labels 'first': messages that carry their other labels as keywords. */
  keywords?: number;
}

/** How many of a folder's source messages the rules leave out, by the first rule that does. */
export interface MessagesLeftOut {
  /** Outside maxAgeDays / minAgeDays (also those the server-side pre-selection did not return). */
  age?: number;
  /** Outside maxSize / minSize. */
  size?: number;
  /** Larger than targetMaxSize: the target would refuse them. */
  tooLarge?: number;
  /** Flagged \Deleted, with skipDeleted. */
  deleted?: number;
}

/** A source folder that is not migrated, and the rule that leaves it out. */
export interface FolderLeftOut {
  folder: string;
  reason: string;
}

/** A lint finding, recorded in the plan for the reviewer. */
export interface PlanWarning {
  code: string;
  message: string;
  account?: string;
  /** A warning several accounts share, folded into one: which (account is then absent). */
  accounts?: string[];
  folder?: string;
}

export interface PlanSummary {
  accounts: number;
  foldersToCreate: number;
  foldersToDelete: number;
  messagesToCopy: number;
  bytesToCopy: number;
  flagUpdates: number;
  targetDeletes: number;
  sourceDeletes: number;
}

export interface Plan {
  format: 'mailshift-plan/v1';
  tool: string;
  /** When the plan was made; also the "now" its age windows were evaluated at. */
  createdAt: string;
  /**
   * `path` is relative to the git repository's top folder when the manifest is in one
   * (relativeTo 'repository'), else to the plan file's folder (relativeTo 'plan').
   */
  manifest: {
    path: string;
    relativeTo: 'repository' | 'plan';
    sha256: string;
    git: { commit: string; dirty: boolean } | null;
  };
  name: string;
  phase: string;
  /** The runbook state the plan was made in (plans made before it existed lack it). */
  runbook?: PlanRunbook;
  /** The phase's resolved settings, per account (folders and messages rules, phase switches). */
  settings: Record<string, unknown>;
  summary: PlanSummary;
  warnings: PlanWarning[];
  /** Accounts the plan leaves out because they could not be read or planned (absent when none). */
  accountsFailed?: AccountFailure[];
  accounts: AccountPlan[];
}

/** Why an account is not in the plan: one entry per problem (a login failing on each side: two). */
export interface AccountFailure {
  id: string;
  /** The side the problem is on, null when it is not one side's (the account's folder rules, say). */
  side: 'source' | 'target' | null;
  reason: string;
}

/** An apply or gate the audit log showed as done (ok) when the plan was made. */
export interface RunbookMark {
  kind: 'apply' | 'gate';
  phase: string;
  /** The audit's applyId (a gate's id). */
  id: string;
  /** When it ended. */
  at: string;
}

export interface PlanRunbook {
  /** Every ok apply and gate before the plan, oldest first: a gate not among them outdates the plan. */
  after: RunbookMark[];
  /** The latest gate among them, from which the cutover rule held; null before any gate. */
  cutover: Cutover | null;
}

/** Exhaustiveness check for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
