// A one-account migration for the bench: a seeded source account, a fresh target account, the
// manifest between them in the bench's work dir, and the mailshift arguments to plan and apply it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DovecotServer } from '../support/dovecot.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { seedMailbox, type Account, type SeedResult } from '../support/seed.ts';
import { freshUser } from '../support/servers.ts';

/** A generated mailbox (folders, features, sizes as the tests know them), or one folder of same-size messages. */
export type MailboxShape = { seed: number; messages: number } | { uniformSize: number; messages: number };

export interface BenchMigration {
  source: Account;
  target: Account;
  manifest: string;
  planFile: string;
  env: NodeJS.ProcessEnv;
  /** `mailshift plan` writing to `out` (default: planFile). */
  planArgs(out?: string): string[];
  applyArgs: string[];
}

/** A fresh source account filled with `shape`, and how long that took. */
export async function seededAccount(
  server: DovecotServer,
  shape: MailboxShape,
): Promise<{ account: Account; seeded: SeedResult; seconds: number }> {
  const account = await freshUser(server, 'bench');
  const started = Date.now();
  let seeded: SeedResult;
  if ('seed' in shape) {
    seeded = await seedMailbox(server, account, { ...shape, otherDelimiter: '.' });
  } else {
    // Same count, same headers, only the body size differs: what a plan's memory must not follow.
    const content = Array.from({ length: shape.messages }, (_, i) => ({ name: `m${i}`, padding: shape.uniformSize }));
    await fillMailbox(server, account, { INBOX: content });
    seeded = { messages: shape.messages, folders: 1, bytes: shape.messages * shape.uniformSize };
  }
  return { account, seeded, seconds: (Date.now() - started) / 1000 };
}

/** Manifest rules beyond the defaults: source folders left out (regexes), message selection keys. */
export interface BenchRules {
  exclude?: string[];
  messages?: Record<string, unknown>;
}

/** A migration from `source` (an existing account on sourceServer) to a new, empty account on targetServer. */
export async function benchMigration(
  work: string,
  sourceServer: DovecotServer,
  targetServer: DovecotServer,
  source: Account,
  rules: BenchRules = {},
): Promise<BenchMigration> {
  const target = await freshUser(targetServer, 'bench');
  const manifest = join(work, `${source.user}-to-${target.user}.json`);
  const env = writeBenchManifest(
    manifest,
    'bench',
    sourceServer,
    targetServer,
    [{ id: 'bench', source, target }],
    rules,
  );
  const planFile = join(work, `${target.user}.plan.json`);
  return {
    source,
    target,
    manifest,
    planFile,
    env,
    planArgs: (out = planFile) => ['plan', manifest, '--phase', 'presync', '--out', out, '--quiet'],
    applyArgs: ['apply', planFile, '--quiet'],
  };
}

/** One account of a bench manifest: its id and the logins on both sides. */
export interface BenchAccountPair {
  id: string;
  source: Account;
  target: Account;
}

/**
 * Writes a presync manifest named `name` for these accounts (passwords by environment variable,
 * BENCH_SOURCE_PW / BENCH_TARGET_PW for a single account 'bench', suffixed with the account's
 * position otherwise); returns the environment that carries the passwords.
 */
export function writeBenchManifest(
  file: string,
  name: string,
  sourceServer: DovecotServer,
  targetServer: DovecotServer,
  pairs: readonly BenchAccountPair[],
  rules: BenchRules = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const accounts = pairs.map((pair, index) => {
    const suffix = pairs.length === 1 ? '' : `_${index}`;
    env[`BENCH_SOURCE_PW${suffix}`] = pair.source.password;
    env[`BENCH_TARGET_PW${suffix}`] = pair.target.password;
    return {
      id: pair.id,
      source: { user: pair.source.user, password: { env: `BENCH_SOURCE_PW${suffix}` } },
      target: { user: pair.target.user, password: { env: `BENCH_TARGET_PW${suffix}` } },
    };
  });
  writeFileSync(
    file,
    JSON.stringify(
      {
        apiVersion: 'mailshift/v1',
        name,
        defaults: {
          source: { host: sourceServer.host, port: sourceServer.ports.plain, tls: 'none' },
          target: { host: targetServer.host, port: targetServer.ports.plain, tls: 'none' },
        },
        accounts,
        folders: { automap: true, ...(rules.exclude ? { exclude: rules.exclude } : {}) },
        ...(rules.messages ? { messages: rules.messages } : {}),
        phases: [{ name: 'presync', deleteTarget: true, deleteTargetFolders: true }],
      },
      null,
      2,
    ),
  );
  return env;
}
