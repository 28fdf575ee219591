import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** uid/gid of a system account from /etc/passwd; created (no home, no login) when `create` is set. */
export function systemAccount(name: string, create = false): { uid: number; gid: number } {
  const find = () =>
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[0] === name);
  let entry = find();
  if (!entry && create) {
    execFileSync('useradd', ['-r', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', name]);
    entry = find();
  }
  if (!entry) throw new Error(`no system user ${name} in /etc/passwd: run .ci/install-servers as root`);
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}
