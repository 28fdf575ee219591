import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImapFlow } from 'imapflow';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';
import type { Framed } from '../../../../src/imap/wire/response-framer.ts';
import { frameWhileActive, responsesFramedHere } from '../../../../src/imap/wire/stream-takeover.ts';

// The takeover on imapflow's real ImapStream (no server needed: bytes are written into the stream
// as the socket would). What imapflow's reader gets must be exactly what it would have got without
// the takeover, less the responses claimed; claimed responses must be whole and in order.

interface Rig {
  flow: ImapFlow;
  stream: ImapStream;
  /** Payloads as imapflow's reader gets them. */
  imapflow: string[];
  claimed: string[];
  errors: Error[];
  active: boolean;
  write(bytes: string): Promise<void>;
}

function rig(options: { maxLiteralSize?: number } = {}): Rig {
  const stream = new ImapStream({ logger: false, ...options });
  const state: Rig = {
    // A real client (every member internals.ts checks) reading from the rig's stream.
    flow: Object.assign(new ImapFlow({ host: '127.0.0.1', port: 1, logger: false }), { streamer: stream }),
    stream,
    imapflow: [],
    claimed: [],
    errors: [],
    active: false,
    async write(bytes) {
      await new Promise<void>((done) => stream.write(Buffer.from(bytes, 'latin1'), () => done()));
      await new Promise((settle) => setImmediate(settle));
    },
  };
  stream.on('data', (item: Framed & { next: () => void }) => {
    state.imapflow.push(
      `${item.payload.toString('latin1')}${item.literals.map((l) => `|${l.toString('latin1')}`).join('')}`,
    );
    item.next();
  });
  stream.on('error', (error: Error) => state.errors.push(error));
  const installed = frameWhileActive(
    state.flow,
    () => state.active,
    (response) => {
      if (!response.payload.toString('latin1').includes(' FETCH ')) return false;
      state.claimed.push(
        `${response.payload.toString('latin1')}${response.literals.map((l) => `|${l.toString('latin1')}`).join('')}`,
      );
      return true;
    },
  );
  assert.ok(installed, "imapflow's stream is the one the takeover knows");
  return state;
}

const ANSWER =
  '* 1 FETCH (UID 4 BODY[] {5}\r\nhello)\r\n* 3 EXPUNGE\r\n* 2 FETCH (UID 6 BODY[] {3}\r\nabc)\r\nA5 OK done\r\n';

test('inactive: imapflow frames everything, nothing is claimed', async () => {
  const r = rig();
  await r.write(ANSWER);
  assert.equal(r.claimed, []);
  assert.equal(r.imapflow, [
    '* 1 FETCH (UID 4 BODY[] {5}\r\n)|hello',
    '* 3 EXPUNGE',
    '* 2 FETCH (UID 6 BODY[] {3}\r\n)|abc',
    'A5 OK done',
  ]);
  assert.is(responsesFramedHere(r.flow), 0);
});

test('active: claimed answers are taken whole, the rest reaches imapflow in order', async () => {
  const r = rig();
  r.active = true;
  for (const piece of [ANSWER.slice(0, 17), ANSWER.slice(17, 40), ANSWER.slice(40)]) await r.write(piece);
  assert.equal(r.claimed, ['* 1 FETCH (UID 4 BODY[] {5}\r\n)|hello', '* 2 FETCH (UID 6 BODY[] {3}\r\n)|abc']);
  assert.equal(r.imapflow, ['* 3 EXPUNGE', 'A5 OK done']);
  assert.is(responsesFramedHere(r.flow), 4);
  assert.is(r.stream.readBytesCounter, ANSWER.length, "imapflow's byte count stays right");
});

test('the FETCH ends with a response half read: imapflow gets it from its first byte', async () => {
  const r = rig();
  r.active = true;
  await r.write('A5 OK done\r\n* 7 FETCH (UID 9 BODY[] {10}\r\n01234');
  r.active = false;
  await r.write('56789)\r\n* 8 EXISTS\r\n');
  assert.equal(r.claimed, []);
  assert.equal(r.imapflow, ['A5 OK done', '* 7 FETCH (UID 9 BODY[] {10}\r\n)|0123456789', '* 8 EXISTS']);
  assert.is(
    r.stream.readBytesCounter,
    'A5 OK done\r\n* 7 FETCH (UID 9 BODY[] {10}\r\n0123456789)\r\n* 8 EXISTS\r\n'.length,
  );
});

test('no takeover while imapflow is in the middle of a response; it follows once imapflow is idle', async () => {
  const r = rig();
  await r.write('* 1 FETCH (UID 4 BODY[] {5}\r\nhe');
  r.active = true;
  await r.write('llo)\r\n');
  assert.equal(r.imapflow, ['* 1 FETCH (UID 4 BODY[] {5}\r\n)|hello']);
  await r.write('* 2 FETCH (UID 6 BODY[] {3}\r\nabc)\r\n');
  assert.equal(r.claimed, ['* 2 FETCH (UID 6 BODY[] {3}\r\n)|abc']);
});

test("a literal past imapflow's limit: imapflow fails the stream as it would without the takeover", async () => {
  const r = rig({ maxLiteralSize: 8 });
  r.active = true;
  await r.write('* 1 FETCH (UID 4 BODY[] {5}\r\nhello)\r\n* 2 FETCH (UID 6 BODY[] {9}\r\n123456789)\r\n');
  assert.equal(r.claimed, ['* 1 FETCH (UID 4 BODY[] {5}\r\n)|hello']);
  assert.is(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /Literal size 9 exceeds/);
});

test.run();
