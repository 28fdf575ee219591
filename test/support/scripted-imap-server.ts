// A fault injector for the wire layer, not a stand-in for a real server: just enough IMAP4rev1 for
// mailshift to plan and apply from it (LOGIN, LIST, LSUB, STATUS, EXAMINE/SELECT, UID SEARCH and
// UID FETCH of the items mailshift asks for), over folders the test describes. It answers
// correctly unless the test rewrites an answer: `rewriteFetch` gets each UID FETCH's rows as a
// correct server writes them and returns the bytes to send instead; `rewriteLine` does the same
// for every other untagged line. Integration tests use real servers; this one is for what no
// real server can be made to send (a literal longer than its bytes, a UID above UIDNEXT).
import { createServer, type Server, type Socket } from 'node:net';
import type { ImapTestServer } from './imap-server.ts';
import { listenOnLoopback } from './ports.ts';

export interface ScriptedMessage {
  uid: number;
  flags?: string[];
  /** INTERNALDATE as IMAP writes it; a fixed date by default. */
  internalDate?: string;
  raw: string;
}

export interface ScriptedFolder {
  name: string;
  uidValidity?: number;
  /** Defaults to one above the highest UID. */
  uidNext?: number;
  messages: ScriptedMessage[];
}

/** One row of a FETCH answer as a correct server writes it (latin1 text, CRLF included). */
export interface ScriptedRow {
  seq: number;
  uid: number;
  text: string;
}

export interface FetchRequest {
  folder: string;
  set: string;
  /** The item list as sent, e.g. "(UID BODY.PEEK[])". */
  items: string;
  /** How many UID FETCHes of this folder came before this one. */
  count: number;
}

export interface Script {
  folders: ScriptedFolder[];
  /** The bytes to send (latin1) instead of the rows; the tagged OK follows. */
  rewriteFetch?: (rows: ScriptedRow[], request: FetchRequest) => string;
  /** Another untagged line (CRLF excluded) to send instead; e.g. a LIST line with a bad name. */
  rewriteLine?: (line: string) => string;
}

export interface ScriptedServer extends ImapTestServer {
  /** Every command line received (LOGIN's arguments left out). */
  readonly commands: string[];
}

const DEFAULT_DATE = '01-Jan-2024 10:00:00 +0000';

