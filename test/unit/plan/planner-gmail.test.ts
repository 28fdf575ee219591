import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodePath } from 'imapflow/lib/tools.js';
import type { GmailRules } from '../../../src/manifest/settings.ts';
import { labelKeyword } from '../../../src/plan/gmail-label-names.ts';
import type { MessageSnapshot } from '../../../src/plan/snapshot.ts';
import type { FolderPlan } from '../../../src/plan/types.ts';
import { A_LABELS, DEFAULT_GMAIL, g, GMAIL_SERVER, gmailCase, gmailFolders, PRESET } from '../../support/gmail.ts';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import { verifyAccount } from '../../../src/plan/verify-compare.ts';
import {
  account,
  NOW,
  slice,
  actionLines,
  folderPlan,
  folderRules,
  message,
  planCase,
  type FolderSpec,
  type SideSpec,
} from '../../support/snapshots.ts';

// Gmail as a source: one message (one X-GM-MSGID) is in the folder of each of its labels and in
// All Mail. Snapshots in, plan out, for each policy of folders.gmail.

/** Each folder pair as "source → target": its action lines. */
function byPair(folders: readonly FolderPlan[]): Record<string, string[]> {
  return Object.fromEntries(
    folders.filter((f) => f.source !== null).map((f) => [`${f.source} → ${f.target}`, actionLines(f)]),
  );
}

test("the schema's default: labels 'folders', allMail 'unlabelled' into Archive, priority Inbox, Sent, Draft", () => {
  assert.equal(DEFAULT_GMAIL, {
    labels: 'folders',
    priority: ['\\Inbox', '\\Sent', '\\Draft'],
    allMail: 'unlabelled',
    archiveFolder: 'Archive',
  });
});

test("labels 'folders': a copy in each label's folder, archived mail into Archive, and the counts", () => {
  const result = gmailCase();
  assert.equal(result.errors, []);
  assert.equal(byPair(result.folders), {
    'INBOX → INBOX': ['copy 10'],
    'Muy Importante → Muy Importante': ['createFolder', 'subscribe', 'copy 40'],
    'Work → Work': ['createFolder', 'subscribe', 'copy 20', 'copy 21'],
    '[Gmail]/All Mail → Archive': ['createFolder', 'subscribe', 'copy 2'],
    '[Gmail]/Sent Mail → Sent': ['copy 30'],
    'Été → Été': ['createFolder', 'subscribe', 'copy 60'],
  });
  const archive = folderPlan(result.folders, '[Gmail]/All Mail');
  assert.is(archive.mappedBy, 'gmail');
  assert.ok(archive.notes.some((note) => /archived mail only/.test(note)));
  assert.ok(
    archive.notes.some((note) => /3 messages are not copied here: they are in a migrated label folder/.test(note)),
  );
  // Four messages become seven copies: message 1 in three folders, message 3 in two.
  assert.equal(result.gmail, { labels: 'folders', allMail: 'unlabelled', messages: 4, copies: 7, archived: 1 });
  assert.not.ok(result.mapping.leftOut.some((f) => f.folder === '[Gmail]/All Mail'));
});

test("labels 'first': one copy, in the first label's folder by priority, the other labels as keywords", () => {
  const result = gmailCase({ labels: 'first' });
  assert.equal(byPair(result.folders), {
    'INBOX → INBOX': ['copy 10 Muy_Importante Work'],
    'Muy Importante → Muy Importante': ['createFolder', 'subscribe'],
    'Work → Work': ['createFolder', 'subscribe', 'copy 21'],
    '[Gmail]/All Mail → Archive': ['createFolder', 'subscribe', 'copy 2'],
    '[Gmail]/Sent Mail → Sent': ['copy 30 &AMk-t&AOk-'],
    'Été → Été': ['createFolder', 'subscribe'],
  });
  assert.ok(
    folderPlan(result.folders, 'Work').notes.some((note) =>
      /1 message is not copied here: its copy goes to the folder of its first label \(folders.gmail.labels 'first'\)/.test(
        note,
      ),
    ),
  );
  assert.equal(result.gmail, {
    labels: 'first',
    allMail: 'unlabelled',
    messages: 4,
    copies: 4,
    archived: 1,
    keywords: 2,
  });
});

