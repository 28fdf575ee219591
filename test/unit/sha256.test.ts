import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../../src/sha256.ts';

test('sha256Hex: what createHash gives, strings as UTF-8, bytes as they are', () => {
  const inputs: Array<string | Buffer> = [
    '',
    'abc',
    'Grüße, Проекты ✓',
    'x'.repeat(100_000),
    Buffer.from([0, 0xff, 0x80, 0x0a]),
    Buffer.alloc(0),
  ];
  for (const input of inputs)
    assert.is(
      sha256Hex(input),
      createHash('sha256').update(input).digest('hex'),
      JSON.stringify(String(input).slice(0, 20)),
    );
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test.run();
