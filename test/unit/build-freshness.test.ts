import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILD_STAMP, isBuildFresh } from '../../src/build-freshness.js';

// A build a minute ago from sources a minute older, so an edit the test makes now is newer.
const BUILT_AT = new Date(Date.now() - 60_000);
const BEFORE = new Date(BUILT_AT.getTime() - 60_000);

/** A checkout in a temp dir: src/ with a nested folder and schemas/, every file and folder dated before the build. */
function checkout(options: { stamp: boolean }): {
  src: string;
  schemas: string;
  dist: string;
  touch(path: string, at: Date): void;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'mailshift-build-'));
  const [src, schemas, dist] = [join(root, 'src'), join(root, 'schemas'), join(root, 'dist')];
  const touch = (path: string, at: Date) => utimesSync(path, at, at);
  mkdirSync(join(src, 'manifest'), { recursive: true });
  mkdirSync(dist);
  mkdirSync(schemas);
  writeFileSync(join(schemas, 'manifest.v1.schema.json'), '{}');
  for (const path of ['manifest.v1.schema.json', '.']) touch(join(schemas, path), BEFORE);
  for (const file of ['bin.js', 'errors.ts', 'manifest/read.ts', 'manifest/mailshift.libsonnet'])
    writeFileSync(join(src, file), '');
  for (const path of ['bin.js', 'errors.ts', 'manifest/read.ts', 'manifest/mailshift.libsonnet', 'manifest', '.'])
    touch(join(src, path), BEFORE);
  if (options.stamp) {
    writeFileSync(join(dist, BUILD_STAMP), '');
    touch(join(dist, BUILD_STAMP), BUILT_AT);
  }
  return { src, schemas, dist, touch, remove: () => rmSync(root, { recursive: true, force: true }) };
}

type Checkout = ReturnType<typeof checkout>;

/** Runs check on a fresh checkout, removed afterwards whatever happens. */
function inCheckout(options: { stamp: boolean }, check: (c: Checkout) => void): void {
  const c = checkout(options);
  try {
    check(c);
  } finally {
    c.remove();
  }
}

/** isBuildFresh as bin.js calls it, for the checkout's dist/, src/ and schemas/. */
function fresh(c: Checkout, dist = c.dist): boolean {
  return isBuildFresh(dist, [c.src, c.schemas]);
}

test('no stamp: stale (never built, or a build that did not finish)', () => {
  inCheckout({ stamp: false }, (c) => {
    assert.is(fresh(c), false);
  });
});

test('no dist/ at all: stale', () => {
  inCheckout({ stamp: false }, (c) => {
    assert.is(fresh(c, join(c.dist, 'missing')), false);
  });
});

test('stamp newer than everything under src/: fresh', () => {
  inCheckout({ stamp: true }, (c) => {
    assert.is(fresh(c), true);
  });
});

test('a file edited at the very time of the stamp still counts as built', () => {
  inCheckout({ stamp: true }, (c) => {
    c.touch(join(c.src, 'errors.ts'), BUILT_AT);
    assert.is(fresh(c), true);
  });
});

test('any one file edited after the build makes it stale, at any depth and of any kind', () => {
  for (const file of ['errors.ts', 'bin.js', 'manifest/read.ts', 'manifest/mailshift.libsonnet']) {
    inCheckout({ stamp: true }, (c) => {
      writeFileSync(join(c.src, file), 'edited');
      assert.is(fresh(c), false, file);
    });
  }
});

test('the schema edited after the build makes it stale: the build turned it into code', () => {
  inCheckout({ stamp: true }, (c) => {
    writeFileSync(join(c.schemas, 'manifest.v1.schema.json'), '{"type": "object"}');
    assert.is(fresh(c), false);
  });
});

test('a source file deleted after the build makes it stale (its folder changed)', () => {
  inCheckout({ stamp: true }, (c) => {
    rmSync(join(c.src, 'manifest', 'read.ts'));
    assert.is(fresh(c), false);
  });
});

test.run();
