import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapFolders, type FolderMappingResult } from '../../../src/plan/folder-mapping.ts';
import { folderRules, listing, type SideSpec } from '../../support/snapshots.ts';
import type { FolderRules } from '../../../src/manifest/settings.ts';

const slash = (folders: SideSpec['folders'], server: SideSpec['server'] = {}): SideSpec => ({
  layout: 'slash',
  folders,
  server,
});
const dot = (folders: SideSpec['folders'], server: SideSpec['server'] = {}): SideSpec => ({
  layout: 'dot',
  folders,
  server,
});

/** Pairs as "source -> target (mappedBy)", with " exists" when the target folder is there already. */
const pairLines = (result: FolderMappingResult) =>
  result.pairs.map((p) => `${p.source} -> ${p.target} (${p.mappedBy})${p.targetExists ? ' exists' : ''}`);
const errorLines = (result: FolderMappingResult) => result.errors.map((e) => `${e.code} ${e.location?.folder}`);

const map = (source: SideSpec, target: SideSpec, rules: Partial<FolderRules> = {}) =>
  mapFolders(listing(source, target), folderRules(rules));

const cases: Array<{
  name: string;
  source: SideSpec;
  target: SideSpec;
  rules?: Partial<FolderRules>;
  pairs: string[];
  errors?: string[];
  targetOnly?: string[];
}> = [
  // Layouts, both directions.
  {
    name: "'/' without prefix to '.' with INBOX.: prefix added, delimiter swapped",
    source: slash(['INBOX', 'Archive', 'Lists', 'Lists/Dev']),
    target: dot(['INBOX']),
    pairs: [
      'Archive -> INBOX.Archive (structure)',
      'INBOX -> INBOX (inbox) exists',
      'Lists -> INBOX.Lists (structure)',
      'Lists/Dev -> INBOX.Lists.Dev (structure)',
    ],
  },
  {
    name: "'.' with INBOX. to '/' without prefix: prefix stripped",
    source: dot(['INBOX', 'INBOX.Archive', 'INBOX.Lists.Dev']),
    target: slash(['INBOX', 'Archive']),
    pairs: [
      'INBOX -> INBOX (inbox) exists',
      'INBOX.Archive -> Archive (structure) exists',
      'INBOX.Lists.Dev -> Lists/Dev (structure)',
    ],
  },
  {
    name: "'/' to '/': names unchanged, INBOX children stay INBOX children",
    source: slash(['INBOX', 'INBOX/foo', 'a/b/c']),
    target: slash(['INBOX']),
    pairs: ['INBOX -> INBOX (inbox) exists', 'INBOX/foo -> INBOX/foo (structure)', 'a/b/c -> a/b/c (structure)'],
  },
  {
    name: "'.' to '.': names unchanged",
    source: dot(['INBOX', 'INBOX.a.b']),
    target: dot(['INBOX', 'INBOX.a', 'INBOX.a.b']),
    pairs: ['INBOX -> INBOX (inbox) exists', 'INBOX.a.b -> INBOX.a.b (structure) exists'],
    targetOnly: ['INBOX.a'],
  },
  {
    name: 'INBOX children of a prefix-less source do not become INBOX.INBOX.x',
    source: slash(['INBOX', 'INBOX/foo', 'INBOX/foo/bar']),
    target: dot(['INBOX']),
    pairs: [
      'INBOX -> INBOX (inbox) exists',
      'INBOX/foo -> INBOX.foo (structure)',
      'INBOX/foo/bar -> INBOX.foo.bar (structure)',
    ],
  },
  {
    name: 'INBOX is recognised whatever its case',
    source: slash(['inbox', 'Inbox/sub']),
    target: dot(['INBOX']),
    pairs: ['Inbox/sub -> INBOX.sub (structure)', 'inbox -> INBOX (inbox) exists'],
  },
  {
    name: 'a prefix written in another case is still the prefix',
    source: dot(['INBOX', 'inbox.Archive']),
    target: slash(['INBOX']),
    pairs: ['INBOX -> INBOX (inbox) exists', 'inbox.Archive -> Archive (structure)'],
  },
  // The other side's delimiter inside a name.
  {
    name: "a '.' in a name going to a '.' server becomes '_'",
    source: slash(['Lists.Dev', 'Lists/v1.2']),
    target: dot([]),
    pairs: ['Lists.Dev -> INBOX.Lists_Dev (structure)', 'Lists/v1.2 -> INBOX.Lists.v1_2 (structure)'],
  },
  {
    name: "a '/' in a name going to a '/' server becomes '_'",
    source: dot(['INBOX.a/b', 'INBOX.x.y/z']),
    target: slash([]),
    pairs: ['INBOX.a/b -> a_b (structure)', 'INBOX.x.y/z -> x/y_z (structure)'],
  },
  {
    name: "a '/' in a name going to a '.' server stays (it is no delimiter there)",
    source: dot(['INBOX.a/b']),
    target: dot([]),
    pairs: ['INBOX.a/b -> INBOX.a/b (structure)'],
  },
  // Non-ASCII names (decoded from modified UTF-7 by the IMAP layer).
  {
    name: 'non-ASCII names translate like any other',
    source: slash(['Entwürfe/Ünterordner', 'Привет', '日本語/メール']),
    target: dot([]),
    pairs: [
      'Entwürfe/Ünterordner -> INBOX.Entwürfe.Ünterordner (structure)',
      'Привет -> INBOX.Привет (structure)',
      '日本語/メール -> INBOX.日本語.メール (structure)',
    ],
  },
  {
    name: 'non-ASCII names, the other direction',
    source: dot(['INBOX.Éléments envoyés.2024', 'INBOX.Ärger']),
    target: slash([]),
    pairs: ['INBOX.Ärger -> Ärger (structure)', 'INBOX.Éléments envoyés.2024 -> Éléments envoyés/2024 (structure)'],
  },
  // map.
  {
    name: 'map takes a / path and translates it for the target',
    source: slash(['Sent Messages', 'Old']),
    target: dot([]),
    rules: { map: { 'Sent Messages': 'Sent', Old: 'Archive/2020' } },
    pairs: ['Old -> INBOX.Archive.2020 (map)', 'Sent Messages -> INBOX.Sent (map)'],
  },
  {
    name: "map value starting with the target's prefix is taken verbatim",
    source: slash(['Sent Messages', 'Junk']),
    target: dot(['INBOX.Sent Items']),
    rules: { map: { 'Sent Messages': 'INBOX.Sent Items', Junk: 'inbox.Spam' } },
    pairs: ['Junk -> inbox.Spam (map)', 'Sent Messages -> INBOX.Sent Items (map) exists'],
  },
  {
    name: 'map to a prefix-less target: a / path translated, a name with its delimiter as written',
    source: dot(['INBOX.A', 'INBOX.B']),
    target: slash([]),
    rules: { map: { 'INBOX.A': 'x/y', 'INBOX.B': 'Top' } },
    pairs: ['INBOX.A -> x/y (map)', 'INBOX.B -> Top (map)'],
  },
  {
    name: 'map to INBOX, and map INBOX elsewhere',
    source: slash(['INBOX', 'Inbox2']),
    target: dot(['INBOX']),
    rules: { map: { INBOX: 'Old INBOX', Inbox2: 'INBOX' } },
    pairs: ['INBOX -> INBOX.Old INBOX (map)', 'Inbox2 -> INBOX (map) exists'],
  },
  {
    name: 'map keys are exact source names (case counts)',
    source: slash(['Sent Messages']),
    target: slash([]),
    rules: { map: { 'sent messages': 'Sent' } },
    pairs: ['Sent Messages -> Sent Messages (structure)'],
  },
  {
    name: 'map wins over automap, rename and subfolder, and its value is final',
    source: slash({ Sent: { specialUse: '\\Sent' }, Other: {} }),
    target: dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } }),
    rules: {
      automap: true,
      map: { Sent: 'Gesendet' },
      rename: [{ match: 'Gesendet', replace: 'X' }],
      subfolder: 'Old',
    },
    pairs: ['Other -> INBOX.Old.Other (subfolder)', 'Sent -> INBOX.Gesendet (map)'],
  },
  // rename.
  {
    name: 'rename rules apply in order, each to the result of the one before',
    source: slash(['a']),
    target: slash([]),
    rules: {
      rename: [
        { match: '^a$', replace: 'b' },
        { match: '^b$', replace: 'c' },
      ],
    },
    pairs: ['a -> c (rename)'],
  },
  {
    name: 'rename groups ($1) and new hierarchy written with /',
    source: dot(['INBOX.Archive 2020']),
    target: dot([]),
    rules: { rename: [{ match: '^Archive (\\d+)$', replace: 'Archive/$1' }] },
    pairs: ['INBOX.Archive 2020 -> INBOX.Archive.2020 (rename)'],
  },
  {
    name: 'rename replaces the first match only (as String.replace does)',
    source: slash(['x-y-z']),
    target: slash([]),
    rules: { rename: [{ match: '-', replace: '_' }] },
    pairs: ['x-y-z -> x_y-z (rename)'],
  },
  {
    name: 'rename sees the logical / path: the Gmail preset works on a dot source and a dot target',
    source: dot({ 'INBOX.[Gmail]': { selectable: false }, 'INBOX.[Gmail].Sent Mail': {} }),
    target: dot([]),
    rules: { rename: [{ match: '^\\[Gmail\\]/', replace: '' }] },
    pairs: ['INBOX.[Gmail].Sent Mail -> INBOX.Sent Mail (rename)'],
  },
  {
    name: 'rename sees the logical / path: the Gmail preset on a slash source',
    source: slash({ '[Gmail]': { selectable: false }, '[Gmail]/Sent Mail': {}, '[Gmail]/All Mail': {} }),
    target: dot([]),
    rules: { rename: [{ match: '^\\[Gmail\\]/', replace: '' }] },
    pairs: ['[Gmail]/All Mail -> INBOX.All Mail (rename)', '[Gmail]/Sent Mail -> INBOX.Sent Mail (rename)'],
  },
  {
    name: 'rename that matches nothing leaves the structural name',
    source: slash(['Work']),
    target: dot([]),
    rules: { rename: [{ match: '^Private', replace: 'P' }] },
    pairs: ['Work -> INBOX.Work (structure)'],
  },
  {
    name: "rename sees names after the '_' replacement",
    source: slash(['Lists.Dev']),
    target: dot([]),
    rules: { rename: [{ match: '^Lists_Dev$', replace: 'Dev' }] },
    pairs: ['Lists.Dev -> INBOX.Dev (rename)'],
  },
  // subfolder.
  {
    name: 'subfolder: every folder below it, INBOX as <subfolder>/INBOX',
    source: slash(['INBOX', 'Sent', 'a/b']),
    target: dot(['INBOX']),
    rules: { subfolder: 'Migrated' },
    pairs: [
      'INBOX -> INBOX.Migrated.INBOX (subfolder)',
      'Sent -> INBOX.Migrated.Sent (subfolder)',
      'a/b -> INBOX.Migrated.a.b (subfolder)',
    ],
    targetOnly: ['INBOX'],
  },
  {
    name: 'subfolder is a / path; on a / target without prefix',
    source: dot(['INBOX', 'INBOX.Sent']),
    target: slash(['INBOX']),
    rules: { subfolder: 'Old/alice' },
    pairs: ['INBOX -> Old/alice/INBOX (subfolder)', 'INBOX.Sent -> Old/alice/Sent (subfolder)'],
    targetOnly: ['INBOX'],
  },
  {
    name: 'subfolder after rename',
    source: slash(['[Gmail]/Sent Mail']),
    target: slash([]),
    rules: { subfolder: 'G', rename: [{ match: '^\\[Gmail\\]/', replace: '' }] },
    pairs: ['[Gmail]/Sent Mail -> G/Sent Mail (subfolder)'],
  },
  {
    name: 'subfolder under INBOX on an INBOX. target does not double INBOX',
    source: slash(['Sent']),
    target: dot([]),
    rules: { subfolder: 'INBOX/Old' },
    pairs: ['Sent -> INBOX.Old.Sent (subfolder)'],
  },
  // Invalid names.
  {
    name: 'a rename that empties the name is an error naming the source folder',
    source: slash(['Junk', 'Keep']),
    target: slash([]),
    rules: { rename: [{ match: '^Junk$', replace: '' }] },
    pairs: ['Keep -> Keep (structure)'],
    errors: ['PLAN_INVALID_NAME Junk'],
  },
  {
    name: 'a rename that leaves an empty segment is an error',
    source: slash(['a/b']),
    target: dot([]),
    rules: { rename: [{ match: '/', replace: '//' }] },
    pairs: [],
    errors: ['PLAN_INVALID_NAME a/b'],
  },
  {
    name: 'a subfolder with an empty segment is an error for every folder',
    source: slash(['x', 'y']),
    target: dot([]),
    rules: { subfolder: 'a//b' },
    pairs: [],
    errors: ['PLAN_INVALID_NAME x', 'PLAN_INVALID_NAME y'],
  },
  {
    name: 'a map value with an empty segment is an error, verbatim or not',
    source: slash(['x', 'y']),
    target: dot([]),
    rules: { map: { x: 'a//b', y: 'INBOX.a..b' } },
    pairs: [],
    errors: ['PLAN_INVALID_NAME x', 'PLAN_INVALID_NAME y'],
  },
  {
    name: 'an excluded folder with an invalid name is no error',
    source: slash(['Junk']),
    target: slash([]),
    rules: { rename: [{ match: '^Junk$', replace: '' }], exclude: ['^Junk$'] },
    pairs: [],
    errors: [],
  },
  {
    name: 'a target without hierarchy cannot hold a nested folder',
    source: slash(['a', 'a/b']),
    target: { layout: 'slash', folders: [], server: { delimiter: null } },
    pairs: ['a -> a (structure)'],
    errors: ['PLAN_INVALID_NAME a/b'],
  },
  // Collisions.
  {
    name: 'two source folders onto one target name is an error naming both',
    source: slash(['Sent', 'INBOX/Sent']),
    target: dot([]),
    pairs: ['INBOX/Sent -> INBOX.Sent (structure)', 'Sent -> INBOX.Sent (structure)'],
    errors: ['PLAN_COLLISION INBOX/Sent'],
  },
  {
    name: 'a folder named INBOX below the prefix collides with INBOX (case-insensitively)',
    source: dot(['INBOX', 'INBOX.inbox']),
    target: slash([]),
    pairs: ['INBOX -> INBOX (inbox)', 'INBOX.inbox -> INBOX (structure)'],
    errors: ['PLAN_COLLISION INBOX'],
  },
  {
    name: 'map onto the name another folder has is a collision',
    source: slash(['A', 'B']),
    target: slash([]),
    rules: { map: { A: 'B' } },
    pairs: ['A -> B (map)', 'B -> B (structure)'],
    errors: ['PLAN_COLLISION A'],
  },
  {
    name: 'names differing in case only are two folders (only INBOX is case-insensitive)',
    source: slash(['Foo', 'foo']),
    target: slash([]),
    pairs: ['Foo -> Foo (structure)', 'foo -> foo (structure)'],
    errors: [],
  },
  {
    name: 'an excluded folder does not collide',
    source: slash(['Sent', 'INBOX/Sent']),
    target: dot([]),
    rules: { exclude: ['^INBOX/'] },
    pairs: ['Sent -> INBOX.Sent (structure)'],
    errors: [],
  },
  // include / exclude.
  {
    name: 'include selects, exclude removes, both unanchored regexes on the server name',
    source: slash(['INBOX', 'Sent', 'Sent/2020', 'Old Archive', 'Trash', 'Spam']),
    target: slash([]),
    rules: { include: ['^INBOX$', '^Sent', 'Arch'], exclude: ['2020'] },
    pairs: ['INBOX -> INBOX (inbox)', 'Old Archive -> Old Archive (structure)', 'Sent -> Sent (structure)'],
  },
  {
    name: 'exclude wins over include',
    source: slash(['Trash', 'Work']),
    target: slash([]),
    rules: { include: ['.*'], exclude: ['^Trash$'] },
    pairs: ['Work -> Work (structure)'],
  },
  {
    name: 'include/exclude see the prefixed server name',
    source: dot(['INBOX', 'INBOX.Trash', 'INBOX.Work']),
    target: slash([]),
    rules: { exclude: ['^INBOX\\.Trash$'] },
    pairs: ['INBOX -> INBOX (inbox)', 'INBOX.Work -> Work (structure)'],
  },
  // \Noselect and existing targets.
  {
    name: 'a \\Noselect source folder is never a pair, its children are',
    source: slash({ Lists: { selectable: false }, 'Lists/Dev': {} }),
    target: slash([]),
    pairs: ['Lists/Dev -> Lists/Dev (structure)'],
  },
  {
    name: 'a \\Noselect target folder does not count as existing',
    source: slash(['Lists', 'Lists/Dev']),
    target: slash({ Lists: { selectable: false } }),
    pairs: ['Lists -> Lists (structure)', 'Lists/Dev -> Lists/Dev (structure)'],
  },
  // targetOnly.
  {
    name: 'target-only folders: mapped by no source folder, sorted',
    source: slash(['INBOX', 'Work']),
    target: dot(['INBOX', 'INBOX.Work', 'INBOX.Zeta', 'INBOX.Alpha']),
    pairs: ['INBOX -> INBOX (inbox) exists', 'Work -> INBOX.Work (structure) exists'],
    targetOnly: ['INBOX.Alpha', 'INBOX.Zeta'],
  },
  {
    name: 'excluded and \\Noselect source folders protect their target counterparts',
    source: slash({ INBOX: {}, Trash: {}, Lists: { selectable: false } }),
    target: dot(['INBOX', 'INBOX.Trash', 'INBOX.Lists', 'INBOX.Other']),
    rules: { exclude: ['^Trash$'] },
    pairs: ['INBOX -> INBOX (inbox) exists'],
    targetOnly: ['INBOX.Other'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const result = map(c.source, c.target, c.rules);
    assert.equal(pairLines(result), c.pairs);
    assert.equal(errorLines(result), c.errors ?? []);
    if (c.targetOnly) assert.equal(result.targetOnly, c.targetOnly);
  });
}

