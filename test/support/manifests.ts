// Builders for manifests in tests: a small valid one, and a temp folder to write variants into.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A minimal valid manifest: one account, one sync phase. Tests change one thing at a time. */
export function validManifest(): Record<string, any> {
  return {
    apiVersion: 'mailshift/v1',
    name: 'test-migration',
    defaults: {
      source: { host: 'imap.old.example', tls: 'implicit' },
      target: { host: 'imap.new.example', tls: 'implicit' },
    },
    accounts: [
      {
        id: 'alice',
        source: { user: 'alice@old.example', password: { env: 'ALICE_OLD_PW' } },
        target: { user: 'alice@new.example', password: { file: 'secrets/alice.pw' } },
      },
    ],
    phases: [{ name: 'presync', deleteTarget: true }],
  };
}

/** A temp folder for manifest files; remove() it in an `after` hook. */
export function manifestFolder(): {
  dir: string;
  write(name: string, content: string | object): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'mailshift-manifests-'));
  return {
    dir,
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A state store with no earlier applies or plans, for engine calls that read UID maps and snapshot caches. */
export const NO_STATE = {
  uidMaps: async () => ({}),
  snapshotCache: async () => null,
  saveSnapshotCache: async () => undefined,
};
