import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FolderRules, SyncPhase } from '../../../src/manifest/settings.ts';
import { message, planCase, type SideSpec } from '../../support/snapshots.ts';

const ALL = { only: null, except: null };

/** The target folders the plan deletes, in plan order. */
function deleted(
  source: SideSpec,
  target: SideSpec,
  rule: SyncPhase['deleteTargetFolders'] = ALL,
  folders: Partial<FolderRules> = {},
): string[] {
  const result = planCase({ source, target, phase: { deleteTargetFolders: rule }, folders });
  return result.folders.filter((f) => f.source === null).map((f) => f.target);
}

const slash = (folders: SideSpec['folders']): SideSpec => ({ layout: 'slash', folders });
const dot = (folders: SideSpec['folders']): SideSpec => ({ layout: 'dot', folders });

const cases: Array<{
  name: string;
  source: SideSpec;
  target: SideSpec;
  rule?: SyncPhase['deleteTargetFolders'];
  folders?: Partial<FolderRules>;
  expect: string[];
}> = [
  {
    name: 'off: nothing is deleted',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old']),
    rule: false,
    expect: [],
  },
  {
    name: 'on: folders no source folder maps to are deleted',
    source: slash(['INBOX', 'Work']),
    target: dot(['INBOX', 'INBOX.Work', 'INBOX.Old', 'INBOX.Stale']),
    expect: ['INBOX.Old', 'INBOX.Stale'],
  },
  {
    name: 'a folder the server would not open (or whose name cannot be sent back) is never deleted',
    source: slash(['INBOX']),
    target: slash({
      INBOX: {},
      Old: {},
      'Bad&Jjo': { unreadable: 'folder "Bad&Jjo" as the server lists it: not valid modified UTF-7' },
    }),
    expect: ['Old'],
  },
  { name: 'INBOX is never deleted', source: slash(['Work']), target: slash(['INBOX', 'Work']), expect: [] },
  {
    name: 'INBOX is never deleted, even when mapped elsewhere',
    source: slash(['INBOX']),
    target: slash(['INBOX']),
    folders: { map: { INBOX: 'Old INBOX' } },
    expect: [],
  },
  {
    name: 'special-use folders are never deleted',
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, 'Sent Items': { specialUse: '\\Sent' }, Junk: { specialUse: '\\Junk' }, Old: {} }),
    expect: ['Old'],
  },
  {
    name: 'a parent of a folder that stays is kept',
    source: slash(['Lists/Dev']),
    target: slash(['Lists', 'Lists/Dev', 'Lists/Old']),
    expect: ['Lists/Old'],
  },
  {
    name: 'a parent of a folder the plan creates is kept',
    source: dot(['INBOX.Proj.A']),
    target: dot(['INBOX', 'INBOX.Proj']),
    expect: [],
  },
  {
    name: 'a parent of a folder kept by except is kept',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old', 'Old/Keep', 'Old/Drop']),
    rule: { only: null, except: 'Keep' },
    expect: ['Old/Drop'],
  },
  {
    name: 'a parent of a special-use folder is kept',
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, Mail: {}, 'Mail/Sent': { specialUse: '\\Sent' } }),
    expect: [],
  },
  {
    name: 'a parent whose children all go, goes after them',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old', 'Old/a', 'Old/a/b', 'Old/c', 'Older']),
    expect: ['Old/a/b', 'Old/a', 'Old/c', 'Old', 'Older'],
  },
  {
    name: 'children first on a dot target too',
    source: slash(['INBOX']),
    target: dot(['INBOX', 'INBOX.x', 'INBOX.x.y', 'INBOX.w']),
    expect: ['INBOX.w', 'INBOX.x.y', 'INBOX.x'],
  },
  {
    name: 'only: just the matching folders (unanchored)',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old', 'Archive/2019', 'Archive/2020']),
    rule: { only: '^Archive/', except: null },
    expect: ['Archive/2019', 'Archive/2020'],
  },
  {
    name: 'except: never the matching folders',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old', 'Shared', 'Shared stuff']),
    rule: { only: null, except: '^Shared' },
    expect: ['Old'],
  },
  {
    name: 'only and except together',
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Archive/2019', 'Archive/2020', 'Old']),
    rule: { only: '^Archive', except: '2020' },
    expect: ['Archive/2019'],
  },
  {
    name: 'only/except see the target name with its prefix',
    source: slash(['INBOX']),
    target: dot(['INBOX', 'INBOX.Old', 'INBOX.New']),
    rule: { only: '^INBOX\\.Old$', except: null },
    expect: ['INBOX.Old'],
  },
  {
    name: 'an excluded source folder protects its target counterpart',
    source: slash(['INBOX', 'Trash']),
    target: dot(['INBOX', 'INBOX.Trash', 'INBOX.Gone']),
    folders: { exclude: ['^Trash$'] },
    expect: ['INBOX.Gone'],
  },
  {
    name: 'a \\Noselect target folder goes after its children',
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, Old: { selectable: false }, 'Old/x': {} }),
    expect: ['Old/x', 'Old'],
  },
  {
    name: 'with subfolder, only folders inside the subfolder tree are considered',
    source: slash(['INBOX', 'Work']),
    target: dot([
      'INBOX',
      'INBOX.Other',
      'INBOX.Migrated',
      'INBOX.Migrated.Work',
      'INBOX.Migrated.Stale',
      'INBOX.Migrated2',
    ]),
    folders: { subfolder: 'Migrated' },
    expect: ['INBOX.Migrated.Stale'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.equal(deleted(c.source, c.target, c.rule, c.folders), c.expect);
  });
}

