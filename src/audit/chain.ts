// The hash chain across a migration's audit files: each file's start record names the newest
// earlier file and its SHA-256. Together with the chain inside each file (file-check.ts) this finds
// an edited or deleted record, and a deleted, replaced or slipped-in file. What no chain can find:
// the newest file rewritten as a whole, or deleted; git history covers those.
import { join } from 'node:path';
import { scanAuditFile, type AuditProblem, type ScannedAuditFile } from './file-check.ts';
import { auditFileNames } from './records.ts';

export type { AuditProblem } from './file-check.ts';

export interface AuditChainReport {
  /** No break found (notes about interrupted applies do not count). */
  ok: boolean;
  files: number;
  problems: AuditProblem[];
}

/** Check every audit file in `dir` and the links between them. */
export async function checkAuditChain(dir: string): Promise<AuditChainReport> {
  const names = await auditFileNames(dir);
  const files: ScannedAuditFile[] = [];
  for (const name of names) files.push(await scanAuditFile(join(dir, name)));
  const problems = [...files.flatMap((file) => file.breaks), ...linkProblems(dir, files)];
  files.forEach((file, index) => {
    if (file.end || index === files.length - 1) return;
    problems.push({
      kind: 'interrupted',
      severity: 'note',
      file: file.path,
      message: `apply ${file.start?.applyId ?? '?'} has no end record: it was interrupted${file.torn ? ' in the middle of a line' : ''}`,
    });
  });
  // File names sort in time order: report oldest first, and within a file by line.
  problems.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY),
  );
  return { ok: problems.every((problem) => problem.severity !== 'break'), files: names.length, problems };
}

/**
 * Walk the chain from the newest file back, each file to the one its start record names. Where
 * the chain breaks, the walk goes on from the file before by name, so every break is reported once.
 */
function linkProblems(dir: string, files: readonly ScannedAuditFile[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const broken = (kind: AuditProblem['kind'], file: string, message: string) =>
    problems.push({ kind, severity: 'break', file, message });
  for (let index = files.length - 1; index >= 0; ) {
    const file = files[index]!;
    const previous = file.start?.previous;
    if (!file.start || previous === null || previous === undefined) {
      if (file.start && index > 0) {
        broken(
          'unchained-file',
          file.path,
          `${file.name} starts a new chain although ${files[index - 1]!.name} comes before it: earlier files were added after it was written, or its start record was edited`,
        );
      }
      index--;
      continue;
    }
    const earlier = files.findIndex((candidate) => candidate.name === previous.file);
    if (earlier === -1) {
      broken(
        'missing-file',
        join(dir, previous.file),
        `${previous.file} is missing: ${file.name} is chained to it (deleted or renamed)`,
      );
      index--;
      continue;
    }
    if (earlier >= index) {
      broken(
        'unchained-file',
        file.path,
        `${file.name} is chained to ${previous.file}, which comes after it: a file was renamed`,
      );
      index--;
      continue;
    }
    if (files[earlier]!.sha256 !== previous.sha256) {
      broken(
        'changed-file',
        files[earlier]!.path,
        `changed after ${file.name} was started: its SHA-256 is not the one ${file.name} recorded for it`,
      );
    }
    for (const skipped of files.slice(earlier + 1, index)) {
      broken(
        'unchained-file',
        skipped.path,
        `${skipped.name} is not in the hash chain: ${file.name} is chained to ${previous.file}, so ${skipped.name} was added or renamed later`,
      );
    }
    index = earlier;
  }
  return problems;
}
