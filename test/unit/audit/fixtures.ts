// Builders for audit logs in tests: a start record, and whole applies written with the real writer.
import { readFileSync, writeFileSync } from 'node:fs';
import { openAudit, type AuditAction, type AuditStart, type AuditWriter } from '../../../src/audit/writer.ts';

export function auditStart(overrides: Partial<AuditStart> = {}): AuditStart {
  return {
    kind: 'apply',
    applyId: '3f2a9c1b-7e4d-4c1a-9b2e-0a1b2c3d4e5f',
    phase: 'presync',
    planSha256: 'ab'.repeat(32),
    manifest: {
      path: 'migrations/acme.jsonnet',
      sha256: 'cd'.repeat(32),
      git: { commit: 'ef'.repeat(20), dirty: false },
    },
    tool: 'mailshift 0.1.0',
    operator: 'alice@ops1',
    startedAt: '2026-11-23T09:15:00.000Z',
    ...overrides,
  };
}

export const copy = (uid: number, targetUid: number, overrides: Partial<AuditAction> = {}): AuditAction => ({
  account: 'alice',
  folder: 'Sent',
  target: 'INBOX.Sent Items',
  op: 'copy',
  uid,
  targetUid,
  result: 'done',
  identity: 'a'.repeat(64),
  size: 1000,
  ...overrides,
});

/** One apply: create Sent, copy three, fail one copy, re-flag one, skip a deletion; then the end record (unless `finish` is false). */
export async function writeApply(dir: string, start: Partial<AuditStart> = {}, finish = true): Promise<AuditWriter> {
  const writer = await openAudit(dir, auditStart(start));
  await writer.record({
    account: 'alice',
    folder: 'Sent',
    target: 'INBOX.Sent Items',
    op: 'createFolder',
    result: 'done',
  });
  for (const uid of [1, 2, 3]) await writer.record(copy(uid, 100 + uid));
  await writer.record(
    copy(4, 0, { result: 'failed', reason: 'the target refused it: message too large', targetUid: null }),
  );
  await writer.record({ account: 'alice', folder: 'INBOX', target: 'INBOX', op: 'setFlags', uid: 9, result: 'done' });
  await writer.record({
    account: 'bob',
    folder: 'INBOX',
    target: 'INBOX',
    op: 'deleteSource',
    uid: 5,
    result: 'skipped',
    reason: 'already gone from the source',
  });
  await writer.finish({
    result: 'failed',
    summary: { messagesCopied: 3, failed: 1 },
    failures: 1,
    endedAt: '2026-11-23T09:16:00.000Z',
  });
  // An apply killed before its end: the same file without the end record.
  if (!finish) writeFileSync(writer.file, readFileSync(writer.file, 'utf8').replace(/[^\n]*\n$/, ''));
  return writer;
}
