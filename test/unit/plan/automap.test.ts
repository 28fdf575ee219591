import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FolderRules } from '../../../src/manifest/settings.ts';
import { AUTOMAP_NAMES, specialUseOfName } from '../../../src/plan/automap.ts';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import { folderRules, listing, type SideSpec } from '../../support/snapshots.ts';

const slash = (folders: SideSpec['folders']): SideSpec => ({ layout: 'slash', folders });
const dot = (folders: SideSpec['folders']): SideSpec => ({ layout: 'dot', folders });

function mapped(source: SideSpec, target: SideSpec, rules: Partial<FolderRules> = {}): string[] {
  const result = mapFolders(listing(source, target), folderRules({ automap: true, ...rules }));
  return result.pairs.map((p) => `${p.source} -> ${p.target} (${p.mappedBy})`);
}

test('special-use on both sides', () => {
  assert.equal(
    mapped(slash({ Sent: { specialUse: '\\Sent' } }), dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } })),
    ['Sent -> INBOX.Sent Items (automap)'],
  );
});

test('the source attribute counts whatever the source name', () => {
  assert.equal(
    mapped(slash({ 'Outgoing copies': { specialUse: '\\Sent' } }), dot({ 'INBOX.Sent': { specialUse: '\\Sent' } })),
    ['Outgoing copies -> INBOX.Sent (automap)'],
  );
});

test("the source attribute counts below the top level (Gmail's [Gmail]/Sent Mail)", () => {
  const source = slash({
    '[Gmail]': { selectable: false },
    '[Gmail]/Sent Mail': { specialUse: '\\Sent' },
    '[Gmail]/Spam': { specialUse: '\\Junk' },
  });
  assert.equal(
    mapped(source, dot({ 'INBOX.Sent': { specialUse: '\\Sent' }, 'INBOX.Junk': {} }), {
      rename: [{ match: '^\\[Gmail\\]/', replace: '' }],
    }),
    ['[Gmail]/Sent Mail -> INBOX.Sent (automap)', '[Gmail]/Spam -> INBOX.Junk (automap)'],
  );
});

test('a special-use attribute on the target wins over a name on the target', () => {
  assert.equal(mapped(slash(['Sent']), dot({ 'INBOX.Sent': {}, 'INBOX.Outbox': { specialUse: '\\Sent' } })), [
    'Sent -> INBOX.Outbox (automap)',
  ]);
});

test('on the target, an exact name is preferred, then the order of the table', () => {
  assert.equal(mapped(slash(['Sent Items']), dot(['INBOX.Sent', 'INBOX.Sent Items'])), [
    'Sent Items -> INBOX.Sent Items (automap)',
  ]);
  assert.equal(mapped(slash(['Gesendet']), dot(['INBOX.Sent Items', 'INBOX.Sent'])), [
    'Gesendet -> INBOX.Sent (automap)',
  ]);
  assert.equal(mapped(slash(['Gesendet']), dot(['INBOX.Wysłane', 'INBOX.Enviados'])), [
    'Gesendet -> INBOX.Enviados (automap)',
  ]);
});

test('names compare case-insensitively', () => {
  assert.equal(mapped(slash(['SENT ITEMS', 'junk e-mail']), slash(['Sent', 'Spam'])), [
    'SENT ITEMS -> Sent (automap)',
    'junk e-mail -> Spam (automap)',
  ]);
  assert.equal(mapped(slash(['ÉLÉMENTS ENVOYÉS']), slash(['Sent'])), ['ÉLÉMENTS ENVOYÉS -> Sent (automap)']);
});

test('names compare in the same Unicode normal form', () => {
  const decomposed = 'Entwürfe'.normalize('NFD');
  assert.equal(mapped(slash([decomposed]), slash(['Drafts'])), [`${decomposed} -> Drafts (automap)`]);
});

// Every name of every row, both ways, against a target without special-use attributes.
for (const row of AUTOMAP_NAMES) {
  const [english] = row.names;
  for (const name of row.names) {
    test(`${row.use} by name: "${name}" on the source finds "${english}" on the target`, () => {
      assert.equal(mapped(slash([name]), dot([`INBOX.${english}`])), [`${name} -> INBOX.${english} (automap)`]);
    });
    test(`${row.use} by name: "${english}" on the source finds "${name}" on the target`, () => {
      assert.equal(mapped(dot([`INBOX.${english}`]), slash([name])), [`INBOX.${english} -> ${name} (automap)`]);
    });
  }
  test(`${row.use}: every name of the row is known`, () => {
    for (const name of row.names) assert.is(specialUseOfName(name), row.use, name);
  });
}

test('no counterpart on the target: the structural rules decide', () => {
  assert.equal(mapped(slash(['Papierkorb']), dot(['INBOX.Sent'])), ['Papierkorb -> INBOX.Papierkorb (structure)']);
  assert.equal(mapped(slash({ Sent: { specialUse: '\\Sent' } }), dot(['INBOX.Trash'])), [
    'Sent -> INBOX.Sent (structure)',
  ]);
});

test('a name below the top level is not a special folder', () => {
  assert.equal(
    mapped(slash(['Work/Sent', 'INBOX/Trash']), dot({ 'INBOX.Sent': { specialUse: '\\Sent' }, 'INBOX.Trash': {} })),
    ['INBOX/Trash -> INBOX.Trash (structure)', 'Work/Sent -> INBOX.Work.Sent (structure)'],
  );
});

test("a name under the source's prefix is top level", () => {
  assert.equal(mapped(dot(['INBOX.Gesendete Objekte']), slash(['Sent'])), [
    'INBOX.Gesendete Objekte -> Sent (automap)',
  ]);
});

