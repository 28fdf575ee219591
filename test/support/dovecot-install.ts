import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SEARCH_PATH = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** Full path of a program on PATH or in the sbin directories a non-root PATH often lacks. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Installs dovecot-imapd (and openssl) with apt when root; otherwise says which command to run. */
export async function ensureDovecotInstalled(): Promise<void> {
  const missing = [...(findBinary('dovecot') ? [] : ['dovecot-imapd']), ...(findBinary('openssl') ? [] : ['openssl'])];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`${missing.join(' and ')} not found: installing ${missing.join(' ')} with apt-get`);
  const result = spawnSync(
    'sh',
    ['-c', `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.join(' ')}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`apt-get install -y ${missing.join(' ')} failed`);
}
