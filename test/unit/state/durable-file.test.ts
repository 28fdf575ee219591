import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replaceFile } from '../../../src/state/durable-file.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-durable-'));
let counter = 0;
/** An empty folder of its own for each test. */
const freshDir = () => {
  const dir = join(root, `d${++counter}`);
  mkdirSync(dir);
  return dir;
};
test.after(() => rmSync(root, { recursive: true, force: true }));

/** How many fsyncs (FileHandle.sync, of files and folders) `fn` made. */
async function countSyncs(fn: () => Promise<void>): Promise<number> {
  const handle = await open(tmpdir(), 'r');
  const prototype = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
  await handle.close();
  const original = prototype.sync;
  let syncs = 0;
  prototype.sync = function (this: unknown) {
    syncs++;
    return original.call(this);
  };
  try {
    await fn();
  } finally {
    prototype.sync = original;
  }
  return syncs;
}

test('a durable replace fsyncs the new file and its folder; a cache replace (durable: false) neither', async () => {
  const dir = freshDir();
  assert.is(await countSyncs(() => replaceFile(join(dir, 'state.json'), '{}')), 2);
  assert.is(await countSyncs(() => replaceFile(join(dir, 'cache.json'), '{}', { durable: false })), 0);
});

for (const durable of [true, false]) {
  test(`replaceFile (durable: ${durable}) creates, then replaces, the whole text; no temp file is left`, async () => {
    const dir = freshDir();
    const file = join(dir, 'cache.json');
    await replaceFile(file, 'first\n', { durable });
    assert.is(readFileSync(file, 'utf8'), 'first\n');
    await replaceFile(file, 'ü'.repeat(100_000), { durable });
    assert.is(readFileSync(file, 'utf8'), 'ü'.repeat(100_000));
    assert.equal(readdirSync(dir), ['cache.json']);
  });

  test(`replaceFile (durable: ${durable}) that cannot write leaves the old file as it was, and no temp file`, async () => {
    const dir = freshDir();
    const file = join(dir, 'cache.json');
    writeFileSync(file, 'old');
    // Its folder does not exist: the temp file cannot be created.
    const failing = replaceFile(join(dir, 'missing', 'cache.json'), 'new', { durable });
    await failing.then(
      () => assert.unreachable('the write should fail'),
      (error: NodeJS.ErrnoException) => assert.is(error.code, 'ENOENT'),
    );
    assert.is(readFileSync(file, 'utf8'), 'old');
    assert.equal(readdirSync(dir), ['cache.json']);
  });
}

test.run();
