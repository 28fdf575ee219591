// The audit files a test migration's applies wrote next to its manifest, read back as records.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { auditDirFor } from '../../src/audit/writer.ts';

export type AuditRecord = Record<string, unknown>;

/** Every audit file of the migration (named after the manifest unless `name` says), oldest first, as its records. */
export function auditFiles(manifest: string, name = basename(manifest, '.json')): AuditRecord[][] {
  const dir = auditDirFor(manifest, name);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .map((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AuditRecord),
    );
}

/** Every record of the migration's audit files, oldest first. */
export function auditRecords(manifest: string, name?: string): AuditRecord[] {
  return auditFiles(manifest, name).flat();
}