test("the '_' replacement is a note on the pair and a NAME_TRANSLATED warning", () => {
  const result = map(slash(['Lists.Dev']), dot([]));
  assert.equal(result.pairs[0]!.notes, ['"." in "Lists.Dev" became "_" (the target\'s hierarchy delimiter)']);
  assert.equal(
    result.warnings.map((w) => [w.code, w.folder]),
    [['NAME_TRANSLATED', 'Lists.Dev']],
  );
  assert.match(result.warnings[0]!.message, 'INBOX.Lists_Dev');
});

test('dropping the leading INBOX is noted', () => {
  const result = map(slash(['INBOX/foo']), dot([]));
  assert.equal(result.pairs[0]!.notes.length, 1);
  assert.equal(result.pairs[0]!.notes, [
    'the leading "INBOX" was left out: the target\'s namespace prefix "INBOX." puts every folder below INBOX already (no INBOX.INBOX.…)',
  ]);
});

test('a rename is noted with its rule, before and after', () => {
  const result = map(slash(['[Gmail]/Sent Mail']), slash([]), { rename: [{ match: '^\\[Gmail\\]/', replace: '' }] });
  assert.equal(result.pairs[0]!.notes, ['rename "^\\\\[Gmail\\\\]/" → "": "[Gmail]/Sent Mail" became "Sent Mail"']);
});

