// Builders for planner tests: both sides of an account as plain data, the rules of a slice, and
// one call that maps and plans it, as the engine does. Tests state only what they are about.
import type { CutoverRecord } from '../../src/plan/cutover.ts';
import {
  schemaDefaults,
  type FolderRules,
  type MessageRules,
  type SliceSettings,
  type SyncPhase,
} from '../../src/manifest/settings.ts';
import { mapFolders, type FolderMappingResult } from '../../src/plan/folder-mapping.ts';
import { planAccount } from '../../src/plan/planner.ts';
import type {
  AccountListing,
  AccountSnapshot,
  FolderListing,
  FolderSnapshot,
  MessageSnapshot,
  ServerSnapshot,
  SpecialUse,
  UidMaps,
} from '../../src/plan/snapshot.ts';
import { assertNever, type FolderPlan } from '../../src/plan/types.ts';

/** Dovecot's default layout ('/', no prefix) and the Courier/Cyrus one ('.', prefix 'INBOX.'). */
export type Layout = 'slash' | 'dot';

export const NOW = new Date('2026-11-22T12:00:00.000Z');

/** A server of one layout, without APPENDLIMIT unless given. */
export function server(layout: Layout, extra: Partial<ServerSnapshot> = {}): ServerSnapshot {
  const shape =
    layout === 'slash' ? { delimiter: '/', personalPrefix: '' } : { delimiter: '.', personalPrefix: 'INBOX.' };
  return { name: null, capabilities: [], appendLimit: null, ...shape, ...extra };
}

/** A message; identity `id-<uid>` (with a Message-ID), 1000 bytes, one day old, no flags, unless given. */
export function message(uid: number, extra: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return {
    uid,
    size: 1000,
    internalDate: '2026-11-21T12:00:00.000Z',
    flags: [],
    identity: `id-${uid}`,
    hasMessageId: true,
    ...extra,
  };
}

/** A message `days` days before NOW (fractions allowed). */
export function agedMessage(uid: number, days: number, extra: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return message(uid, { internalDate: new Date(NOW.getTime() - days * 86_400_000).toISOString(), ...extra });
}

export interface FolderSpec {
  messages?: MessageSnapshot[];
  specialUse?: SpecialUse;
  subscribed?: boolean;
  selectable?: boolean;
  uidValidity?: number;
  permanentFlags?: string[] | null;
  /** False: listed, but its messages were not read (as with justFolders). */
  read?: boolean;
  /** Listed, but the server would not open it (or its name cannot be sent back): what was wrong. */
  unreadable?: string;
}

export interface SideSpec {
  layout: Layout;
  server?: Partial<ServerSnapshot>;
  /** A folder name alone is an empty, selectable, subscribed folder. */
  folders: Record<string, FolderSpec> | string[];
}

function specs(folders: SideSpec['folders']): Array<[string, FolderSpec]> {
  return Array.isArray(folders) ? folders.map((name) => [name, {}]) : Object.entries(folders);
}

function side(spec: SideSpec): {
  server: ServerSnapshot;
  folders: FolderListing[];
  read: Record<string, FolderSnapshot>;
} {
  const snapshotServer = server(spec.layout, spec.server);
  const folders: FolderListing[] = [];
  const read: Record<string, FolderSnapshot> = {};
  for (const [name, folder] of specs(spec.folders)) {
    const messages = folder.messages ?? [];
    const selectable = folder.selectable ?? true;
    const state = {
      uidValidity: folder.uidValidity ?? 1,
      uidNext: Math.max(0, ...messages.map((m) => m.uid)) + 1,
      highestModseq: null,
      messages: messages.length,
    };
    const listing: FolderListing = {
      name,
      delimiter: snapshotServer.delimiter,
      specialUse: folder.specialUse ?? null,
      subscribed: folder.subscribed ?? true,
      selectable,
      state: selectable ? state : null,
      ...(folder.unreadable === undefined ? {} : { unreadable: folder.unreadable }),
    };
    folders.push(listing);
    if (selectable && folder.read !== false && folder.unreadable === undefined)
      read[name] = { ...listing, state, messages, permanentFlags: folder.permanentFlags ?? null };
  }
  return { server: snapshotServer, folders, read };
}

/** Both listings only: what mapFolders sees. */
export function listing(source: SideSpec, target: SideSpec): AccountListing {
  const [s, t] = [side(source), side(target)];
  return { source: { server: s.server, folders: s.folders }, target: { server: t.server, folders: t.folders } };
}

