import { hostname, userInfo } from 'node:os';

/** The operator recorded in audits and locks: user@host. */
export function operator(): string {
  return `${userInfo().username}@${hostname()}`;
}
