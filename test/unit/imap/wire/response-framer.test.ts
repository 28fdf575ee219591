import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';
import {
  literalAnnounced,
  ResponseFramer,
  type Framed,
  type FramerLimits,
} from '../../../../src/imap/wire/response-framer.ts';

// The framer must cut a byte stream exactly where imapflow's ImapStream cuts it: the same
// payloads, the same literals, whatever the socket's chunks. imapflow's stream is the oracle.

const NO_LIMITS: FramerLimits = {
  line: Number.POSITIVE_INFINITY,
  literal: Number.POSITIVE_INFINITY,
  response: Number.POSITIVE_INFINITY,
};

interface Cut {
  payload: string;
  literals: string[];
}

function cutsOf(responses: Framed[]): Cut[] {
  return responses.map((response) => ({
    payload: response.payload.toString('latin1'),
    literals: response.literals.map((literal) => literal.toString('latin1')),
  }));
}

function frame(chunks: Buffer[], limits = NO_LIMITS): Cut[] {
  const framer = new ResponseFramer(limits);
  const framed: Framed[] = [];
  for (const chunk of chunks)
    assert.is(
      framer.push(chunk, (response) => framed.push(response)),
      chunk.length,
    );
  assert.ok(framer.clean, 'nothing half read at the end');
  return cutsOf(framed);
}

/** What imapflow's own stream frames from the same chunks. */
async function frameByImapflow(chunks: Buffer[]): Promise<Cut[]> {
  const stream = new ImapStream({ logger: false });
  const framed: Framed[] = [];
  stream.on('data', (item: Framed & { next: () => void }) => {
    framed.push(item);
    item.next();
  });
  for (const chunk of chunks) await new Promise<void>((done) => stream.write(chunk, () => done()));
  await new Promise((settle) => setImmediate(settle));
  return cutsOf(framed);
}

function inChunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

const STREAM = Buffer.from(
  [
    '* 1 FETCH (UID 7 BODY[] {12}\r\nSubject: x\r\n)\r\n',
    '* 2 FETCH (UID 8 FLAGS (\\Seen) BODY[HEADER.FIELDS (MESSAGE-ID)] {0}\r\n)\r\n',
    '* 3 FETCH (UID 9 BODY[1] {5}\r\n{3}\r\n BODY[2] {4}\r\n\r\n\r\n)\r\n',
    '* 4 FETCH (UID 10 BINARY[] ~{6}\r\nab\0cd\n)\n',
    '\r\n',
    '* 5 EXISTS\r\n',
    'A12 OK [APPENDUID 3 7:9] done\r\n',
  ].join(''),
  'latin1',
);

test('whole responses: lines joined, literals apart, the last line break dropped', () => {
  assert.equal(frame([STREAM]), [
    { payload: '* 1 FETCH (UID 7 BODY[] {12}\r\n)', literals: ['Subject: x\r\n'] },
    { payload: '* 2 FETCH (UID 8 FLAGS (\\Seen) BODY[HEADER.FIELDS (MESSAGE-ID)] {0}\r\n)', literals: [''] },
    { payload: '* 3 FETCH (UID 9 BODY[1] {5}\r\n BODY[2] {4}\r\n)', literals: ['{3}\r\n', '\r\n\r\n'] },
    { payload: '* 4 FETCH (UID 10 BINARY[] ~{6}\r\n)', literals: ['ab\0cd\n'] },
    { payload: '* 5 EXISTS', literals: [] },
    { payload: 'A12 OK [APPENDUID 3 7:9] done', literals: [] },
  ]);
});

test('the same cuts as imapflow, whatever the chunk size', async () => {
  const expected = await frameByImapflow([STREAM]);
  for (let size = 1; size <= STREAM.length; size++)
    assert.equal(frame(inChunksOf(STREAM, size)), expected, `chunks of ${size}`);
});

