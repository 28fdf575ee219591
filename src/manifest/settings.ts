import { deepMerge } from './deep-merge.ts';
import { manifestSchema } from './schema.ts';
import type {
  AccountInput,
  AuthMechanism,
  EndpointInput,
  ExpungeMode,
  FolderRulesInput,
  GmailAllMail,
  GmailLabels,
  Identity,
  ManifestInput,
  MessageRulesInput,
  OAuth2Input,
  PhaseInput,
  RenameRule,
  SecretRef,
  TlsMode,
} from './types.ts';

export type Credential =
  | { mechanism: Exclude<AuthMechanism, 'XOAUTH2'>; password: SecretRef }
  | { mechanism: 'XOAUTH2'; accessToken: SecretRef; oauth2?: undefined }
  | { mechanism: 'XOAUTH2'; oauth2: OAuth2Input; accessToken?: undefined };

export interface EndpointSettings {
  host: string;
  port: number;
  tls: TlsMode;
  tlsVerify: boolean;
  allowPlaintext: boolean;
  /** The login name: with `authorizeAs`, the admin's (the authentication identity). */
  user: string;
  /** The mailbox an admin `user` logs in to (SASL PLAIN authorisation identity); absent: `user`'s own. */
  authorizeAs?: string;
  credential: Credential;
  connections: number;
  maxMessagesPerSecond: number | null;
  maxBytesPerSecond: number | null;
  timeoutSeconds: number;
  /** Throttle budget per account on this side (seconds of waiting on the server's request). */
  maxThrottleWaitSeconds: number;
  /** Bytes per account on this side over a rolling 24 h (downloaded from a source, uploaded to a target); null: no budget. */
  maxBytesPerDay: number | null;
}

export interface FolderRules {
  include: string[];
  exclude: string[];
  map: Record<string, string>;
  rename: RenameRule[];
  automap: boolean;
  subfolder: string | null;
  skipEmpty: boolean;
  gmail: GmailRules;
}

/** folders.gmail, filled in: the label and All Mail policy for a Gmail source. */
export interface GmailRules {
  labels: GmailLabels;
  priority: string[];
  allMail: GmailAllMail;
  archiveFolder: string;
}

export interface MessageRules {
  identity: Identity;
  useSize: boolean;
  addMessageId: boolean;
  maxAgeDays: number | null;
  minAgeDays: number | null;
  maxSize: number | null;
  minSize: number | null;
  /** The target's own limit: a larger message is left out as too large for it. */
  targetMaxSize: number | null;
  syncFlags: boolean;
  skipDeleted: boolean;
}

export interface AccountSettings {
  id: string;
  description: string | null;
  source: EndpointSettings;
  target: EndpointSettings;
}

interface PhaseCommon {
  name: string;
  description: string | null;
  requires: string[];
}
export interface ManualPhase extends PhaseCommon {
  kind: 'manual';
  instruction: string;
}
export interface SyncPhase extends PhaseCommon {
  kind: 'sync';
  deleteTarget: boolean;
  deleteTargetFolders: false | { only: string | null; except: string | null };
  deleteSource: boolean;
  expungeSource: ExpungeMode;
  justFolders: boolean;
}
export type PhaseSettings = ManualPhase | SyncPhase;

/** The whole manifest, normalised: every default filled in, endpoints merged over `defaults`. */
export interface Settings {
  name: string;
  description: string | null;
  accounts: AccountSettings[];
  phases: PhaseSettings[];
  /** The rule layers, kept for sliceSettings: top-level, per account, per phase. */
  ruleLayers: {
    folders: FolderRulesInput | undefined;
    messages: MessageRulesInput | undefined;
    accounts: Record<string, { folders: FolderRulesInput | undefined; messages: MessageRulesInput | undefined }>;
    phases: Record<string, { folders: FolderRulesInput | undefined; messages: MessageRulesInput | undefined }>;
  };
}

/** What one account does in one sync phase: the executor's unit of work. */
export interface SliceSettings {
  account: AccountSettings;
  phase: SyncPhase;
  folders: FolderRules;
  messages: MessageRules;
}

/** The `default` of every property of a schema $def: defaults live in the schema, nowhere else. */
export function schemaDefaults(definition: 'endpoint' | 'folders' | 'messages' | 'phase'): Record<string, unknown> {
  const properties = manifestSchema.$defs[definition].properties as Record<string, { default?: unknown }>;
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, property]) => 'default' in property)
      .map(([key, property]) => [key, structuredClone(property.default)]),
  );
}

/** An account side: schema defaults, then the manifest's `defaults`, then the account's own keys. */
export function mergeEndpoint(shared: EndpointInput | undefined, own: EndpointInput | undefined): EndpointInput {
  return deepMerge<EndpointInput>(schemaDefaults('endpoint') as EndpointInput, shared, own) as EndpointInput;
}

