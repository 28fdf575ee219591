import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAuditChain } from '../../../src/audit/chain.ts';
import { writeApply } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-audit-chain-'));
let counter = 0;
test.after(() => rmSync(root, { recursive: true, force: true }));

/** Three applies a day apart; returns their files. */
async function threeApplies(): Promise<{ dir: string; files: string[] }> {
  const dir = join(root, `m${++counter}`);
  const files: string[] = [];
  for (const [index, phase] of ['presync', 'final', 'drain-source'].entries()) {
    files.push(
      (await writeApply(dir, { applyId: `apply-${index}`, phase, startedAt: `2026-11-2${3 + index}T09:00:00.000Z` }))
        .file,
    );
  }
  return { dir, files };
}

function editLine(file: string, line: number, edit: (text: string) => string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[line - 1] = edit(lines[line - 1]!);
  writeFileSync(file, lines.join('\n'));
}

const breaks = (report: Awaited<ReturnType<typeof checkAuditChain>>) =>
  report.problems
    .filter((problem) => problem.severity === 'break')
    .map((problem) => ({ kind: problem.kind, file: problem.file, line: problem.line }));

test('an untouched log: the chain is ok', async () => {
  const { dir } = await threeApplies();
  assert.equal(await checkAuditChain(dir), { ok: true, files: 3, problems: [] });
});

test('no audit folder: ok with no files', async () => {
  assert.equal(await checkAuditChain(join(root, 'none')), { ok: true, files: 0, problems: [] });
});

test('a modified record is found, with its file and line', async () => {
  const { dir, files } = await threeApplies();
  editLine(files[1]!, 3, (text) => text.replace('"targetUid":101', '"targetUid":666'));
  const report = await checkAuditChain(dir);
  assert.not.ok(report.ok);
  assert.equal(breaks(report), [
    { kind: 'modified-record', file: files[1], line: 3 },
    { kind: 'changed-file', file: files[1], line: undefined },
  ]);
  assert.match(report.problems[0]!.message, 'line 3 was changed after it was written');
});

test('a deleted record is found: the numbering has a gap', async () => {
  const { dir, files } = await threeApplies();
  editLine(files[2]!, 4, () => '\u0000');
  writeFileSync(files[2]!, readFileSync(files[2]!, 'utf8').replace('\u0000\n', ''));
  const report = await checkAuditChain(dir);
  assert.equal(breaks(report), [{ kind: 'deleted-records', file: files[2], line: 4 }]);
  assert.match(report.problems[0]!.message, '1 record(s) deleted before line 4');
});

test('a deleted middle file is found: the next file is chained to it', async () => {
  const { dir, files } = await threeApplies();
  unlinkSync(files[1]!);
  const report = await checkAuditChain(dir);
  assert.equal(breaks(report), [{ kind: 'missing-file', file: files[1], line: undefined }]);
  assert.match(
    report.problems[0]!.message,
    '20261124T090000Z-final.jsonl is missing: 20261125T090000Z-drain-source.jsonl is chained to it',
  );
});

test('a deleted first file is found', async () => {
  const { dir, files } = await threeApplies();
  unlinkSync(files[0]!);
  assert.equal(breaks(await checkAuditChain(dir)), [{ kind: 'missing-file', file: files[0], line: undefined }]);
});

test("an earlier file replaced by a consistent fake is found by the next file's hash of it", async () => {
  const { dir, files } = await threeApplies();
  const fakeDir = join(root, `fake${counter}`);
  const fake = await writeApply(fakeDir, {
    applyId: 'apply-0',
    startedAt: '2026-11-23T09:00:00.000Z',
    operator: 'mallory@ops1',
  });
  writeFileSync(files[0]!, readFileSync(fake.file));
  assert.equal(breaks(await checkAuditChain(dir)), [{ kind: 'changed-file', file: files[0], line: undefined }]);
});

test('a file slipped in between is found: it is not in the chain', async () => {
  const { dir, files } = await threeApplies();
  const extra = join(dir, '20261124T120000Z-final.jsonl');
  writeFileSync(extra, readFileSync(files[1]!));
  assert.equal(
    breaks(await checkAuditChain(dir)).map((problem) => problem.kind),
    ['unchained-file'],
  );
});

test('a renamed file is found', async () => {
  const { dir, files } = await threeApplies();
  renameSync(files[1]!, join(dir, '20261124T100000Z-final.jsonl'));
  assert.equal(
    breaks(await checkAuditChain(dir)).map((problem) => problem.kind),
    ['missing-file'],
  );
});

test('an interrupted apply (no end record, a later apply exists) is a note, not a break', async () => {
  const dir = join(root, `m${++counter}`);
  const interrupted = await writeApply(dir, { applyId: 'killed' }, false);
  appendFileSync(interrupted.file, '{"type":"action","n":8,"at":"2026-11-2');
  await writeApply(dir, { applyId: 'rerun', startedAt: '2026-11-23T10:00:00.000Z' });
  const report = await checkAuditChain(dir);
  assert.ok(report.ok);
  assert.equal(
    report.problems.map((problem) => [problem.kind, problem.severity, problem.file]),
    [['interrupted', 'note', interrupted.file]],
  );
  assert.match(
    report.problems[0]!.message,
    'apply killed has no end record: it was interrupted in the middle of a line',
  );
});

test('the newest apply without end record (still running, or killed) is neither', async () => {
  const dir = join(root, `m${++counter}`);
  await writeApply(dir, { applyId: 'running' }, false);
  assert.equal(await checkAuditChain(dir), { ok: true, files: 1, problems: [] });
});

test('a line that is no longer JSON, and a line after the end record, are breaks', async () => {
  const { dir, files } = await threeApplies();
  editLine(files[0]!, 5, () => 'hello');
  appendFileSync(files[2]!, `${readFileSync(files[2]!, 'utf8').split('\n')[3]}\n`);
  const kinds = breaks(await checkAuditChain(dir)).map((problem) => `${problem.kind}:${problem.line ?? ''}`);
  assert.equal(kinds, ['invalid-record:5', 'changed-file:', 'inserted-record:10']);
});

test.run();