/** Starts the scripted server on a free loopback port; any user logs in with the password it was added with. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const users = new Map<string, string>();
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const listener: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, script, users, commands);
  });
  const port = await listenOnLoopback(listener);
  let stopped: Promise<void> | null = null;
  return {
    name: 'scripted server',
    dir: '',
    host: '127.0.0.1',
    ports: { plain: port },
    delimiter: '/',
    prefix: '',
    commands,
    async addUser(user, password) {
      users.set(user, password);
    },
    stop() {
      stopped ??= new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        listener.close(() => resolve());
      });
      return stopped;
    },
  };
}

function serve(socket: Socket, script: Script, users: ReadonlyMap<string, string>, commands: string[]): void {
  let buffered = '';
  // The command line assembled so far (its literals inlined as quoted strings), and the bytes of
  // a literal still to come (-1 while reading a line).
  let assembled = '';
  let literalLeft = -1;
  let selected: ScriptedFolder | null = null;
  const fetchCounts = new Map<string, number>();
  const send = (text: string) => {
    if (!socket.destroyed) socket.write(Buffer.from(text, 'latin1'));
  };
  const untagged = (line: string) => send(`${script.rewriteLine ? script.rewriteLine(line) : line}\r\n`);
  socket.on('error', () => undefined);
  send('* OK [CAPABILITY IMAP4rev1 UIDPLUS] scripted server ready\r\n');
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (;;) {
      if (literalLeft >= 0) {
        if (buffered.length < literalLeft) return;
        assembled += quote(buffered.slice(0, literalLeft));
        buffered = buffered.slice(literalLeft);
        literalLeft = -1;
        continue;
      }
      const lf = buffered.indexOf('\n');
      if (lf === -1) return;
      const part = buffered.slice(0, lf).replace(/\r$/, '');
      buffered = buffered.slice(lf + 1);
      const literal = /\{(\d+)(\+?)\}$/.exec(part);
      if (literal) {
        assembled += part.slice(0, literal.index);
        literalLeft = Number(literal[1]);
        if (literal[2] !== '+') send('+ go ahead\r\n');
        continue;
      }
      const line = assembled + part;
      assembled = '';
      handle(line);
    }
  });

  function handle(line: string): void {
    const [tag, rawCommand = '', ...rest] = splitWords(line);
    const command = rawCommand.toUpperCase();
    const args = rest;
    commands.push(command === 'LOGIN' ? `${tag} LOGIN` : line);
    const ok = (text = 'done') => send(`${tag} OK ${text}\r\n`);
    const bad = (text: string) => send(`${tag} BAD ${text}\r\n`);
    switch (command) {
      case 'CAPABILITY':
        untagged('* CAPABILITY IMAP4rev1 UIDPLUS');
        return ok();
      case 'NOOP':
        return ok();
      case 'LOGOUT':
        untagged('* BYE bye');
        ok();
        socket.end();
        return;
      case 'LOGIN': {
        const [user, password] = args.map(unquote);
        return users.get(user ?? '') === password
          ? ok('[CAPABILITY IMAP4rev1 UIDPLUS] logged in')
          : send(`${tag} NO [AUTHENTICATIONFAILED] wrong\r\n`);
      }
      case 'LIST':
      case 'LSUB':
        // LIST "" "" asks for the delimiter (and imapflow takes the root from it), not for folders.
        if (command === 'LIST' && args[1] === '""') untagged('* LIST (\\Noselect) "/" ""');
        else for (const folder of script.folders) untagged(`* ${command} (\\HasNoChildren) "/" ${quote(folder.name)}`);
        return ok();
      case 'STATUS': {
        const folder = folderNamed(unquote(args[0] ?? ''));
        if (!folder) return send(`${tag} NO no such folder\r\n`);
        const asked = line
          .slice(line.indexOf('(') + 1, line.lastIndexOf(')'))
          .toUpperCase()
          .split(' ');
        const values: Record<string, number> = {
          MESSAGES: folder.messages.length,
          UIDNEXT: uidNextOf(folder),
          UIDVALIDITY: folder.uidValidity ?? 1,
          UNSEEN: 0,
          RECENT: 0,
        };
        untagged(
          `* STATUS ${quote(folder.name)} (${asked
            .filter((name) => name in values)
            .map((name) => `${name} ${values[name]}`)
            .join(' ')})`,
        );
        return ok();
      }
      case 'EXAMINE':
      case 'SELECT': {
        selected = folderNamed(unquote(args[0] ?? '')) ?? null;
        if (!selected) return send(`${tag} NO no such folder\r\n`);
        untagged('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)');
        untagged(
          `* OK [PERMANENTFLAGS (${command === 'SELECT' ? '\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*' : ''})] flags`,
        );
        untagged(`* ${selected.messages.length} EXISTS`);
        untagged('* 0 RECENT');
        untagged(`* OK [UIDVALIDITY ${selected.uidValidity ?? 1}] uids`);
        untagged(`* OK [UIDNEXT ${uidNextOf(selected)}] next`);
        return ok(`[READ-${command === 'SELECT' ? 'WRITE' : 'ONLY'}] opened`);
      }
      case 'CLOSE':
      case 'UNSELECT':
        selected = null;
        return ok();
      case 'UID': {
        if (!selected) return bad('no folder open');
        const sub = (args[0] ?? '').toUpperCase();
        const messages = sorted(selected);
        if (sub === 'SEARCH') {
          const criteria = args.slice(1).join(' ').toUpperCase();
          const set = /^UID (\S+)$/.exec(criteria)?.[1];
          const found = set === undefined ? messages : messages.filter((m) => inSet(m.uid, set, messages));
          untagged(`* SEARCH${found.map((m) => ` ${m.uid}`).join('')}`);
          return ok();
        }
        if (sub === 'FETCH') {
          const [, set = '', items = ''] = /^\S+ UID FETCH (\S+) (.*)$/i.exec(line) ?? [];
          const rows = messages.flatMap((m, index) =>
            inSet(m.uid, set, messages) ? [{ seq: index + 1, uid: m.uid, text: fetchRow(index + 1, m, items) }] : [],
          );
          const count = fetchCounts.get(selected.name) ?? 0;
          fetchCounts.set(selected.name, count + 1);
          send(
            script.rewriteFetch
              ? script.rewriteFetch(rows, { folder: selected.name, set, items, count })
              : rows.map((row) => row.text).join(''),
          );
          return ok();
        }
        return bad(`UID ${sub} is not scripted`);
      }
      default:
        return bad(`${command} is not scripted`);
    }
  }

  function folderNamed(name: string): ScriptedFolder | undefined {
    return script.folders.find(
      (folder) => folder.name === name || (name.toUpperCase() === 'INBOX' && folder.name === 'INBOX'),
    );
  }
}

function sorted(folder: ScriptedFolder): ScriptedMessage[] {
  return [...folder.messages].sort((a, b) => a.uid - b.uid);
}

function uidNextOf(folder: ScriptedFolder): number {
  return folder.uidNext ?? Math.max(0, ...folder.messages.map((m) => m.uid)) + 1;
}

/** Whether uid is in a UID set ("1:*", "3,5:7"); "*" is the highest UID there is. */
function inSet(uid: number, set: string, messages: readonly ScriptedMessage[]): boolean {
  const highest = Math.max(0, ...messages.map((m) => m.uid));
  return set.split(',').some((part) => {
    const [from, to = from] = part.split(':').map((bound) => (bound === '*' ? highest : Number(bound)));
    return uid >= Math.min(from!, to!) && uid <= Math.max(from!, to!);
  });
}

