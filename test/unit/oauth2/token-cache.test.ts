import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REFRESH_MARGIN_MS, TokenCache, usable, type IssuedToken } from '../../../src/oauth2/token-cache.ts';

// A clock the test moves, and a fetch that counts its calls.
function fixture() {
  let now = 1_000_000;
  let fetched = 0;
  const cache = new TokenCache(() => now);
  const fetch = (lifetimeMs: number) => async (): Promise<IssuedToken> => {
    fetched += 1;
    return { token: `token-${fetched}`, expiresAt: now + lifetimeMs };
  };
  return {
    cache,
    fetch,
    advance: (ms: number) => (now += ms),
    get fetched() {
      return fetched;
    },
  };
}

const cases: Array<{ lifetime: number; age: number; usable: boolean }> = [
  { lifetime: 3600_000, age: 0, usable: true },
  { lifetime: 3600_000, age: 3600_000 - REFRESH_MARGIN_MS - 1, usable: true },
  { lifetime: 3600_000, age: 3600_000 - REFRESH_MARGIN_MS, usable: false },
  { lifetime: 3600_000, age: 3600_000, usable: false },
  // Short-lived tokens are refreshed after half their lifetime, not 60 s before they expire.
  { lifetime: 3000, age: 1499, usable: true },
  { lifetime: 3000, age: 1500, usable: false },
  { lifetime: 0, age: 0, usable: false },
];
for (const c of cases) {
  test(`usable: a ${c.lifetime} ms token at ${c.age} ms is ${c.usable ? '' : 'not '}usable`, () => {
    assert.is(usable({ token: 't', issuedAt: 0, expiresAt: c.lifetime }, c.age), c.usable);
  });
}

test('a cached token is reused while usable, and replaced once it is not', async () => {
  const f = fixture();
  assert.equal(await f.cache.get('k', f.fetch(3600_000)), {
    token: 'token-1',
    expiresAt: 1_000_000 + 3600_000,
    fresh: true,
  });
  f.advance(3000_000);
  assert.equal((await f.cache.get('k', f.fetch(3600_000))).fresh, false);
  f.advance(600_000 - REFRESH_MARGIN_MS);
  const next = await f.cache.get('k', f.fetch(3600_000));
  assert.equal([next.token, next.fresh, f.fetched], ['token-2', true, 2]);
});

test('keys are separate: another provider or user gets its own token', async () => {
  const f = fixture();
  await f.cache.get('microsoft', f.fetch(3600_000));
  await f.cache.get('google alice', f.fetch(3600_000));
  await f.cache.get('microsoft', f.fetch(3600_000));
  assert.is(f.fetched, 2);
  assert.is(f.cache.expiresAt('nobody'), null);
});

test('concurrent logins share one fetch', async () => {
  const f = fixture();
  const tokens = await Promise.all([1, 2, 3, 4].map(() => f.cache.get('k', f.fetch(3600_000))));
  assert.is(f.fetched, 1);
  assert.equal(new Set(tokens.map((t) => t.token)), new Set(['token-1']));
});

test('drop forgets a refused token, but not a newer one that replaced it', async () => {
  const f = fixture();
  const first = await f.cache.get('k', f.fetch(3600_000));
  f.cache.drop('k', first.token);
  const second = await f.cache.get('k', f.fetch(3600_000));
  assert.is(second.token, 'token-2');
  f.cache.drop('k', first.token); // a late refusal of the old token
  assert.is((await f.cache.get('k', f.fetch(3600_000))).token, 'token-2');
});

test('a failed fetch is not cached: the next login asks again', async () => {
  const f = fixture();
  let calls = 0;
  const failing = async (): Promise<IssuedToken> => {
    calls += 1;
    throw new Error('endpoint down');
  };
  for (let round = 0; round < 2; round++) {
    const error = await f.cache.get('k', failing).then(
      () => null,
      (e: Error) => e,
    );
    assert.match(String(error), 'endpoint down');
  }
  assert.is(calls, 2);
  assert.is(f.cache.expiresAt('k'), null);
});

test.run();
