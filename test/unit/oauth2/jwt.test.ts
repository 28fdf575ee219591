import { createVerify, generateKeyPairSync } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64url, signJwt, timeClaims } from '../../../src/oauth2/jwt.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const part = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));

test('signJwt: three base64url parts, RS256 header with the extra fields, the claims as given', () => {
  const jwt = signJwt({ iss: 'sa@example', sub: 'alice@example', n: 1 }, privateKey, { kid: 'k1' });
  const [header, claims, signature] = jwt.split('.');
  assert.ok(signature && !/[=+/]/.test(jwt), 'base64url without padding');
  assert.equal(part(header!), { alg: 'RS256', typ: 'JWT', kid: 'k1' });
  assert.equal(part(claims!), { iss: 'sa@example', sub: 'alice@example', n: 1 });
});

test('signJwt: the signature verifies with the public key over header.claims, and only that', () => {
  const jwt = signJwt({ sub: 'alice' }, privateKey);
  const [header, claims, signature] = jwt.split('.') as [string, string, string];
  const verifies = (input: string) =>
    createVerify('RSA-SHA256').update(input).verify(publicKey, signature, 'base64url');
  assert.ok(verifies(`${header}.${claims}`));
  assert.not.ok(verifies(`${header}.${base64url(JSON.stringify({ sub: 'mallory' }))}`));
});

test('signJwt takes a PEM string as well as a KeyObject', () => {
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.is(signJwt({ a: 1 }, pem), signJwt({ a: 1 }, privateKey), 'RSA PKCS#1 v1.5 signatures are deterministic');
});

test('timeClaims: whole seconds, nbf = iat, exp after the lifetime', () => {
  assert.equal(timeClaims(1_700_000_000_999, 600), { iat: 1_700_000_000, nbf: 1_700_000_000, exp: 1_700_000_600 });
});

test.run();
