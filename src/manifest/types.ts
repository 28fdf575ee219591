// The manifest as written (after Jsonnet, validated against schemas/manifest.v1.schema.json).
// Optional everywhere the schema has a default: settings.ts fills those from the schema.

export type SecretRef = { env: string } | { file: string } | { command: string[] };
export type TlsMode = 'implicit' | 'starttls' | 'none';
export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'XOAUTH2';

export interface EndpointInput {
  host?: string;
  port?: number;
  tls?: TlsMode;
  tlsVerify?: boolean;
  allowPlaintext?: boolean;
  user?: string;
  password?: SecretRef;
  auth?: { mechanism: AuthMechanism; accessToken?: SecretRef };
  connections?: number;
  maxMessagesPerSecond?: number | null;
  maxBytesPerSecond?: number | null;
  timeoutSeconds?: number;
  maxThrottleWaitSeconds?: number;
}

export interface RenameRule {
  match: string;
  replace: string;
}

export interface FolderRulesInput {
  include?: string[];
  exclude?: string[];
  map?: Record<string, string>;
  rename?: RenameRule[];
  automap?: boolean;
  subfolder?: string | null;
  skipEmpty?: boolean;
}

export type Identity = 'headers' | 'uid';

export interface MessageRulesInput {
  identity?: Identity;
  useSize?: boolean;
  addMessageId?: boolean;
  maxAgeDays?: number | null;
  minAgeDays?: number | null;
  maxSize?: number | null;
  minSize?: number | null;
  syncFlags?: boolean;
  skipDeleted?: boolean;
}

export interface AccountInput {
  id: string;
  description?: string;
  /** Optional: completeness is checked after the merge over `defaults` (rules.ts). */
  source?: EndpointInput;
  target?: EndpointInput;
  subfolder?: string | null;
  folders?: FolderRulesInput;
  messages?: MessageRulesInput;
}

export type DeleteTargetFoldersInput = boolean | { only?: string; except?: string };
export type ExpungeMode = 'end' | 'each' | 'never';

export interface PhaseInput {
  name: string;
  description?: string;
  requires?: string[];
  manual?: string;
  folders?: FolderRulesInput;
  messages?: MessageRulesInput;
  deleteTarget?: boolean;
  deleteTargetFolders?: DeleteTargetFoldersInput;
  deleteSource?: boolean;
  expungeSource?: ExpungeMode;
  justFolders?: boolean;
}

export interface ManifestInput {
  $schema?: string;
  apiVersion: 'mailshift/v1';
  name: string;
  description?: string;
  defaults?: { source?: EndpointInput; target?: EndpointInput };
  accounts: AccountInput[];
  folders?: FolderRulesInput;
  messages?: MessageRulesInput;
  phases: PhaseInput[];
}