test('a verbatim map value is noted', () => {
  const result = map(slash(['S']), dot([]), { map: { S: 'INBOX.Sent' } });
  assert.match(result.pairs[0]!.notes[0]!, /taken as the target's own name/);
});

test('a \\Noselect target folder is noted as created', () => {
  const result = map(slash(['Lists']), slash({ Lists: { selectable: false } }));
  assert.match(result.pairs[0]!.notes[0]!, /\\Noselect/);
});

test('a collision says which folders and which target, with a hint', () => {
  const result = map(slash(['Sent', 'INBOX/Sent']), dot([]));
  const error = result.errors[0]!;
  assert.is(error.severity, 'error');
  assert.match(error.message, '"INBOX/Sent"');
  assert.match(error.message, '"Sent"');
  assert.match(error.message, '"INBOX.Sent"');
  assert.match(error.hint ?? '', 'map');
});

test('three folders onto one name make one collision error naming all three', () => {
  const result = map(slash(['a', 'b', 'c']), slash([]), { map: { a: 'x', b: 'x', c: 'x' } });
  assert.is(result.errors.length, 1);
  assert.match(result.errors[0]!.message, /"a".*"b".*"c"/);
});

test('an invalid name error explains why', () => {
  const result = map(slash(['Junk']), slash([]), { rename: [{ match: '^Junk$', replace: '' }] });
  assert.match(result.errors[0]!.message, 'source folder "Junk" has no valid target name: the name would be empty');
});

test('leftOut: every selectable source folder not selected, with the first exclude that matches or the includes', () => {
  const result = map(
    slash({
      INBOX: {},
      Trash: {},
      'Trash-2019': {},
      Work: {},
      Parent: { selectable: false },
      Other: { selectable: false },
    }),
    dot([]),
    { include: ['^(INBOX|Trash.*|Parent)$'], exclude: ['^Trash$', 'Trash'] },
  );
  assert.equal(result.leftOut, [
    { folder: 'Trash', reason: 'exclude "^Trash$"' },
    { folder: 'Trash-2019', reason: 'exclude "Trash"' },
    { folder: 'Work', reason: 'no include matches ("^(INBOX|Trash.*|Parent)$")' },
  ]);
});

test('unmatched rules: a map key, a rename and an include that apply to no source folder are warnings; rules that do are not', () => {
  const result = map(slash(['INBOX', 'Sent', 'Lists/Dev']), dot([]), {
    include: ['.*', '^Projects$'],
    map: { Snet: 'Sent Items', Sent: 'Sent Items' },
    rename: [
      { match: '^Lists/', replace: 'Mailing/' },
      { match: '^Nope/', replace: 'x/' },
    ],
  });
  assert.equal(
    result.warnings.filter((w) => w.code === 'RULE_UNMATCHED').map((w) => w.message),
    [
      'folders.map key "Snet" matches no source folder (did you mean "Sent"?): it maps nothing',
      'folders.rename "^Nope/" changes no folder name: it renames nothing',
      'folders.include "^Projects$" matches no source folder',
    ],
  );
});

test.run();
