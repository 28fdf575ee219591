import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepMerge } from '../../../src/manifest/deep-merge.ts';

test('objects merge key by key, later layers win', () => {
  assert.equal(deepMerge<any>({ a: 1, b: { c: 1, d: 1 } }, { b: { d: 2 } }, { e: 3 }), {
    a: 1,
    b: { c: 1, d: 2 },
    e: 3,
  });
});

test('arrays replace instead of concatenating', () => {
  assert.equal(deepMerge<any>({ include: ['.*'] }, { include: ['^INBOX$'] }), { include: ['^INBOX$'] });
});

test('null replaces (it unsets a default such as maxAgeDays)', () => {
  assert.equal(deepMerge<any>({ maxAgeDays: 1 }, { maxAgeDays: null }), { maxAgeDays: null });
});

test('undefined layers and undefined keys change nothing', () => {
  assert.equal(deepMerge<any>({ a: 1 }, undefined, { a: undefined }), { a: 1 });
});

test('an object replaces a scalar and the other way round', () => {
  assert.equal(deepMerge<any>({ x: true }, { x: { only: '^a' } }), { x: { only: '^a' } });
  assert.equal(deepMerge<any>({ x: { only: '^a' } }, { x: false }), { x: false });
});

test('inputs are not modified', () => {
  const base = { a: { b: 1 } };
  deepMerge<any>(base, { a: { b: 2 } });
  assert.equal(base, { a: { b: 1 } });
});

test.run();
