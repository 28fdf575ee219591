import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MailshiftError } from '../../../src/errors.ts';
import { localStateStore } from '../../../src/state/store.ts';

const root = mkdtempSync(join(tmpdir(), 'mailshift-uidmaps-'));
let counter = 0;
const freshDir = () => join(root, `m${++counter}`);
test.after(() => rmSync(root, { recursive: true, force: true }));

const SENT = { sourceUidValidity: 11, target: 'INBOX.Sent Items', targetUidValidity: 900 };

test('no maps before the first apply', async () => {
  assert.equal(await localStateStore(freshDir()).uidMaps('alice'), {});
});

test('pairs are merged into the folder map, by source UID, in UID order', async () => {
  const store = localStateStore(freshDir());
  await store.recordUidPairs('alice', 'Sent', SENT, [
    [3, 103],
    [1, 101],
  ]);
  await store.recordUidPairs('alice', 'Sent', SENT, [
    [2, 102],
    [3, 203],
  ]);
  assert.equal(await store.uidMaps('alice'), {
    Sent: {
      ...SENT,
      pairs: [
        [1, 101],
        [2, 102],
        [3, 203],
      ],
    },
  });
});

const replacements: Array<{ name: string; change: Partial<typeof SENT> }> = [
  { name: 'the source UIDVALIDITY changed', change: { sourceUidValidity: 12 } },
  { name: 'the target UIDVALIDITY changed', change: { targetUidValidity: 901 } },
  { name: 'the target folder changed', change: { target: 'Sent' } },
];
for (const c of replacements) {
  test(`the folder map starts afresh when ${c.name}`, async () => {
    const store = localStateStore(freshDir());
    await store.recordUidPairs('alice', 'Sent', SENT, [
      [1, 101],
      [2, 102],
    ]);
    await store.recordUidPairs('alice', 'Sent', { ...SENT, ...c.change }, [[5, 1]]);
    assert.equal(await store.uidMaps('alice'), { Sent: { ...SENT, ...c.change, pairs: [[5, 1]] } });
  });
}

test('folders and accounts are kept apart; concurrent writes to one account lose nothing', async () => {
  const store = localStateStore(freshDir());
  const folders = Array.from({ length: 12 }, (_, i) => `Folder ${i}`);
  await Promise.all(
    folders.map((folder, i) => store.recordUidPairs('alice', folder, { ...SENT, target: folder }, [[1, i]])),
  );
  await store.recordUidPairs('bob@acme.example', 'INBOX', { ...SENT, target: 'INBOX' }, [[1, 1]]);
  const alice = await store.uidMaps('alice');
  assert.equal(Object.keys(alice).sort(), [...folders].sort());
  assert.equal(alice['Folder 7']!.pairs, [[1, 7]]);
  assert.equal(Object.keys(await store.uidMaps('bob@acme.example')), ['INBOX']);
});

test('the file is replaced atomically (no temp file left) and holds one folder per line', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  await store.recordUidPairs('alice', 'Sent', SENT, [[1, 101]]);
  await store.recordUidPairs('alice', 'INBOX', { ...SENT, target: 'INBOX' }, [[1, 1]]);
  assert.equal(readdirSync(join(dir, 'uid-maps')), ['alice.json']);
  const text = readFileSync(join(dir, 'uid-maps', 'alice.json'), 'utf8');
  assert.match(text, '"format": "mailshift-uid-maps/v1"');
  assert.match(
    text,
    '\n    "Sent": {"sourceUidValidity":11,"target":"INBOX.Sent Items","targetUidValidity":900,"pairs":[[1,101]]}\n',
  );
  assert.is(JSON.parse(text).account, 'alice');
});

test('a file changed by another hand between two writes is read again, not overwritten from memory', async () => {
  const dir = freshDir();
  const store = localStateStore(dir);
  await store.recordUidPairs('alice', 'Sent', SENT, [[1, 101]]);
  const file = join(dir, 'uid-maps', 'alice.json');
  const edited = readFileSync(file, 'utf8').replace('[[1,101]]', '[[1,101],[5,105]]');
  writeFileSync(file, edited);
  await store.recordUidPairs('alice', 'Drafts', { ...SENT, target: 'INBOX.Drafts' }, [[2, 7]]);
  assert.equal(await store.uidMaps('alice'), {
    Drafts: { ...SENT, target: 'INBOX.Drafts', pairs: [[2, 7]] },
    Sent: {
      ...SENT,
      pairs: [
        [1, 101],
        [5, 105],
      ],
    },
  });
  writeFileSync(file, '{"format": "something else"}');
  try {
    await store.recordUidPairs('alice', 'Sent', SENT, [[3, 103]]);
    assert.unreachable('a damaged file is not written over');
  } catch (error) {
    assert.instance(error, MailshiftError);
  }
});

test('many folders written one after another: each write holds every folder written before', async () => {
  const store = localStateStore(freshDir());
  const expected: Record<string, unknown> = {};
  for (let folder = 0; folder < 12; folder++) {
    const pairs: Array<[number, number]> = [[folder + 1, 100 + folder]];
    await store.recordUidPairs('alice', `F${folder}`, SENT, pairs);
    expected[`F${folder}`] = { ...SENT, pairs };
    assert.equal(await store.uidMaps('alice'), expected);
  }
  await store.recordUidPairs('alice', 'F3', SENT, [[1, 1]]);
  assert.equal((await store.uidMaps('alice')).F3!.pairs, [
    [1, 1],
    [4, 103],
  ]);
});

test('a damaged map file is STATE_CORRUPT, naming the file', async () => {
  const dir = freshDir();
  mkdirSync(join(dir, 'uid-maps'), { recursive: true });
  writeFileSync(
    join(dir, 'uid-maps', 'alice.json'),
    '{"format":"mailshift-uid-maps/v1","folders":{"Sent":{"pairs":"no"}}}',
  );
  try {
    await localStateStore(dir).uidMaps('alice');
    assert.unreachable('should refuse');
  } catch (error) {
    assert.is((error as MailshiftError).code, 'STATE_CORRUPT');
    assert.is((error as MailshiftError).diagnostics[0]!.location?.file, join(dir, 'uid-maps', 'alice.json'));
  }
});

test('an account id that is not a manifest id never becomes a path', async () => {
  try {
    await localStateStore(freshDir()).recordUidPairs('../../x', 'INBOX', SENT, []);
    assert.unreachable('should refuse');
  } catch (error) {
    assert.is((error as MailshiftError).code, 'INTERNAL');
  }
});

test.run();