/** Normalise a manifest that passed the schema and the rules (checkRules) into typed settings. */
export function normalise(manifest: ManifestInput): Settings {
  return {
    name: manifest.name,
    description: manifest.description ?? null,
    accounts: manifest.accounts.map((account) => ({
      id: account.id,
      description: account.description ?? null,
      source: endpointSettings(mergeEndpoint(manifest.defaults?.source, account.source)),
      target: endpointSettings(mergeEndpoint(manifest.defaults?.target, account.target)),
    })),
    phases: manifest.phases.map(phaseSettings),
    ruleLayers: {
      folders: manifest.folders,
      messages: manifest.messages,
      accounts: Object.fromEntries(manifest.accounts.map((account) => [account.id, accountRuleLayer(account)])),
      phases: Object.fromEntries(
        manifest.phases.map((phase) => [phase.name, { folders: phase.folders, messages: phase.messages }]),
      ),
    },
  };
}

/** The rules for one account in one sync phase: top-level, then the account's, then the phase's. */
export function sliceSettings(settings: Settings, accountId: string, phaseName: string): SliceSettings {
  const account = settings.accounts.find((a) => a.id === accountId);
  const phase = settings.phases.find((p) => p.name === phaseName);
  if (!account) throw new Error(`no account ${accountId}`);
  if (!phase || phase.kind !== 'sync') throw new Error(`no sync phase ${phaseName}`);
  const layers = settings.ruleLayers;
  return {
    account,
    phase,
    folders: deepMerge<FolderRulesInput>(
      schemaDefaults('folders'),
      layers.folders,
      layers.accounts[accountId]?.folders,
      layers.phases[phaseName]?.folders,
    ) as FolderRules,
    messages: deepMerge<MessageRulesInput>(
      schemaDefaults('messages'),
      layers.messages,
      layers.accounts[accountId]?.messages,
      layers.phases[phaseName]?.messages,
    ) as MessageRules,
  };
}

function accountRuleLayer(account: AccountInput): {
  folders: FolderRulesInput | undefined;
  messages: MessageRulesInput | undefined;
} {
  const folders =
    account.subfolder !== undefined ? { ...account.folders, subfolder: account.subfolder } : account.folders;
  return { folders, messages: account.messages };
}

function endpointSettings(endpoint: EndpointInput): EndpointSettings {
  const tls = endpoint.tls!;
  return {
    host: endpoint.host!,
    port: endpoint.port ?? (tls === 'implicit' ? 993 : 143),
    tls,
    tlsVerify: endpoint.tlsVerify!,
    allowPlaintext: endpoint.allowPlaintext!,
    user: endpoint.user!,
    ...(endpoint.auth?.authorizeAs === undefined ? {} : { authorizeAs: endpoint.auth.authorizeAs }),
    credential: credentialOf(endpoint),
    connections: endpoint.connections!,
    maxMessagesPerSecond: endpoint.maxMessagesPerSecond ?? null,
    maxBytesPerSecond: endpoint.maxBytesPerSecond ?? null,
    timeoutSeconds: endpoint.timeoutSeconds!,
    maxThrottleWaitSeconds: endpoint.maxThrottleWaitSeconds!,
    maxBytesPerDay: endpoint.maxBytesPerDay ?? null,
  };
}

function credentialOf(endpoint: EndpointInput): Credential {
  const mechanism = endpoint.auth?.mechanism ?? 'PLAIN';
  if (mechanism === 'XOAUTH2') {
    const { oauth2, accessToken } = endpoint.auth!;
    return oauth2 ? { mechanism, oauth2 } : { mechanism, accessToken: accessToken! };
  }
  return { mechanism, password: endpoint.password! };
}

function phaseSettings(phase: PhaseInput): PhaseSettings {
  const common = { name: phase.name, description: phase.description ?? null, requires: phase.requires ?? [] };
  if (phase.manual !== undefined) return { kind: 'manual', ...common, instruction: phase.manual };
  const filled = deepMerge<PhaseInput>(schemaDefaults('phase') as Partial<PhaseInput>, phase) as Required<PhaseInput>;
  const folders = filled.deleteTargetFolders;
  return {
    kind: 'sync',
    ...common,
    deleteTarget: filled.deleteTarget,
    deleteTargetFolders:
      folders === false
        ? false
        : folders === true
          ? { only: null, except: null }
          : { only: folders.only ?? null, except: folders.except ?? null },
    deleteSource: filled.deleteSource,
    expungeSource: filled.expungeSource,
    justFolders: filled.justFolders,
  };
}
