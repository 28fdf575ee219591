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
function checkout(options: { stamp: boolean }): { src: string; schemas: string; dist: string; touch(path: string, at: Date): void; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'mailshift-build-'));
  const [src, schemas, dist] = [join(root, 'src'), join(root, 'schemas'), join(root, 'dist')];
  const touch = (path: string, at: Date) => utimesSync(path, at, at);
  mkdirSync(join(src, 'manifest'), { recursive: true });
  mkdirSync(dist);
  mkdirSync(schemas);
  writeFileSync(join(schemas, 'manifest.v1.schema.json'), '{}');
  for (const path of ['manifest.v1.schema.json', '.']) touch(join(schemas, path), BEFORE);
  for (const file of ['bin.js', 'errors.ts', 'manifest/read.ts', 'manifest/mailshift.libsonnet']) writeFileSync(join(src, file), '');
  for (const path of ['bin.js', 'errors.ts', 'manifest/read.ts', 'manifest/mailshift.libsonnet', 'manifest', '.']) touch(join(src, path), BEFORE);
  if (options.stamp) {
    writeFileSync(join(dist, BUILD_STAMP), '');
    touch(join(dist, BUILD_STAMP), BUILT_AT);
  }
  return { src, schemas, dist, touch, remove: () => rmSync(root, { recursive: true, force: true }) };
}

test('no stamp: stale (never built, or a build that did not finish)', () => {
  const c = checkout({ stamp: false });
  try {
    assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), false);
  } finally {
    c.remove();
  }
});

test('no dist/ at all: stale', () => {
  const c = checkout({ stamp: false });
  try {
    assert.is(isBuildFresh(join(c.dist, 'missing'), [c.src, c.schemas]), false);
  } finally {
    c.remove();
  }
});

test('stamp newer than everything under src/: fresh', () => {
  const c = checkout({ stamp: true });
  try {
    assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), true);
  } finally {
    c.remove();
  }
});

test('a file edited at the very time of the stamp still counts as built', () => {
  const c = checkout({ stamp: true });
  try {
    c.touch(join(c.src, 'errors.ts'), BUILT_AT);
    assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), true);
  } finally {
    c.remove();
  }
});

test('any one file edited after the build makes it stale, at any depth and of any kind', () => {
  for (const file of ['errors.ts', 'bin.js', 'manifest/read.ts', 'manifest/mailshift.libsonnet']) {
    const c = checkout({ stamp: true });
    try {
      writeFileSync(join(c.src, file), 'edited');
      assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), false, file);
    } finally {
      c.remove();
    }
  }
});

test('the schema edited after the build makes it stale: the build turned it into code', () => {
  const c = checkout({ stamp: true });
  try {
    writeFileSync(join(c.schemas, 'manifest.v1.schema.json'), '{"type": "object"}');
    assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), false);
  } finally {
    c.remove();
  }
});

test('a source file deleted after the build makes it stale (its folder changed)', () => {
  const c = checkout({ stamp: true });
  try {
    rmSync(join(c.src, 'manifest', 'read.ts'));
    assert.is(isBuildFresh(c.dist, [c.src, c.schemas]), false);
  } finally {
    c.remove();
  }
});

test.run();
