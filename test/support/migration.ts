// A migration set up the way a user has it: a manifest in a folder, pointed at fresh users on the
// Dovecot pair (source: '/' layout; target: '.' under INBOX.) or on any harness servers the test
// names, passwords in the environment.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { manifestFolder } from './manifests.ts';
import { dovecotPair, freshUser } from './servers.ts';
import type { DovecotServer } from './dovecot.ts';
import type { ImapTestServer } from './imap-server.ts';

/** Any server the harness runs: the tests' Dovecot, or Cyrus, Courier, mailutils. */
export type AnyServer = DovecotServer | ImapTestServer;

export interface Migration<S extends AnyServer = DovecotServer, T extends AnyServer = DovecotServer> {
  dir: string;
  manifest: string;
  env: NodeJS.ProcessEnv;
  source: { server: S; user: string; password: string };
  target: { server: T; user: string; password: string };
  planPath(phase: string): string;
  remove(): void;
}

/** How the migration reaches its servers, when a test needs more than the Dovecot pair as it is. */
export interface MigrationEndpoints<S extends AnyServer = DovecotServer, T extends AnyServer = DovecotServer> {
  /** A server for the source other than the pair's slash-layout one (e.g. Cyrus). */
  sourceServer?: S;
  /** A server for the target other than the pair's dot-layout one (e.g. one with a size limit). */
  targetServer?: T;
  /** Endpoint keys over the manifest's defaults, e.g. a proxy's `port` or a short `timeoutSeconds`. */
  source?: Record<string, unknown>;
  target?: Record<string, unknown>;
}

/** A one-account migration whose phases (and folder/message rules) the test chooses. */
export async function newMigration<S extends AnyServer = DovecotServer, T extends AnyServer = DovecotServer>(
  name: string,
  rules: { phases: unknown[]; folders?: unknown; messages?: unknown },
  endpoints: MigrationEndpoints<S, T> = {},
): Promise<Migration<S, T>> {
  const pair = endpoints.sourceServer && endpoints.targetServer ? undefined : await dovecotPair();
  // Without a server of their own, S and T are DovecotServer (their defaults): the pair's.
  const slash = endpoints.sourceServer ?? (pair?.slash as S);
  const dot = endpoints.targetServer ?? (pair?.dot as T);
  const [source, target] = await Promise.all([freshUser(slash, `${name}-src`), freshUser(dot, `${name}-tgt`)]);
  const folder = manifestFolder();
  const manifest = folder.write(`${name}.json`, {
    apiVersion: 'mailshift/v1',
    name,
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none', ...endpoints.source },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none', ...endpoints.target },
    },
    accounts: [
      {
        id: 'alice',
        source: { user: source.user, password: { env: 'MIG_SOURCE_PW' } },
        target: { user: target.user, password: { env: 'MIG_TARGET_PW' } },
      },
    ],
    ...(rules.folders ? { folders: rules.folders } : {}),
    ...(rules.messages ? { messages: rules.messages } : {}),
    phases: rules.phases,
  });
  return {
    dir: folder.dir,
    manifest,
    env: { MIG_SOURCE_PW: source.password, MIG_TARGET_PW: target.password },
    source: { server: slash, ...source },
    target: { server: dot, ...target },
    planPath: (phase) => join(folder.dir, 'plans', `${name}.${phase}.plan.json`),
    remove: () => folder.remove(),
  };
}

/**
 * One more account in the migration's manifest: fresh users on its servers (or the ones given),
 * passwords in `m.env` as <ID>_SOURCE_PW and <ID>_TARGET_PW. Returns the users, to seed and compare.
 */
export async function addAccount<S extends AnyServer, T extends AnyServer>(
  m: Migration<S, T>,
  id: string,
  servers: { source?: AnyServer; target?: AnyServer } = {},
): Promise<{ source: { user: string; password: string }; target: { user: string; password: string } }> {
  const name = basename(m.manifest, '.json');
  const [source, target] = await Promise.all([
    freshUser(servers.source ?? m.source.server, `${name}-${id}-src`),
    freshUser(servers.target ?? m.target.server, `${name}-${id}-tgt`),
  ]);
  const prefix = id.toUpperCase();
  const manifest = JSON.parse(readFileSync(m.manifest, 'utf8'));
  manifest.accounts.push({
    id,
    source: { user: source.user, password: { env: `${prefix}_SOURCE_PW` } },
    target: { user: target.user, password: { env: `${prefix}_TARGET_PW` } },
  });
  writeFileSync(m.manifest, JSON.stringify(manifest, null, 2));
  m.env[`${prefix}_SOURCE_PW`] = source.password;
  m.env[`${prefix}_TARGET_PW`] = target.password;
  return { source, target };
}
