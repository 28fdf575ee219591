import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countKeys, DuplicateGuard } from '../../../src/apply/duplicate-guard.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

const counted = (keys: string[]) => countKeys(keys, (key) => key);

/** A guard over `held` target keys, with a source folder of `source` keys; counts the source reads. */
function guardOf(held: string[], source: string[]) {
  const reads = { count: 0 };
  const guard = new DuplicateGuard(counted(held), async () => {
    reads.count++;
    return counted(source);
  });
  return { guard, reads };
}

test('an identity the target did not hold: the copy goes, the source is not read', async () => {
  const { guard, reads } = guardOf([A], [A, B]);
  assert.is(await guard.refusal(B, B), null);
  assert.is(reads.count, 0);
});

test('the target holds as many as the source: refused, naming the identity', async () => {
  const { guard } = guardOf([A], [A]);
  assert.is(
    await guard.refusal(A, A),
    `the target already holds this message (identity ${A.slice(0, 12)}…): a copy would duplicate it; re-plan`,
  );
});

test('duplicates in the source: copies go until the target holds as many, then refused', async () => {
  const { guard, reads } = guardOf([A], [A, A, A]);
  const answers = await Promise.all([guard.refusal(A, A), guard.refusal(A, A), guard.refusal(A, A)]);
  assert.equal(
    answers.map((answer) => answer === null),
    [true, true, false],
  );
  assert.is(reads.count, 1, 'the source is read once');
});

test('the source is counted by the source key, the target by the key the copy will have (addMessageId)', async () => {
  const { guard } = guardOf([B], [A, A]);
  assert.is(await guard.refusal(A, B), null, 'one of B held, two source messages of A');
  assert.ok(await guard.refusal(A, B), 'now two held');
});

test('a failed source read is asked again on the next copy', async () => {
  let fail = true;
  const guard = new DuplicateGuard(counted([A]), async () => {
    if (fail) throw new Error('connection lost');
    return counted([A, A]);
  });
  await guard.refusal(A, A).then(
    () => assert.unreachable('the read failed'),
    (error: Error) => assert.is(error.message, 'connection lost'),
  );
  fail = false;
  assert.is(await guard.refusal(A, A), null);
});

test.run();
