import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CutoverRecord } from '../../../src/plan/cutover.ts';
import type { UidMaps } from '../../../src/plan/snapshot.ts';
import { message, planCase, type SideSpec } from '../../support/snapshots.ts';

const GATE = { gate: 'switch-mx', at: '2026-11-22T10:00:00Z', forced: false };
const ALL = { only: null, except: null };
const slash = (folders: SideSpec['folders']): SideSpec => ({ layout: 'slash', folders });

/** mailshift copied source UIDs 1..n of INBOX to target UIDs 101..100+n (target UIDVALIDITY 1). */
function copiedInbox(n: number, target = 'INBOX'): UidMaps {
  return {
    INBOX: {
      sourceUidValidity: 1,
      target,
      targetUidValidity: 1,
      pairs: Array.from({ length: n }, (_, i): [number, number] => [i + 1, 101 + i]),
    },
  };
}

function after(uidMaps: UidMaps, forced = false): CutoverRecord {
  return { since: { ...GATE, forced }, uidMaps };
}

/** The target deletions of INBOX and the warnings' codes and counts. */
function outcome(result: ReturnType<typeof planCase>) {
  const inbox = result.folders.find((f) => f.source === 'INBOX');
  return {
    deleted: inbox?.actions.filter((a) => a.op === 'deleteTarget').map((a) => ('uid' in a ? a.uid : 0)) ?? [],
    folders: result.folders.filter((f) => f.source === null).map((f) => f.target),
    // Message findings are folded into one per code ("3 messages (INBOX 3): …"); folder findings name their folder.
    warnings: result.warnings
      .filter((w) => w.code.startsWith('CUTOVER'))
      .map((w) => [w.code, w.folder ?? /^\d+ messages? \(([^)]*)\)/.exec(w.message)?.[1] ?? null]),
  };
}

// Source lost messages 2 and 3 since they were copied (deleted by the user): their copies, 102 and 103, go.
// 104 arrived on the new server after the MX switch: it is no copy of mailshift's.
const source = slash({ INBOX: { messages: [message(1)] } });
const target = slash({
  INBOX: {
    messages: [
      message(101, { identity: 'id-1' }),
      message(102, { identity: 'id-2' }),
      message(103, { identity: 'id-3' }),
      message(104, { identity: 'new' }),
    ],
  },
});

test('before any gate, deleteTarget deletes every target-only message', () => {
  assert.equal(
    outcome(planCase({ source, target, phase: { deleteTarget: true }, uidMaps: copiedInbox(3), cutover: undefined })),
    { deleted: [102, 103, 104], folders: [], warnings: [] },
  );
});

test('after a gate, deleteTarget deletes only mailshift copies; the rest is kept and said', () => {
  const result = planCase({ source, target, phase: { deleteTarget: true }, cutover: after(copiedInbox(3)) });
  assert.equal(outcome(result), { deleted: [102, 103], folders: [], warnings: [['CUTOVER_KEPT', 'INBOX 1']] });
  assert.match(
    result.warnings.find((w) => w.code === 'CUTOVER_KEPT')!.message,
    'gate "switch-mx" (recorded 2026-11-22T10:00:00Z)',
  );
});

test('after a gate, plan --force deletes them, with a warning that apply needs --force too', () => {
  const result = planCase({ source, target, phase: { deleteTarget: true }, cutover: after(copiedInbox(3), true) });
  assert.equal(outcome(result), { deleted: [102, 103, 104], folders: [], warnings: [['CUTOVER_OVERRIDE', 'INBOX 1']] });
  assert.match(result.warnings[0]!.message, 'apply needs --force');
});

test('after a gate, with no UID map (another --state-dir), nothing is deleted on the target', () => {
  assert.equal(outcome(planCase({ source, target, phase: { deleteTarget: true }, cutover: after({}) })), {
    deleted: [],
    folders: [],
    warnings: [['CUTOVER_KEPT', 'INBOX 3']],
  });
});

test("a map of another target UIDVALIDITY names none of the folder's messages", () => {
  const maps = copiedInbox(3);
  maps.INBOX!.targetUidValidity = 2;
  assert.equal(outcome(planCase({ source, target, phase: { deleteTarget: true }, cutover: after(maps) })).deleted, []);
});

