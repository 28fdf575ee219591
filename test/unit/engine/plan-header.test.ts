// Reading a plan file's header for status and the phase order: everything but the accounts, and
// the same SHA-256 apply and the audit log name the file by.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readPlanHeader } from '../../../src/engine/plan-header.ts';
import { readPlanFile, writePlanFile } from '../../../src/engine/plan-file.ts';
import { fixtureAccounts, fixturePlan } from '../../support/plans.ts';

const dir = mkdtempSync(join(tmpdir(), 'mailshift-plan-header-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a canonical plan: the header without accounts, and the file's SHA-256", async () => {
  const file = join(dir, 'acme.presync.plan.json');
  const plan = fixturePlan();
  await writePlanFile(file, plan);
  const read = await readPlanHeader(file);
  const full = await readPlanFile(file);
  assert.ok(read.state === 'found' && 'plan' in full);
  const { accounts: _accounts, ...header } = plan;
  assert.equal(read.header, header);
  assert.is(read.sha256, full.sha256);
});

test('a large plan is read in full for its hash, its head only for the header', async () => {
  const file = join(dir, 'large.plan.json');
  const [alice] = fixtureAccounts();
  const copies = Array.from({ length: 20_000 }, (_, index) => ({
    op: 'copy' as const,
    uid: index + 1,
    size: 1000,
    internalDate: '2026-11-20T10:00:00.000Z',
    flags: [],
    identity: 'é'.repeat(32),
  }));
  await writePlanFile(file, fixturePlan([{ ...alice!, folders: [{ ...alice!.folders[0]!, actions: copies }] }]));
  const read = await readPlanHeader(file);
  const full = await readPlanFile(file);
  assert.ok(read.state === 'found' && 'plan' in full);
  assert.is(read.header.summary.messagesToCopy, 20_000);
  assert.is(read.sha256, full.sha256);
});

test('no file: missing; not JSON or not a plan: unreadable, saying why', async () => {
  assert.equal(await readPlanHeader(join(dir, 'nothing.json')), { state: 'missing' });
  writeFileSync(join(dir, 'garbage.json'), '{ "format": ');
  assert.equal(await readPlanHeader(join(dir, 'garbage.json')), { state: 'unreadable', reason: 'it is not JSON' });
  writeFileSync(join(dir, 'other.json'), '{ "format": "something-else" }\n');
  assert.equal(await readPlanHeader(join(dir, 'other.json')), {
    state: 'unreadable',
    reason: 'it is not a mailshift plan',
  });
});

test.run();