test('on the target, only top-level names and selectable folders count', () => {
  assert.equal(mapped(slash(['Sent']), dot(['INBOX.Old.Sent Items'])), ['Sent -> INBOX.Sent (structure)']);
  assert.equal(
    mapped(
      slash(['Trash']),
      slash({ Deleted: { specialUse: '\\Trash', selectable: false }, Papierkorb: { selectable: false } }),
    ),
    ['Trash -> Trash (structure)'],
  );
});

test('automap is off unless set', () => {
  const result = mapFolders(
    listing(slash(['Sent']), dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } })),
    folderRules(),
  );
  assert.equal(
    result.pairs.map((p) => p.target),
    ['INBOX.Sent'],
  );
});

test('subfolder turns automap off (as --subfolder2 does)', () => {
  assert.equal(
    mapped(slash({ Sent: { specialUse: '\\Sent' } }), dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } }), {
      subfolder: 'Old',
    }),
    ['Sent -> INBOX.Old.Sent (subfolder)'],
  );
});

test('INBOX is never automapped', () => {
  assert.equal(
    mapped(slash({ INBOX: { specialUse: '\\Archive' } }), dot({ 'INBOX.Archive': { specialUse: '\\Archive' } })),
    ['INBOX -> INBOX (inbox)'],
  );
});

test('automap wins over rename', () => {
  assert.equal(mapped(slash(['Sent']), slash(['Sent Items']), { rename: [{ match: 'Sent', replace: 'X' }] }), [
    'Sent -> Sent Items (automap)',
  ]);
});

test('two source folders automapped onto one target folder: one wins, the other keeps its name', () => {
  const result = mapFolders(
    listing(slash(['Sent', 'Sent Items']), dot({ 'INBOX.Sent': { specialUse: '\\Sent' } })),
    folderRules({ automap: true }),
  );
  assert.equal(result.errors, []);
  assert.equal(
    result.pairs.map((p) => `${p.source} -> ${p.target} (${p.mappedBy})`),
    ['Sent -> INBOX.Sent (automap)', 'Sent Items -> INBOX.Sent Items (structure)'],
  );
});

test('the note says why on each side', () => {
  const byUse = mapFolders(
    listing(slash({ Sent: { specialUse: '\\Sent' } }), dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } })),
    folderRules({ automap: true }),
  );
  assert.equal(byUse.pairs[0]!.notes, [
    'automap: the source marks it \\Sent; the target marks "INBOX.Sent Items" \\Sent',
  ]);
  const byName = mapFolders(listing(slash(['Gesendet']), dot(['INBOX.Sent'])), folderRules({ automap: true }));
  assert.equal(byName.pairs[0]!.notes, [
    'automap: "Gesendet" is a usual name for \\Sent; "INBOX.Sent" is the target\'s \\Sent folder by name',
  ]);
});

test('an automapped target protects the target folder from being target-only', () => {
  const result = mapFolders(
    listing(slash(['Gesendet']), dot(['INBOX.Sent Items', 'INBOX.Old'])),
    folderRules({ automap: true }),
  );
  assert.equal(result.targetOnly, ['INBOX.Old']);
});

test('guesses that collide: the folder the server marks special wins, the others keep their names', () => {
  const source = slash({
    Sent: { specialUse: '\\Sent' },
    'Éléments envoyés': {},
    Drafts: { specialUse: '\\Drafts' },
    Entwürfe: {},
  });
  const target = dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' }, 'INBOX.Drafts': { specialUse: '\\Drafts' } });
  const result = mapFolders(listing(source, target), folderRules({ automap: true }));
  assert.equal(
    result.pairs.map((p) => `${p.source} -> ${p.target} (${p.mappedBy})`),
    [
      'Drafts -> INBOX.Drafts (automap)',
      'Entwürfe -> INBOX.Entwürfe (structure)',
      'Sent -> INBOX.Sent Items (automap)',
      'Éléments envoyés -> INBOX.Éléments envoyés (structure)',
    ],
  );
  assert.equal(result.errors, []);
  assert.equal(
    result.warnings.map((w) => [w.code, w.folder]),
    [
      ['AUTOMAP_AMBIGUOUS', 'Entwürfe'],
      ['AUTOMAP_AMBIGUOUS', 'Éléments envoyés'],
    ],
  );
  assert.match(
    result.warnings[1]!.message,
    '"Éléments envoyés" also looks like a special folder, but "Sent" goes to "INBOX.Sent Items"',
  );
});

test('guesses that collide by name only: the table order decides', () => {
  assert.equal(mapped(slash(['Gesendet', 'Sent Items']), dot({ 'INBOX.Sent': { specialUse: '\\Sent' } })), [
    'Gesendet -> INBOX.Gesendet (structure)',
    'Sent Items -> INBOX.Sent (automap)',
  ]);
});

test('an explicit map beats every guess for the same target', () => {
  assert.equal(
    mapped(slash(['Sent', 'Outbox']), dot({ 'INBOX.Sent Items': { specialUse: '\\Sent' } }), {
      map: { Outbox: 'INBOX.Sent Items' },
    }),
    ['Outbox -> INBOX.Sent Items (map)', 'Sent -> INBOX.Sent (structure)'],
  );
});

test('explicit rules that collide are still an error', () => {
  const result = mapFolders(listing(slash(['A', 'B']), dot([])), folderRules({ map: { A: 'Same', B: 'Same' } }));
  assert.equal(
    result.errors.map((e) => e.code),
    ['PLAN_COLLISION'],
  );
});

test.run();
