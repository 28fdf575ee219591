import { closeSync, fstatSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { MailshiftError, problem, warning, type Diagnostic } from '../errors.ts';
import type { Side } from './connection.ts';
import { TraceLines } from './trace-lines.ts';
import { TraceRedaction } from './trace-redaction.ts';

// --trace FILE: every IMAP session the command opens, one line per protocol line,
//   2026-12-07T08:00:00.123Z target alice#2 C: a5 UID FETCH 1:* (UID FLAGS)
// credentials and literals left out (trace-redaction.ts, trace-lines.ts). Each line is appended
// with its own write, so a crash leaves everything up to it readable; the file is the user's alone
// (0600), as it names users, folders and servers.

/** What a trace needs of a session's socket: the bytes the client writes and the bytes it reads (wire-tap.ts). */
export interface TracedSession {
  client(chunk: Buffer): void;
  server(chunk: Buffer): void;
  /** An event that is not a protocol line: connecting, closed, why the login failed. */
  note(text: string): void;
}

/** The open trace file of one command run. */
export class ProtocolTrace {
  private readonly numbers = new Map<string, number>();
  private failure: string | null = null;

  private constructor(
    private fd: number | null,
    readonly path: string,
  ) {}

  /** Creates (0600) or appends to the trace file; a path that cannot be written is a USAGE error before any IMAP work. */
  static open(path: string): ProtocolTrace {
    const absolute = resolve(path);
    let fd: number;
    try {
      fd = openSync(absolute, 'a', 0o600);
      const stat = fstatSync(fd);
      if (stat.isFile() && (stat.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    } catch (error) {
      throw new MailshiftError(openFailure(absolute, error as NodeJS.ErrnoException));
    }
    return new ProtocolTrace(fd, absolute);
  }

  /** A new session of one side of one account: its label counts the connections of that side (`target alice#2`). */
  session(side: Side, accountId: string, secrets: readonly string[]): TracedSession {
    const key = `${side} ${accountId}`;
    const number = (this.numbers.get(key) ?? 0) + 1;
    this.numbers.set(key, number);
    const label = `${key}#${number}`;
    const redaction = new TraceRedaction(secrets);
    const client = new TraceLines((text, continued) => this.line(label, 'C:', redaction.client(text, continued)), true);
    const server = new TraceLines((text) => this.line(label, 'S:', redaction.server(text)), false);
    return {
      client: (chunk) => client.push(chunk),
      server: (chunk) => server.push(chunk),
      note: (text) => this.line(label, '--', redaction.server(text)),
    };
  }

  /** A warning when writing stopped part way (a full disk), else nothing; closes the file. */
  close(): Diagnostic[] {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.failure === null) return [];
    return [
      warning(
        'TRACE_WRITE',
        `the protocol trace ${this.path} stopped early: ${this.failure}`,
        'free space or pick another --trace file; the IMAP work itself went on',
      ),
    ];
  }

  private line(label: string, direction: string, text: string): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, `${new Date().toISOString()} ${label} ${direction} ${text}\n`);
    } catch (error) {
      // A trace must never break the session it watches.
      this.failure = (error as Error).message;
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

function openFailure(path: string, error: NodeJS.ErrnoException): Diagnostic {
  const why =
    error.code === 'ENOENT'
      ? 'its folder does not exist'
      : error.code === 'EACCES' || error.code === 'EPERM'
        ? 'permission denied'
        : error.code === 'EISDIR'
          ? 'it is a folder'
          : error.message;
  return problem(
    'TRACE_WRITE',
    `cannot write the protocol trace to ${path}: ${why}`,
    'give --trace a file in a folder you can write to (the folder must exist), e.g. --trace ./mailshift-trace.log',
    { file: path },
  );
}
