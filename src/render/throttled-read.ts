import type { ThrottledRead } from '../engine/throttled-reads.ts';
import { formatWait } from './apply-progress.ts';

/** plan and verify, on stderr: a server throttled an account's read, which goes again after the wait. */
export function throttledReadNote({ account, error, waitMs }: ThrottledRead): string {
  const { side, host, port } = error.place;
  return `note: account ${account}: the ${side} server ${host}:${port} asked to slow down (${error.said}); reading the account again in ${formatWait(waitMs)}\n`;
}
