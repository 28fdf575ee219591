// The manifests of examples/, pointed at the Dovecot pair the way a user adapts one: every
// endpoint goes to a harness server and every secret to a fresh user's password (in the
// environment), while the folder, message and phase rules, the account structure (shared targets,
// subfolders) and the throughput settings stay as written. Written as JSON next to its plans.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../src/manifest/read.ts';
import { REPO } from './cli.ts';
import type { DovecotServer } from './dovecot.ts';
import { fillMailbox, type MailboxContent } from './mailbox-builder.ts';
import { seedMailbox } from './seed.ts';
import { dovecotPair, freshUser } from './servers.ts';

/** Which harness server is the source: the '/' one without prefix, or the '.' one under INBOX. */
export type Direction = 'slash-to-dot' | 'dot-to-slash';

export interface ExampleSide {
  server: DovecotServer;
  user: string;
  password: string;
}

export interface ExampleAccount {
  id: string;
  source: ExampleSide;
  target: ExampleSide;
}

export interface ExampleMigration {
  /** The rewritten manifest as written to `file`. */
  manifest: Record<string, any>;
  file: string;
  env: Record<string, string>;
  /** In manifest order; accounts that share a target login share its ExampleSide. */
  accounts: ExampleAccount[];
  source: DovecotServer;
  target: DovecotServer;
}

export interface ExampleOptions {
  /** Where the manifest is written (its state, audit and plans go next to it). */
  folder: { write(name: string, content: object): string };
  direction: Direction;
  /** The first N accounts, or these account ids. */
  accounts: number | readonly string[];
  /** Messages seeded into each source account (its generator seed is `seed` + account index). */
  messages: number;
  seed: number;
  /** Fills each source account instead of the generated mailbox (a scenario's own folder set). */
  fill?: (source: ExampleSide) => Promise<void>;
  /** Source folders that exist only because the harness creates them for every user: excluded. */
  exclude?: string[];
}

/** Every example manifest's file name, sorted. */
export const EXAMPLES = readdirSync(join(REPO, 'examples'))
  .filter((file) => file.endsWith('.jsonnet'))
  .sort();

/** A Gmail source in Portuguese as IMAP lists it: system folders under [Gmail]/, labels, the All Mail view. */
const GMAIL_SOURCE: MailboxContent = {
  INBOX: [
    { name: 'g1', flags: ['\\Seen'] },
    { name: 'g6', flags: ['\\Flagged'], date: new Date('2026-10-02T08:30:00Z') },
  ],
  '[Gmail]/E-mails enviados': [{ name: 'g2', flags: ['\\Seen'], date: new Date('2026-09-14T17:05:00Z') }],
  '[Gmail]/Lixeira': [{ name: 'g3', flags: ['\\Seen', '\\Answered'] }],
  '[Gmail]/Rascunhos': [{ name: 'g4', flags: ['\\Draft'] }],
  '[Gmail]/Todos os e-mails': [{ name: 'g1' }, { name: 'g2' }],
  'Clientes/2024': [{ name: 'g5', flags: ['$Forwarded'], date: new Date('2024-03-01T12:00:00Z') }],
};

/** The endpoint keys that say where and who: replaced by the harness server and a fresh user. */
const WHERE_AND_WHO = ['host', 'port', 'tls', 'tlsVerify', 'allowPlaintext', 'user', 'password', 'auth'];

/** Evaluate an example, create and fill fresh users for it on the Dovecot pair, and write it pointed at them. */
export async function exampleMigration(example: string, options: ExampleOptions): Promise<ExampleMigration> {
  const pair = await dovecotPair();
  const [source, target] = options.direction === 'slash-to-dot' ? [pair.slash, pair.dot] : [pair.dot, pair.slash];
  const manifest = await selectedRules(example, options);
  const gmail = example.startsWith('gmail');
  const { env, accounts } = await freshLogins(manifest, source, target);
  await Promise.all(
    accounts.map(({ source: from }, index) => {
      if (options.fill) return options.fill(from);
      if (gmail) return fillMailbox(source, from, GMAIL_SOURCE);
      return seedMailbox(source, from, {
        seed: options.seed + index,
        messages: options.messages,
        otherDelimiter: target.delimiter,
      });
    }),
  );
  const file = options.folder.write(example.replace(/\.jsonnet$/, '.json'), manifest);
  return { manifest, file, env, accounts, source, target };
}

/** The evaluated example with the chosen accounts and the harness's extra exclusions. */
async function selectedRules(example: string, options: ExampleOptions): Promise<Record<string, any>> {
  const read = await readManifest(join(REPO, 'examples', example));
  if (!read.manifest)
    throw new Error(`${example} does not evaluate: ${read.diagnostics.map((d) => d.message).join('; ')}`);
  const manifest = structuredClone(read.manifest) as Record<string, any>;
  const wanted = options.accounts;
  manifest.accounts =
    typeof wanted === 'number'
      ? manifest.accounts.slice(0, wanted)
      : wanted.map(
          (id) =>
            manifest.accounts.find((account: { id: string }) => account.id === id) ??
            fail(`${example} has no account ${id}`),
        );
  // Gmail has no top-level Drafts/Sent/Trash; the harness server creates them for every user.
  const exclude = options.exclude ?? (example.startsWith('gmail') ? ['^(Drafts|Sent|Trash|Junk|Archive)$'] : []);
  if (exclude.length > 0)
    manifest.folders = { ...manifest.folders, exclude: [...(manifest.folders?.exclude ?? []), ...exclude] };
  return manifest;
}

/** Points the manifest's endpoints at the servers, each account at fresh users (passwords in env). */
async function freshLogins(
  manifest: Record<string, any>,
  source: DovecotServer,
  target: DovecotServer,
): Promise<{ env: Record<string, string>; accounts: ExampleAccount[] }> {
  const defaults = manifest.defaults;
  manifest.defaults = {
    source: { ...keepTuning(defaults?.source), host: '127.0.0.1', port: source.ports.plain, tls: 'none' },
    target: { ...keepTuning(defaults?.target), host: '127.0.0.1', port: target.ports.plain, tls: 'none' },
  };
  const env: Record<string, string> = {};
  const accounts: ExampleAccount[] = [];
  const targets = new Map<string, ExampleSide>();
  for (const [index, account] of manifest.accounts.entries()) {
    const from: ExampleSide = { server: source, ...(await freshUser(source, 'ex-src')) };
    // Accounts that log in to one target mailbox (many-into-one, a manager's archive) keep sharing one;
    // an admin logging in for each user (auth.authorizeAs) enters a mailbox per account.
    const sharedKey = `${account.target.auth?.authorizeAs ?? account.target.user ?? defaults?.target?.user}`;
    const to = targets.get(sharedKey) ?? { server: target, ...(await freshUser(target, 'ex-tgt')) };
    targets.set(sharedKey, to);
    env[`EX_SOURCE_${index}`] = from.password;
    env[`EX_TARGET_${index}`] = to.password;
    account.source = { ...keepTuning(account.source), user: from.user, password: { env: `EX_SOURCE_${index}` } };
    account.target = { ...keepTuning(account.target), user: to.user, password: { env: `EX_TARGET_${index}` } };
    accounts.push({ id: account.id, source: from, target: to });
  }
  return { env, accounts };
}

/** An endpoint's connections, rate limits and timeouts, without its server and login. */
function keepTuning(endpoint: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(endpoint ?? {}).filter(([key]) => !WHERE_AND_WHO.includes(key)));
}

function fail(message: string): never {
  throw new Error(message);
}