test('random responses in random chunks: the same cuts as imapflow', async () => {
  let seed = 7;
  const random = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  for (let round = 0; round < 40; round++) {
    const parts: string[] = [];
    for (let n = random(8) + 1; n > 0; n--) {
      let response = `* ${n} FETCH (UID ${n}`;
      for (let literals = random(3); literals > 0; literals--) {
        const body = Array.from({ length: random(40) }, () => '\r\n{}x )'[random(7)]).join('');
        response += ` BODY[${literals}] {${body.length}}\r\n${body}`;
      }
      parts.push(`${response})${random(4) === 0 ? '\n' : '\r\n'}`);
    }
    const bytes = Buffer.from(parts.join(''), 'latin1');
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = random(30) + 1;
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.equal(frame(chunks), await frameByImapflow(chunks), `round ${round}`);
  }
});

test('a literal inside one chunk is not copied', () => {
  const chunk = Buffer.from('* 1 FETCH (UID 7 BODY[] {5}\r\nhello)\r\n');
  const framed: Framed[] = [];
  new ResponseFramer(NO_LIMITS).push(chunk, (response) => framed.push(response));
  const literal = framed[0]!.literals[0]!;
  assert.ok(
    literal.buffer === chunk.buffer && literal.byteOffset === chunk.byteOffset + chunk.indexOf('hello'),
    'a view of the chunk',
  );
  assert.is(framed[0]!.trailingAfterLine, false);
});

test('trailingAfterLine: whether the chunk goes on after the response', () => {
  const framed: Framed[] = [];
  new ResponseFramer(NO_LIMITS).push(Buffer.from('* 5 EXISTS\r\n* 6 EXISTS\r\n'), (response) => framed.push(response));
  assert.equal(
    framed.map((response) => response.trailingAfterLine),
    [true, false],
  );
});

test('past a limit: stops at the response, which takeUnfinished hands over from its first byte', () => {
  const limits = { line: 40, literal: 10, response: 100 };
  const literal = Buffer.from('* 1 OK\r\n* 2 FETCH (UID 2 BODY[] {11}\r\nhello world)\r\n');
  const framer = new ResponseFramer(limits);
  const framed: Framed[] = [];
  const stopped = framer.push(literal, (response) => framed.push(response));
  assert.equal(cutsOf(framed), [{ payload: '* 1 OK', literals: [] }]);
  assert.is(
    Buffer.concat([...framer.takeUnfinished(), literal.subarray(stopped)]).toString(),
    '* 2 FETCH (UID 2 BODY[] {11}\r\nhello world)\r\n',
  );
  assert.ok(framer.clean);

  const line = Buffer.from(`* 3 ${'x'.repeat(50)}\r\n`);
  const second = new ResponseFramer(limits);
  assert.is(
    second.push(line.subarray(0, 20), () => assert.unreachable()),
    20,
    'below the limit so far',
  );
  const at = second.push(line.subarray(20), () => assert.unreachable());
  assert.is(at, 0);
  assert.is(Buffer.concat([...second.takeUnfinished(), line.subarray(20 + at)]).toString(), line.toString());
});

test('literalAnnounced: {n} closing the line, leading zeros allowed, absurd sizes Infinity', () => {
  const cases: Array<[string, number | null]> = [
    ['* 1 FETCH (BODY[] {12}\r\n', 12],
    ['* 1 FETCH (BODY[] {12}\n', 12],
    ['* 1 FETCH (BINARY[] ~{0}\r\n', 0],
    ['* 1 FETCH (BODY[] {007}\r\n', 7],
    ['* 1 FETCH (BODY[] {12345678901234567890}\r\n', Number.POSITIVE_INFINITY],
    ['* 1 FETCH (BODY[] {}\r\n', null],
    ['* 1 FETCH (BODY[] {12+}\r\n', null],
    ['* 1 FETCH (BODY[] {12} \r\n', null],
    ['* OK {12}', null],
    ['{5}\r\n', 5],
    ['\r\n', null],
  ];
  for (const [line, size] of cases) assert.is(literalAnnounced(Buffer.from(line)), size, JSON.stringify(line));
});

test.run();
