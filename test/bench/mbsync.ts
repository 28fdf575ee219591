// mbsync (isync) as the yardstick: the same mailbox copied between the same two servers. Its
// config is written per run; its sync state goes to a temp dir, so every run starts from nothing.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DovecotServer } from '../support/dovecot.ts';
import { plainClient, type Account } from '../support/seed.ts';

/** `isync 1.4.4`, or null when there is no mbsync on the PATH. */
export async function mbsyncVersion(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('mbsync', ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

/** isync 1.4 renamed Master/Slave to Far/Near; older versions know only the old words. */
function sideWords(version: string): { far: string; near: string } {
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return major > 1 || (major === 1 && minor >= 4) ? { far: 'Far', near: 'Near' } : { far: 'Master', near: 'Slave' };
}

function store(name: string, server: DovecotServer, account: Account): string[] {
  return [
    `IMAPAccount ${name}`,
    `Host ${server.host}`,
    `Port ${server.ports.plain}`,
    `User ${account.user}`,
    `Pass "${account.password}"`,
    'SSLType None',
    'AuthMechs LOGIN',
    '',
    `IMAPStore ${name}`,
    `Account ${name}`,
    '',
  ];
}

export interface MbsyncRun {
  version: string;
  /** Work dir for the config and the sync state. */
  dir: string;
  from: { server: DovecotServer; account: Account };
  to: { server: DovecotServer; account: Account };
  /** Source folder names to copy, as the server lists them (mbsync Patterns, each exact). */
  folders: string[];
}

/** The config: the listed source folders pulled to the target, created there as needed, internal dates kept. */
export function mbsyncConfig({ version, dir, from, to, folders }: MbsyncRun): string {
  const { far, near } = sideWords(version);
  return [
    ...store('source', from.server, from.account),
    ...store('target', to.server, to.account),
    'Channel bench',
    `${far} :source:`,
    `${near} :target:`,
    `Patterns ${folders.map((name) => JSON.stringify(name)).join(' ')}`,
    `Create ${near}`,
    'Sync Pull',
    'CopyArrivalDate yes',
    `SyncState ${join(dir, 'state')}/`,
    '',
  ].join('\n');
}

/** Runs `mbsync bench` once with a fresh config and state; its wall time and output. */
export async function runMbsync(run: MbsyncRun): Promise<{ code: number | null; seconds: number; output: string }> {
  mkdirSync(join(run.dir, 'state'), { recursive: true });
  const config = join(run.dir, 'mbsyncrc');
  writeFileSync(config, mbsyncConfig(run), { mode: 0o600 });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('mbsync', ['-c', config, '-q', 'bench'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: Number(process.hrtime.bigint() - started) / 1e9, output }));
  });
}

/** A selectable folder: its name, as the server lists it (modified UTF-7, what mbsync 1.4 matches), and its message count. */
export interface FolderCount {
  name: string;
  listed: string;
  messages: number;
}

/** Messages per selectable folder (STATUS), to pick what to copy and check what both tools copied. */
export async function folderCounts(server: DovecotServer, account: Account): Promise<FolderCount[]> {
  const client = plainClient(server, account);
  await client.connect();
  try {
    const folders = await client.list({ statusQuery: { messages: true } });
    return folders
      .filter((folder) => !folder.flags.has('\\Noselect'))
      .map((folder) => ({ name: folder.path, listed: folder.pathAsListed, messages: folder.status?.messages ?? 0 }));
  } finally {
    await client.logout();
  }
}

/** Messages in all of an account's selectable folders. */
export async function countMessages(server: DovecotServer, account: Account): Promise<number> {
  return (await folderCounts(server, account)).reduce((sum, folder) => sum + folder.messages, 0);
}