/** The row a correct server sends for the items asked ("(UID RFC822.SIZE ... BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]<0.100>)"). */
function fetchRow(seq: number, message: ScriptedMessage, items: string): string {
  const raw = message.raw;
  const headerEnd = raw.indexOf('\r\n\r\n');
  const header = headerEnd === -1 ? raw : raw.slice(0, headerEnd + 4);
  const parts: string[] = [];
  for (const match of items.matchAll(/(BODY\.PEEK|BODY)\[([^\]]*)\](?:<(\d+)\.(\d+)>)?|[A-Z0-9.]+/gi)) {
    const name = match[0].toUpperCase();
    if (name === 'UID') parts.push(`UID ${message.uid}`);
    else if (name === 'RFC822.SIZE') parts.push(`RFC822.SIZE ${Buffer.byteLength(raw, 'latin1')}`);
    else if (name === 'INTERNALDATE') parts.push(`INTERNALDATE "${message.internalDate ?? DEFAULT_DATE}"`);
    else if (name === 'FLAGS') parts.push(`FLAGS (${(message.flags ?? []).join(' ')})`);
    else if (match[1]) {
      const section = match[2]!.toUpperCase();
      let body = section === '' ? raw : section === 'HEADER' ? header : headerFields(header, section);
      const origin = match[3] === undefined ? '' : `<${match[3]}>`;
      if (match[3] !== undefined) body = body.slice(Number(match[3]), Number(match[3]) + Number(match[4]));
      parts.push(`BODY[${match[2]}]${origin} {${Buffer.byteLength(body, 'latin1')}}\r\n${body}`);
    }
  }
  return `* ${seq} FETCH (${parts.join(' ')})\r\n`;
}

/** HEADER.FIELDS (A B): those header fields, continuation lines included, then the blank line. */
function headerFields(header: string, section: string): string {
  const wanted = new Set(
    /\(([^)]*)\)/
      .exec(section)?.[1]!
      .split(' ')
      .map((name) => name.toLowerCase()),
  );
  const kept: string[] = [];
  let keeping = false;
  for (const line of header.split('\r\n')) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (keeping) kept.push(line);
      continue;
    }
    keeping = wanted.has(line.slice(0, line.indexOf(':')).toLowerCase());
    if (keeping) kept.push(line);
  }
  return `${kept.map((line) => `${line}\r\n`).join('')}\r\n`;
}

/** Words of a command line; a quoted string or a parenthesised list is one word. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let at = 0;
  while (at < line.length) {
    if (line[at] === ' ') {
      at++;
      continue;
    }
    let end = at;
    if (line[at] === '"') {
      end++;
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      end++;
    } else if (line[at] === '(') {
      let depth = 0;
      do {
        if (line[end] === '(') depth++;
        if (line[end] === ')') depth--;
        end++;
      } while (end < line.length && depth > 0);
    } else {
      while (end < line.length && line[end] !== ' ') end++;
    }
    words.push(line.slice(at, end));
    at = end;
  }
  return words;
}

function unquote(word: string): string {
  return word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
}

function quote(name: string): string {
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}