/** Listings plus every selectable folder's messages (except those with read: false). */
export function account(source: SideSpec, target: SideSpec): AccountSnapshot {
  const [s, t] = [side(source), side(target)];
  return {
    source: { server: s.server, folders: s.folders },
    target: { server: t.server, folders: t.folders },
    sourceFolders: s.read,
    targetFolders: t.read,
  };
}

/** Folder rules: the schema's defaults, then these. */
export function folderRules(extra: Partial<FolderRules> = {}): FolderRules {
  return { ...(schemaDefaults('folders') as unknown as FolderRules), ...extra };
}

/** Message rules: the schema's defaults, then these. */
export function messageRules(extra: Partial<MessageRules> = {}): MessageRules {
  return { ...(schemaDefaults('messages') as unknown as MessageRules), ...extra };
}

/** A sync phase that deletes nothing, then these. */
export function phase(extra: Partial<SyncPhase> = {}): SyncPhase {
  return {
    kind: 'sync',
    name: 'presync',
    description: null,
    requires: [],
    deleteTarget: false,
    deleteTargetFolders: false,
    deleteSource: false,
    expungeSource: 'end',
    justFolders: false,
    ...extra,
  };
}

export function slice(
  rules: { folders?: Partial<FolderRules>; messages?: Partial<MessageRules>; phase?: Partial<SyncPhase> } = {},
): SliceSettings {
  const endpoint = {
    host: 'imap.example',
    port: 993,
    tls: 'implicit' as const,
    tlsVerify: true,
    allowPlaintext: false,
    user: 'alice',
    credential: { mechanism: 'PLAIN' as const, password: { env: 'PW' } },
    connections: 4,
    maxMessagesPerSecond: null,
    maxBytesPerSecond: null,
    timeoutSeconds: 60,
    maxThrottleWaitSeconds: 7200,
    maxBytesPerDay: null,
  };
  return {
    account: { id: 'alice', description: null, source: endpoint, target: endpoint },
    phase: phase(rules.phase),
    folders: folderRules(rules.folders),
    messages: messageRules(rules.messages),
  };
}

export interface PlanCase {
  source: SideSpec;
  target: SideSpec;
  folders?: Partial<FolderRules>;
  messages?: Partial<MessageRules>;
  phase?: Partial<SyncPhase>;
  uidMaps?: UidMaps;
  cutover?: CutoverRecord;
  now?: Date;
}

/** Map and plan one account as the engine does. */
export function planCase(c: PlanCase): ReturnType<typeof planAccount> & { mapping: FolderMappingResult } {
  const snapshot = account(c.source, c.target);
  const settings = slice({ folders: c.folders, messages: c.messages, phase: c.phase });
  const mapping = mapFolders(snapshot, settings.folders);
  return {
    ...planAccount({
      accountId: 'alice',
      slice: settings,
      snapshot,
      mapping,
      now: c.now ?? NOW,
      uidMaps: c.uidMaps ?? {},
      cutover: c.cutover ?? null,
    }),
    mapping,
  };
}

/** The plan of the folder pair with this source name (throws when there is none, to fail the test). */
export function folderPlan(folders: readonly FolderPlan[], source: string): FolderPlan {
  const found = folders.find((folder) => folder.source === source);
  if (!found)
    throw new Error(
      `no folder plan for source "${source}" (have: ${folders.map((f) => f.source ?? `-> ${f.target}`).join(', ')})`,
    );
  return found;
}

/** Actions of one folder as short strings ("copy 3", "setFlags 2 +\\Seen -$x"), for compact expectations. */
export function actionLines(folder: FolderPlan): string[] {
  return folder.actions.map((action) => {
    switch (action.op) {
      case 'createFolder':
      case 'subscribe':
        return action.op;
      case 'copy':
        return `copy ${action.uid}${action.flags.length ? ` ${action.flags.join(' ')}` : ''}${action.addMessageId ? ` +id` : ''}`;
      case 'setFlags':
        return `setFlags ${action.uid}<${action.sourceUid}${action.add.map((f) => ` +${f}`).join('')}${action.remove.map((f) => ` -${f}`).join('')}`;
      case 'deleteTarget':
        return `deleteTarget ${action.uid}`;
      case 'deleteFolder':
        return `deleteFolder ${action.messages}`;
      case 'deleteSource':
        return `deleteSource ${action.uid}>${action.targetUid ?? 'new'}`;
      default:
        return assertNever(action);
    }
  });
}
