import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import { requestToken, type TokenRequest } from '../../../src/oauth2/token-endpoint.ts';

// When a token request is tried again: after a network failure, HTTP 429 or a 5xx, at most twice
// (1 s, then 2 s later) and within the request's timeout; never after a refusal. fetch answers
// from a script; the clock moves only by the waits.

type Step = { status: number; body: object } | 'network';

async function run(script: Step[], timeoutMs = 30_000): Promise<{ calls: number; waits: number[]; result: unknown }> {
  let now = 0;
  const waits: number[] = [];
  let calls = 0;
  const real = globalThis.fetch;
  globalThis.fetch = (async () => {
    const step = script[calls++] ?? script.at(-1)!;
    if (step === 'network') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    return new Response(JSON.stringify(step.body), { status: step.status });
  }) as typeof fetch;
  const request: TokenRequest = {
    url: 'https://idp.example/token',
    form: { grant_type: 'refresh_token' },
    issuer: 'refresh token at https://idp.example (client c)',
    secrets: [],
    refusedHint: 'get a new refresh token',
    timeoutMs,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
  try {
    const result = await requestToken(request).catch((error: unknown) => error);
    return { calls, waits, result };
  } finally {
    globalThis.fetch = real;
  }
}

const ok = { status: 200, body: { access_token: 'at', expires_in: 60 } };
const overloaded = { status: 503, body: { error: 'temporarily_unavailable' } };

test('a 503 is tried again after 1 s, and the token then counts from the request that got it', async () => {
  const { calls, waits, result } = await run([overloaded, ok]);
  assert.equal([calls, waits], [2, [1000]]);
  assert.equal(result, { token: 'at', expiresAt: 1000 + 60_000 });
});

test('a dropped connection and a 429 are tried again too', async () => {
  assert.equal((await run(['network', { status: 429, body: {} }, ok])).waits, [1000, 2000]);
});

test('after three failures the last one is the error', async () => {
  const { calls, waits, result } = await run([overloaded]);
  assert.equal([calls, waits], [3, [1000, 2000]]);
  assert.instance(result, MailshiftError);
  assert.match((result as MailshiftError).message, 'the endpoint refused (temporarily_unavailable)');
});

test('a refusal is not tried again', async () => {
  const { calls, result } = await run([{ status: 400, body: { error: 'invalid_grant' } }, ok]);
  assert.is(calls, 1);
  assert.is((result as MailshiftError).code, 'SECRET_UNAVAILABLE');
});

test('no wait goes past the timeout', async () => {
  const { calls, waits } = await run([overloaded], 2500);
  assert.equal([calls, waits], [2, [1000]]);
});

test.run();
