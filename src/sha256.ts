import * as crypto from 'node:crypto';

// SHA-256 in lowercase hex, computed once per message (identities) and per audit record: Node's
// one-shot crypto.hash() (Node 20.12+) costs about half of a createHash() object's round trip on
// such short inputs; earlier Node 20 releases take the long way, with the same result.

const oneShot = typeof crypto.hash === 'function' ? crypto.hash : null;

/** The SHA-256 of the bytes (a string as UTF-8), in lowercase hex. */
export function sha256Hex(data: string | Buffer): string {
  return oneShot !== null ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}
