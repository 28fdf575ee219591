import type { ServerSnapshot } from '../plan/snapshot.ts';
import { flowOf, type ImapConnection } from './connection.ts';

/**
 * The server as it described itself at login: CAPABILITY after authentication, ID (RFC 2971; many
 * servers answer only a name, some nothing; without ID, its greeting names it), and the personal namespace. imapflow asks NAMESPACE
 * while connecting and falls back to LIST "" "" itself when the server has no NAMESPACE; a server
 * that refuses both gets prefix '' and the delimiter of its INBOX listing, passed in here.
 */
export function readServerInfo(connection: ImapConnection, fallbackDelimiter: string | null = null): ServerSnapshot {
  const flow = flowOf(connection);
  const capabilities = [...flow.capabilities.entries()]
    .map(([name, value]) => (typeof value === 'number' && value > 0 ? `${name}=${value}` : name))
    .sort();
  const limit = flow.capabilities.get('APPENDLIMIT');
  return {
    name: serverName(flow.serverInfo) ?? greetingName(flow.greeting),
    capabilities,
    delimiter: flow.namespace && flow.namespace.delimiter !== undefined ? flow.namespace.delimiter : fallbackDelimiter,
    personalPrefix: flow.namespace?.prefix ?? '',
    // A bare APPENDLIMIT (no "=N") means the limit differs per folder: nothing account-wide to say.
    appendLimit: typeof limit === 'number' && limit > 0 ? limit : null,
  };
}

function serverName(info: { name?: unknown; version?: unknown } | null): string | null {
  const name = typeof info?.name === 'string' ? info.name.trim() : '';
  if (name === '') return null;
  const version = typeof info?.version === 'string' ? info.version.trim() : '';
  return version === '' ? name : `${name} ${version}`;
}

/** The greeting's text where ID named no server ("Courier-IMAP ready. Copyright …"): its start, printable, marked as such. */
function greetingName(greeting: unknown): string | null {
  if (typeof greeting !== 'string') return null;
  const text = greeting
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return null;
  return `${text.length > 40 ? `${text.slice(0, 39)}…` : text} (greeting)`;
}