test('copies into a target folder fed by another source folder (a rename) count for that folder', () => {
  const renamed = slash({ Old: { messages: [message(1)] } });
  const result = planCase({
    source: renamed,
    target: slash({
      New: {
        messages: [
          message(101, { identity: 'id-1' }),
          message(102, { identity: 'id-2' }),
          message(104, { identity: 'new' }),
        ],
      },
    }),
    folders: { map: { Old: 'New' } },
    phase: { deleteTarget: true },
    cutover: after({
      Old: {
        sourceUidValidity: 1,
        target: 'New',
        targetUidValidity: 1,
        pairs: [
          [1, 101],
          [2, 102],
        ],
      },
    }),
  });
  assert.equal(
    result.folders
      .find((f) => f.source === 'Old')!
      .actions.filter((a) => a.op === 'deleteTarget')
      .map((a) => ('uid' in a ? a.uid : 0)),
    [102],
  );
});

test('the rule never stops copies, flag updates or source deletions', () => {
  const result = planCase({
    source: slash({ INBOX: { messages: [message(1), message(5)] } }),
    target: slash({ INBOX: { messages: [message(101, { identity: 'id-1' }), message(104, { identity: 'new' })] } }),
    phase: { deleteTarget: true, deleteSource: true },
    cutover: after(copiedInbox(1)),
  });
  assert.equal(
    result.folders[0]!.actions.map((a) => a.op),
    ['copy', 'deleteSource', 'deleteSource'],
  );
});

// Target-only folders after a gate.
const folderSource = slash(['INBOX']);
const withFolders = (extra: SideSpec['folders']) => slash({ INBOX: {}, ...(extra as object) });
const mapFor = (folder: string, uids: number[], uidValidity = 1): UidMaps => ({
  [folder]: {
    sourceUidValidity: 1,
    target: folder,
    targetUidValidity: uidValidity,
    pairs: uids.map((u): [number, number] => [u, u]),
  },
});

test('after a gate, a folder holding only mailshift copies is deleted', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Old: { messages: [message(1), message(2)] } }),
    phase: { deleteTargetFolders: ALL },
    cutover: after(mapFor('Old', [1, 2])),
  });
  assert.equal(outcome(result), { deleted: [], folders: ['Old'], warnings: [] });
});

test('after a gate, a folder users made on the new server is kept', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Projects: { messages: [message(1)] }, Empty: {} }),
    phase: { deleteTargetFolders: ALL },
    cutover: after({}),
  });
  assert.equal(outcome(result), {
    deleted: [],
    folders: [],
    warnings: [
      ['CUTOVER_KEPT', 'Empty'],
      ['CUTOVER_KEPT', 'Projects'],
    ],
  });
  assert.match(result.warnings[0]!.message, 'mailshift never copied into it');
});

test('after a gate, a folder mailshift filled that received other mail is kept', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Old: { messages: [message(1), message(7)] } }),
    phase: { deleteTargetFolders: ALL },
    cutover: after(mapFor('Old', [1])),
  });
  assert.equal(outcome(result).folders, []);
  assert.match(
    result.warnings.find((w) => w.code === 'CUTOVER_KEPT')!.message,
    'it holds 1 message mailshift did not copy there',
  );
});

test('after a gate, a folder whose UIDVALIDITY changed since the copies is kept', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Old: { messages: [message(1)], uidValidity: 9 } }),
    phase: { deleteTargetFolders: ALL },
    cutover: after(mapFor('Old', [1])),
  });
  assert.equal(outcome(result).folders, []);
});

test('after a gate, plan --force deletes a kept folder, loudly', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Projects: { messages: [message(1)] } }),
    phase: { deleteTargetFolders: ALL },
    cutover: after({}, true),
  });
  assert.equal(outcome(result), { deleted: [], folders: ['Projects'], warnings: [['CUTOVER_OVERRIDE', 'Projects']] });
});

test('the parent of a folder the rule keeps is kept too', () => {
  const result = planCase({
    source: folderSource,
    target: withFolders({ Old: { messages: [message(1)] }, 'Old/Mine': { messages: [message(1)] } }),
    phase: { deleteTargetFolders: ALL },
    cutover: after(mapFor('Old', [1])),
  });
  assert.equal(outcome(result).folders, []);
});

test.run();