test("labels 'first': label keywords go only where the target stores keywords, else the plan says which it leaves out", () => {
  const result = gmailCase(
    { labels: 'first' },
    { target: { INBOX: { permanentFlags: ['\\Seen', '\\Flagged'] }, Sent: { permanentFlags: ['\\*'] } } },
  );
  const lines = byPair(result.folders);
  assert.equal(lines['INBOX → INBOX'], ['copy 10']);
  assert.equal(lines['[Gmail]/Sent Mail → Sent'], ['copy 30 &AMk-t&AOk-']);
  assert.match(
    result.warnings.find((w) => w.code === 'KEYWORD_UNSUPPORTED')?.message ?? '',
    '"Muy_Importante", "Work" (the target folder\'s PERMANENTFLAGS do not allow them)',
  );
});

test("labels 'first': a user label listed first wins over INBOX; system labels never become keywords", () => {
  const result = gmailCase({ labels: 'first', priority: ['Work', '\\Inbox'] });
  const lines = byPair(result.folders);
  assert.equal(lines['Work → Work'], ['createFolder', 'subscribe', 'copy 20 Muy_Importante', 'copy 21']);
  assert.equal(lines['INBOX → INBOX'], []);
});

test("labels 'first': unlisted labels come after the list, user labels alphabetically, before system ones", () => {
  // Message 1 has no listed label here: of Muy Importante and Work, "Muy Importante" sorts first.
  const result = gmailCase({ labels: 'first', priority: ['\\Draft'] });
  const lines = byPair(result.folders);
  assert.equal(lines['Muy Importante → Muy Importante'], ['createFolder', 'subscribe', 'copy 40 Work']);
  assert.equal(lines['INBOX → INBOX'], []);
  // Message 3: "Été" is a user label, so it beats \Sent.
  assert.equal(lines['Été → Été'], ['createFolder', 'subscribe', 'copy 60']);
  assert.equal(lines['[Gmail]/Sent Mail → Sent'], []);
});

test("priority entries: 'INBOX' is \\Inbox, '\\Drafts' is \\Draft, a folder's own name works too", () => {
  const inbox = byPair(gmailCase({ labels: 'first', priority: ['INBOX'] }).folders);
  assert.equal(inbox['INBOX → INBOX'], ['copy 10 Muy_Importante Work']);
  const byName = byPair(gmailCase({ labels: 'first', priority: ['[Gmail]/Sent Mail', 'Work'] }).folders);
  assert.equal(byName['[Gmail]/Sent Mail → Sent'], ['copy 30 &AMk-t&AOk-']);
  assert.equal(byName['Work → Work'], ['createFolder', 'subscribe', 'copy 20 Muy_Importante', 'copy 21']);
});

test("allMail 'skip': All Mail is left out, whatever include says, and archived mail with it", () => {
  const result = gmailCase({ allMail: 'skip' });
  assert.not.ok(result.folders.some((f) => f.source === '[Gmail]/All Mail'));
  assert.equal(
    result.mapping.leftOut.find((f) => f.folder === '[Gmail]/All Mail')?.reason,
    "folders.gmail.allMail 'skip': archived mail (in All Mail only) is not migrated",
  );
  assert.equal(result.gmail, { labels: 'folders', allMail: 'skip', messages: 3, copies: 6 });
});

test("allMail 'unlabelled' copies All Mail's messages even where exclude names it, into the archive folder named", () => {
  const result = planCase({
    source: { layout: 'slash', server: GMAIL_SERVER, folders: gmailFolders() },
    target: { layout: 'dot', folders: ['INBOX'] },
    folders: {
      ...PRESET,
      exclude: [...PRESET.exclude, '^\\[Gmail\\]/All Mail$'],
      gmail: { ...DEFAULT_GMAIL, archiveFolder: 'Old/Archived' },
    },
  });
  assert.equal(actionLines(folderPlan(result.folders, '[Gmail]/All Mail')), ['createFolder', 'subscribe', 'copy 2']);
  assert.is(
    folderPlan(result.folders, '[Gmail]/All Mail').target,
    'INBOX.Old.Archived',
    "named as a map value: the target's delimiter and prefix",
  );
});

