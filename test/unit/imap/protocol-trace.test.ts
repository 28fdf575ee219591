import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImapFlow } from 'imapflow';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';
import { MailshiftError } from '../../../src/errors.ts';
import { ProtocolTrace } from '../../../src/imap/protocol-trace.ts';
import { loggedTraceOptions } from '../../../src/imap/logged-trace.ts';
import { tapWire } from '../../../src/imap/wire/wire-tap.ts';

// The trace file (labels, mode, line format) and the tap on imapflow's write() and response stream,
// with imapflow's real ImapStream and a client that writes as imapflow's does (CRLF added to the
// last part of a command, counted in stats().sent).

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

function withDir(run: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-unit-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => {
      assert.match(line, LINE);
      return line.replace(LINE, '');
    });
}

/** A stand-in for imapflow's client: write() as imapflow's (CRLF on a command's last part), the real ImapStream. */
/** A real client (every member internals.ts checks) whose write() only counts, reading from a stream of its own. */
function fakeFlow() {
  let sent = 0;
  const flow = Object.assign(new ImapFlow({ host: '127.0.0.1', port: 1, logger: false }), {
    commandParts: [] as Buffer[],
    streamer: new ImapStream({ logger: false }),
    write(chunk: string | Buffer) {
      sent +=
        (typeof chunk === 'string' ? Buffer.byteLength(chunk, 'binary') : chunk.length) +
        (flow.commandParts.length === 0 ? 2 : 0);
    },
    stats: () => ({ sent, received: 0 }),
  });
  flow.streamer.on('data', (item: { next(): void }) => item.next());
  return flow;
}

test(
  'sessions are numbered per side and account; lines carry timestamp, label and direction',
  withDir((dir) => {
    const file = join(dir, 't.log');
    const trace = ProtocolTrace.open(file);
    trace.session('source', 'alice', []).note('one');
    trace.session('target', 'alice', []).note('two');
    trace.session('target', 'alice', []).note('three');
    trace.session('target', 'bob', []).note('four');
    assert.equal(trace.close(), []);
    assert.equal(lines(file), [
      'source alice#1 -- one',
      'target alice#1 -- two',
      'target alice#2 -- three',
      'target bob#1 -- four',
    ]);
  }),
);

test(
  'the file is created 0600, an existing one is appended to and tightened to 0600',
  withDir((dir) => {
    const file = join(dir, 't.log');
    ProtocolTrace.open(file).close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, 'earlier\n');
    chmodSync(file, 0o644);
    const trace = ProtocolTrace.open(file);
    trace.session('source', 'a', []).note('later');
    trace.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^earlier\n.* source a#1 -- later\n$/);
  }),
);

test(
  'a path that cannot be opened is a TRACE_WRITE error naming the path, the reason and the fix',
  withDir((dir) => {
    const missing = join(dir, 'no', 'such', 't.log');
    try {
      ProtocolTrace.open(missing);
      assert.unreachable('opened');
    } catch (error) {
      assert.instance(error, MailshiftError);
      const [d] = (error as MailshiftError).diagnostics;
      assert.equal(d!.code, 'TRACE_WRITE');
      assert.equal(d!.message, `cannot write the protocol trace to ${missing}: its folder does not exist`);
      assert.match(d!.hint!, /--trace/);
    }
  }),
);

test(
  'the tap traces what the client wrote (with the CRLF imapflow adds) and what the server sent, before imapflow reads it',
  withDir(async (dir) => {
    const file = join(dir, 't.log');
    const trace = ProtocolTrace.open(file);
    const flow = fakeFlow();
    tapWire(flow, trace.session('target', 'alice', ['hunter22']));
    flow.commandParts = [Buffer.from('hello')];
    flow.write('A1 APPEND INBOX {5}\r\n');
    flow.commandParts = [];
    flow.write(Buffer.from('hello'));
    flow.write('A2 LOGIN alice "hunter22"');
    await new Promise<void>((done) =>
      flow.streamer.write(Buffer.from('* OK ready\r\nA2 OK [x] hunter22 accepted\r\n'), () => done()),
    );
    trace.close();
    assert.equal(lines(file), [
      'target alice#1 C: A1 APPEND INBOX {5}',
      'target alice#1 C: {5 bytes}',
      'target alice#1 C: A2 LOGIN alice <redacted>',
      'target alice#1 S: * OK ready',
      'target alice#1 S: A2 OK [x] <redacted> accepted',
    ]);
  }),
);

test('a write that fails part way (a full disk) stops the trace, never the session, and close() warns', () => {
  const trace = ProtocolTrace.open('/dev/full');
  const session = trace.session('source', 'alice', []);
  session.note('first');
  session.server(Buffer.from('* OK more\r\n'));
  const [d, ...rest] = trace.close();
  assert.equal(rest, []);
  assert.equal(d!.severity, 'warning');
  assert.equal(d!.code, 'TRACE_WRITE');
  assert.match(d!.message, /protocol trace \/dev\/full stopped early/);
});

test(
  "on imapflow's public API the trace reads its raw log: the same lines, the login as imapflow withholds it",
  withDir((dir) => {
    const file = join(dir, 't.log');
    const trace = ProtocolTrace.open(file);
    const { logger, logRaw } = loggedTraceOptions(trace.session('source', 'alice', ['hunter22']));
    assert.is(logRaw, true);
    const log = logger as { trace(entry: object): void; debug(entry: object): void };
    const raw = (src: string, text: string) => ({ src, msg: 'raw', data: Buffer.from(text).toString('base64') });
    log.trace(raw('s', '* OK ready\r\n'));
    log.trace(raw('c', '(* value hidden *)\r\n'));
    log.debug({ src: 'c', msg: 'A1 LOGIN alice "hunter22"' });
    log.trace(raw('c', 'A2 SELECT INBOX\r\n'));
    log.trace(raw('s', 'A2 OK [READ-WRITE] hunter22 done\r\n'));
    trace.close();
    assert.equal(lines(file), [
      'source alice#1 S: * OK ready',
      'source alice#1 C: (* value hidden *)',
      'source alice#1 C: A2 SELECT INBOX',
      'source alice#1 S: A2 OK [READ-WRITE] <redacted> done',
    ]);
  }),
);

test.run();