test('a target-only folder kept because it cannot be read is named in a warning', () => {
  const result = planCase({
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, Locked: { unreadable: 'target EXAMINE failed: NO permission denied' } }),
    phase: { deleteTargetFolders: ALL },
  });
  assert.equal(
    result.folders.filter((f) => f.source === null).map((f) => f.target),
    [],
  );
  const said = result.warnings.find((w) => w.code === 'FOLDER_UNREADABLE');
  assert.match(
    said?.message ?? '',
    /target folder "Locked" is kept although deleteTargetFolders matches it: target EXAMINE failed: NO permission denied/,
  );
});

test('a deleted folder is a target-only folder plan with one deleteFolder action counting its messages', () => {
  const result = planCase({
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, Old: { messages: [message(1), message(2)], uidValidity: 5, read: false } }),
    phase: { deleteTargetFolders: ALL },
  });
  assert.equal(result.folders.at(-1), {
    source: null,
    target: 'Old',
    mappedBy: 'target-only',
    sourceState: null,
    targetState: { uidValidity: 5, uidNext: 3, highestModseq: null, messages: 2 },
    notes: [],
    actions: [{ op: 'deleteFolder', messages: 2 }],
  });
});

test('a \\Noselect folder deleted has no state and no messages', () => {
  const result = planCase({
    source: slash(['INBOX']),
    target: slash({ INBOX: {}, Old: { selectable: false } }),
    phase: { deleteTargetFolders: ALL },
  });
  assert.equal(result.folders.at(-1), {
    source: null,
    target: 'Old',
    mappedBy: 'target-only',
    sourceState: null,
    targetState: null,
    notes: [],
    actions: [{ op: 'deleteFolder', messages: 0 }],
  });
});

test('justFolders still deletes target folders', () => {
  const result = planCase({
    source: slash(['INBOX']),
    target: slash(['INBOX', 'Old']),
    phase: { deleteTargetFolders: ALL, justFolders: true },
  });
  assert.equal(
    result.folders.map((f) => f.target),
    ['INBOX', 'Old'],
  );
});

test('a folder skipped by skipEmpty is not created, so its target parent is not protected by it', () => {
  const result = planCase({
    source: slash({ INBOX: {}, 'Old/Empty': {} }),
    target: slash(['INBOX', 'Old']),
    folders: { skipEmpty: true },
    phase: { deleteTargetFolders: ALL },
  });
  assert.equal(
    result.folders.filter((f) => f.source === null).map((f) => f.target),
    ['Old'],
  );
});

test.run();
