import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Marks dir as the top of a directory hierarchy (chattr +T), so that ext4 places each directory
 * made in it (one per mail account) in a block group of its own. Why: on an ext4 without a journal
 * (this machine's disk), creating a file scans past every inode deleted in the last minutes in its
 * block group, and every temp dir sits next to /tmp: a server's appends paid for whatever earlier
 * test runs had deleted (the same apply took 2.7 s or 5.4 s minutes apart). Best effort: other
 * file systems (tmpfs, overlay) refuse the flag or lack chattr, and need nothing.
 */
export async function spreadAccounts(dir: string): Promise<void> {
  await run('chattr', ['+T', dir]).catch(() => undefined);
}