test('a message only in All Mail whose labels are all left out is archived, with them as keywords under first', () => {
  const source = gmailFolders({
    Private: { messages: [g(70, '5', ['Private'])] },
    '[Gmail]/All Mail': {
      specialUse: '\\All',
      messages: [
        g(1, '1', A_LABELS),
        g(2, '2', []),
        g(3, '3', ['\\Sent', 'Été']),
        g(4, '4', ['Work']),
        g(5, '5', ['Private']),
      ],
    },
  });
  const excluded = { ...PRESET, exclude: [...PRESET.exclude, '^Private$'] };
  const run = (labels: GmailRules['labels']) =>
    planCase({
      source: { layout: 'slash', server: GMAIL_SERVER, folders: source },
      target: { layout: 'slash', folders: ['INBOX'] },
      folders: { ...excluded, gmail: { ...DEFAULT_GMAIL, labels } },
    });
  assert.equal(actionLines(folderPlan(run('folders').folders, '[Gmail]/All Mail')), [
    'createFolder',
    'subscribe',
    'copy 2',
    'copy 5',
  ]);
  assert.equal(actionLines(folderPlan(run('first').folders, '[Gmail]/All Mail')), [
    'createFolder',
    'subscribe',
    'copy 2',
    'copy 5 Private',
  ]);
  assert.equal(run('first').gmail?.archived, 2);
});

test('the same X-GM-MSGID twice in one folder is one message: copied once, named in the plan', () => {
  for (const labels of ['folders', 'first'] as const) {
    const result = gmailCase(
      { labels },
      {
        source: gmailFolders({
          INBOX: {
            messages: [g(10, '1', A_LABELS), g(11, '1', A_LABELS, { internalDate: '2026-11-20T00:00:00.000Z' })],
          },
        }),
      },
    );
    const inbox = folderPlan(result.folders, 'INBOX');
    assert.equal(actionLines(inbox).filter((line) => line.startsWith('copy')).length, 1, labels);
    assert.match(actionLines(inbox)[0]!, /^copy 10/);
    assert.ok(inbox.notes.some((note) => /1 more: the folder lists one X-GM-MSGID under more than one UID/.test(note)));
    const warning = result.warnings.find((w) => w.code === 'GMAIL_DUPLICATE_ID');
    assert.match(warning?.message ?? '', /^1 message \(INBOX 1\): the folder lists one X-GM-MSGID/);
  }
});

test('non-ASCII labels: folders under their decoded names, keywords in modified UTF-7', () => {
  assert.is(labelKeyword('Muy Importante'), 'Muy_Importante');
  assert.is(labelKeyword('Work/Projects'), 'Work/Projects');
  assert.is(labelKeyword('R&D'), 'R&-D');
  assert.is(labelKeyword('a(b) "c" {d}%*]\\'), 'a_b___c___d}____');
  const session = { enabled: new Set(), capabilities: new Map([['IMAP4rev1', true]]) } as unknown as Parameters<
    typeof encodePath
  >[0];
  for (const label of ['Été', 'Entwürfe', '日本語', 'Ünïcödé/Ordner', '😀 smile'])
    assert.is(labelKeyword(label), encodePath(session, label).replace(/ /g, '_'), `as imapflow encodes "${label}"`);
});

/** The target after an apply of these folder plans (all of them, or only those named): each copy lands with its flags. */
function applied(folders: readonly FolderPlan[], sourceFolders: Record<string, FolderSpec>, only?: string[]) {
  const target: Record<string, FolderSpec> = { INBOX: { messages: [] }, Sent: { messages: [] } };
  let uid = 1000;
  for (const folder of folders) {
    if (folder.source === null || (only && !only.includes(folder.source))) continue;
    const source = sourceFolders[folder.source]!.messages ?? [];
    const landed = folder.actions.flatMap((action) => {
      if (action.op !== 'copy') return [];
      const original = source.find((m) => m.uid === action.uid)!;
      return [
        message(uid++, { identity: original.identity, internalDate: original.internalDate, flags: action.flags }),
      ];
    });
    target[folder.target] = { messages: [...(target[folder.target]?.messages ?? []), ...landed] };
  }
  return target;
}

function copies(folders: readonly FolderPlan[]): number {
  return folders.reduce((sum, f) => sum + f.actions.filter((a) => a.op === 'copy').length, 0);
}

for (const labels of ['folders', 'first'] as const) {
  test(`labels '${labels}': a re-plan after a partial apply makes only the missing copies, then nothing`, () => {
    const source = gmailFolders();
    const first = gmailCase({ labels }, { source });
    const part = applied(first.folders, source, ['INBOX', '[Gmail]/All Mail']);
    const second = gmailCase({ labels }, { source, target: part, deleteTarget: true });
    assert.equal(actionLines(folderPlan(second.folders, 'INBOX')), [], 'INBOX converged, keywords included');
    assert.equal(actionLines(folderPlan(second.folders, '[Gmail]/All Mail')), [], 'the archive converged');
    assert.is(
      copies(second.folders),
      copies(first.folders) -
        copies([folderPlan(first.folders, 'INBOX'), folderPlan(first.folders, '[Gmail]/All Mail')]),
    );
    const all = applied(first.folders, source);
    const third = gmailCase({ labels }, { source, target: all, deleteTarget: true });
    assert.equal(
      third.folders.flatMap((f) => f.actions.filter((a) => a.op !== 'subscribe')),
      [],
      'no copy, flag change or deletion is left',
    );
  });
}

