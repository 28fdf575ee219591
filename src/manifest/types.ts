// The manifest as written (after Jsonnet, validated against schemas/manifest.v1.schema.json).
// Optional everywhere the schema has a default: settings.ts fills those from the schema.

export type SecretRef = { env: string } | { file: string } | { command: string[] };
export type TlsMode = 'implicit' | 'starttls' | 'none';
export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'XOAUTH2';

/** Where XOAUTH2 tokens come from when mailshift fetches them itself (src/oauth2/). */
export type OAuth2Input = MicrosoftOAuth2 | GoogleOAuth2 | RefreshOAuth2;

/** Microsoft identity platform, client-credentials grant (app-only access, IMAP.AccessAsApp). */
export interface MicrosoftOAuth2 {
  provider: 'microsoft';
  tenant: string;
  clientId: string;
  /** One of clientSecret and clientCertificate (checked in rules.ts). */
  clientSecret?: SecretRef;
  clientCertificate?: { privateKey: SecretRef; thumbprint: string };
  scope?: string;
  /** Another cloud's (or a test's) token endpoint instead of login.microsoftonline.com. */
  tokenUrl?: string;
}

/** Google service account with domain-wide delegation: a JWT signed with its key, subject = the endpoint's user. */
export interface GoogleOAuth2 {
  provider: 'google';
  /** The service account's JSON key file (as downloaded from the Cloud console). */
  serviceAccountKey: SecretRef;
  scope?: string;
  tokenUrl?: string;
}

/** Any OAuth2 server: the refresh-token grant (RFC 6749 section 6). */
export interface RefreshOAuth2 {
  provider: 'refresh';
  tokenUrl: string;
  clientId: string;
  clientSecret?: SecretRef;
  refreshToken: SecretRef;
  scope?: string;
}

export interface EndpointInput {
  host?: string;
  port?: number;
  tls?: TlsMode;
  tlsVerify?: boolean;
  allowPlaintext?: boolean;
  user?: string;
  password?: SecretRef;
  /** `authorizeAs`: `user` and `password` are an admin's, who logs in to this mailbox (SASL PLAIN, RFC 4616). */
  auth?: { mechanism: AuthMechanism; accessToken?: SecretRef; authorizeAs?: string; oauth2?: OAuth2Input };
  connections?: number;
  maxMessagesPerSecond?: number | null;
  maxBytesPerSecond?: number | null;
  timeoutSeconds?: number;
  maxThrottleWaitSeconds?: number;
  maxBytesPerDay?: number | null;
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
  gmail?: GmailRulesInput;
}

export type GmailLabels = 'folders' | 'first';
export type GmailAllMail = 'skip' | 'unlabelled';

export interface GmailRulesInput {
  labels?: GmailLabels;
  priority?: string[];
  allMail?: GmailAllMail;
  archiveFolder?: string;
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
  targetMaxSize?: number | null;
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
