import { MailshiftError, type Diagnostic } from '../errors.ts';
import { openConnection } from '../imap/connect.ts';
import type { Side } from '../imap/connection.ts';
import { listFolders } from '../imap/list-folders.ts';
import { readServerInfo } from '../imap/server-info.ts';
import type { AccountSettings } from '../manifest/settings.ts';
import { mapInLanes } from '../concurrency.ts';
import { tokenInfo, type TokenInfo } from '../oauth2/access-token.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';

/** The capabilities worth a column: what migrations use when the server has them. */
export const NOTABLE_CAPABILITIES = [
  'UIDPLUS',
  'CONDSTORE',
  'QRESYNC',
  'MOVE',
  'SPECIAL-USE',
  'COMPRESS=DEFLATE',
  'APPENDLIMIT',
  'MULTIAPPEND',
  'LITERAL+',
  // Gmail's extension: X-GM-LABELS and X-GM-MSGID, read for folders.gmail.
  'X-GM-EXT-1',
] as const;

/** One side of one account: whether the login worked, and what the server is and holds. */
export interface SideCheck {
  host: string;
  port: number;
  user: string;
  /** The mailbox an admin `user` logs in to; absent: the user's own. */
  authorizeAs?: string;
  ok: boolean;
  /** Why it failed (null when ok). */
  error: Diagnostic | null;
  server: string | null;
  /** NOTABLE_CAPABILITIES the server has, in that order. */
  capabilities: string[];
  appendLimit: number | null;
  /** Hierarchy delimiter of the personal namespace ('.' on Courier-style servers, '/' on others; null when unknown or flat). */
  delimiter: string | null;
  /** Personal namespace prefix (NAMESPACE, RFC 2342): 'INBOX.' on Courier-style servers, usually '' elsewhere; null when failed. */
  personalPrefix: string | null;
  folders: number | null;
  /** Sum of STATUS MESSAGES over the selectable folders. */
  messages: number | null;
  /** Who issued the XOAUTH2 token mailshift fetched (auth.oauth2), and its expiry; never the token. */
  token: TokenInfo | null;
}

export interface AccountCheck {
  account: string;
  source: SideCheck;
  target: SideCheck;
}

export interface CheckContext {
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
  /** Accounts checked at once (each logs in on both sides at once). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

/** Logs in on both sides of each account (bounded concurrency), lists folders, logs out. Never throws for a server's refusal. */
export async function checkAccounts(
  accounts: readonly AccountSettings[],
  context: CheckContext,
): Promise<AccountCheck[]> {
  return mapInLanes(accounts, context.concurrency ?? DEFAULT_CONCURRENCY, async (account) => {
    const [source, target] = await Promise.all([
      checkSide(account, 'source', context),
      checkSide(account, 'target', context),
    ]);
    return { account: account.id, source, target };
  });
}

async function checkSide(account: AccountSettings, side: Side, context: CheckContext): Promise<SideCheck> {
  const endpoint = account[side];
  const mailbox = endpoint.authorizeAs === undefined ? {} : { authorizeAs: endpoint.authorizeAs };
  const base = { host: endpoint.host, port: endpoint.port, user: endpoint.user, ...mailbox };
  const { credential } = endpoint;
  const token = () =>
    credential.mechanism === 'XOAUTH2' && credential.oauth2 ? tokenInfo(credential.oauth2, endpoint.user) : null;
  try {
    const connection = await openConnection(endpoint, {
      side,
      accountId: account.id,
      manifestDir: context.manifestDir,
      env: context.env,
      verbose: context.verbose,
      trace: context.trace,
    });
    try {
      const folders = await listFolders(connection);
      const inbox = folders.find((folder) => folder.name.toUpperCase() === 'INBOX');
      const server = readServerInfo(connection, inbox?.delimiter ?? null);
      const names = new Set(server.capabilities.map((capability) => capability.replace(/=\d+$/, '')));
      return {
        ...base,
        ok: true,
        error: null,
        server: server.name,
        capabilities: NOTABLE_CAPABILITIES.filter((capability) => names.has(capability)),
        appendLimit: server.appendLimit,
        delimiter: server.delimiter,
        personalPrefix: server.personalPrefix,
        folders: folders.length,
        messages: folders.reduce((sum, folder) => sum + (folder.state?.messages ?? 0), 0),
        token: token(),
      };
    } finally {
      await connection.close();
    }
  } catch (error) {
    if (!(error instanceof MailshiftError)) throw error;
    return {
      ...base,
      ok: false,
      error: error.diagnostics[0]!,
      server: null,
      capabilities: [],
      appendLimit: null,
      delimiter: null,
      personalPrefix: null,
      folders: null,
      messages: null,
      token: token(),
    };
  }
}