for (const labels of ['folders', 'first'] as const) {
  test(`labels '${labels}': verify compares what the policy puts in each folder, so an applied plan verifies equal`, () => {
    const source = gmailFolders();
    const check = (target: SideSpec['folders']) => {
      const snapshot = account(
        { layout: 'slash', server: GMAIL_SERVER, folders: source },
        { layout: 'slash', folders: target },
      );
      const settings = slice({
        folders: { ...PRESET, gmail: { ...DEFAULT_GMAIL, labels } },
        phase: { deleteTarget: true },
      });
      return verifyAccount({
        slice: settings,
        snapshot,
        mapping: mapFolders(snapshot, settings.folders),
        now: NOW,
        bodies: null,
        uidMaps: {},
      });
    };
    const plan = gmailCase({ labels }, { source });
    const before = check(applied(plan.folders, source, ['INBOX']));
    assert.ok(
      before.some((f) => f.differences.length > 0),
      'folders still to copy are differences',
    );
    assert.equal(
      check(applied(plan.folders, source)).filter((f) => f.differences.length > 0),
      [],
      'nothing differs once every copy is made: not the keywords, not the label folders that hold no copy',
    );
  });
}

test('a Gmail source message without X-GM-MSGID (a snapshot from before it was read) is planned as on any server', () => {
  const plain = (uid: number) => message(uid, { identity: 'm-1' });
  const result = gmailCase(
    { labels: 'first' },
    {
      source: {
        INBOX: { messages: [plain(1)] },
        Work: { messages: [plain(2)] },
        '[Gmail]/All Mail': { specialUse: '\\All', messages: [plain(3)] },
      },
    },
  );
  assert.equal(byPair(result.folders), {
    'INBOX → INBOX': ['copy 1'],
    'Work → Work': ['createFolder', 'subscribe', 'copy 2'],
    '[Gmail]/All Mail → Archive': ['createFolder', 'subscribe', 'copy 3'],
  });
});

test('a source without X-GM-EXT-1 keeps every rule as before: its \\All folder is an ordinary folder', () => {
  const result = planCase({
    source: { layout: 'slash', folders: gmailFolders() },
    target: { layout: 'slash', folders: ['INBOX', 'Sent'] },
    folders: {
      ...PRESET,
      exclude: [...PRESET.exclude, '^\\[Gmail\\]/All Mail$'],
      gmail: { ...DEFAULT_GMAIL, labels: 'first' },
    },
  });
  assert.is(result.gmail, undefined);
  assert.ok(result.mapping.leftOut.some((f) => f.folder === '[Gmail]/All Mail' && /^exclude/.test(f.reason)));
  assert.equal(actionLines(folderPlan(result.folders, 'Work')), ['createFolder', 'subscribe', 'copy 20', 'copy 21']);
});

test('a user label named like the archive folder is a collision, not a silent merge', () => {
  const result = gmailCase({}, { source: gmailFolders({ Archive: { messages: [g(80, '9', ['Archive'])] } }) });
  assert.ok(result.mapping.errors.some((e) => e.code === 'PLAN_COLLISION' && /Archive/.test(e.message)));
});

test('Gmail as a target: copying one message into several folders is named as making labels, not copies', () => {
  const twice = (uid: number) => message(uid, { identity: 'same' });
  const run = (capabilities: string[]) =>
    planCase({
      source: {
        layout: 'slash',
        folders: { INBOX: { messages: [twice(1), message(2)] }, Work: { messages: [twice(5)] } },
      },
      target: { layout: 'slash', server: { capabilities }, folders: ['INBOX'] },
    });
  const warning = run(['X-GM-EXT-1']).warnings.find((w) => w.code === 'GMAIL_TARGET_LABELS');
  assert.is(
    warning?.message,
    '1 message is copied into more than one folder ("INBOX", "Work"): the target is Gmail (X-GM-EXT-1), where that makes one message with several labels, not separate copies',
  );
  assert.not.ok(run(['IMAP4rev1']).warnings.some((w) => w.code === 'GMAIL_TARGET_LABELS'));
});

test.run();
