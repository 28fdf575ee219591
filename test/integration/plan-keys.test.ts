// Every folders/messages key and every phase key that changes a plan, planned against the real
// Dovecot pair (source: '/' no prefix; target: '.' under INBOX.), asserting exact action lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePlan } from '../../src/engine/plan.ts';
import { readManifest } from '../../src/manifest/read.ts';
import type { Action, Plan } from '../../src/plan/types.ts';
import { fillMailbox, type MailboxContent } from '../support/mailbox-builder.ts';
import { manifestFolder, NO_STATE } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const RECENT = new Date('2026-11-23T06:00:00Z');
const OLD = new Date('2026-10-01T06:00:00Z');
const folder = manifestFolder();
test.after(() => folder.remove());

interface Case {
  name: string;
  source: MailboxContent;
  target?: MailboxContent;
  folders?: Record<string, unknown>;
  messages?: Record<string, unknown>;
  phase?: Record<string, unknown>;
  /** "source → target" → actions, with message names for UIDs. Folders without actions are left out. */
  expect: Record<string, string[]>;
}

// Special folders every fresh user has on the source; left out unless a case is about them.
const QUIET = ['^(Drafts|Trash|Junk|Archive|Sent)$'];

async function planCase(c: Case): Promise<Plan> {
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'src'), freshUser(dot, 'tgt')]);
  await Promise.all([fillMailbox(slash, source, c.source), fillMailbox(dot, target, c.target ?? {})]);
  const file = folder.write(`${c.name.replace(/\W+/g, '-')}.json`, {
    apiVersion: 'mailshift/v1',
    name: 'keys',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'a',
        source: { user: source.user, password: { env: 'SRC_PW' } },
        target: { user: target.user, password: { env: 'TGT_PW' } },
      },
    ],
    folders: { exclude: QUIET, ...c.folders },
    ...(c.messages ? { messages: c.messages } : {}),
    phases: [{ name: 'sync', ...c.phase }],
  });
  const manifest = await readManifest(file);
  assert.equal(
    manifest.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const { plan, diagnostics } = await makePlan({
    manifest: manifest as any,
    phase: 'sync',
    accountIds: [],
    planPath: `${folder.dir}/plans/keys.plan.json`,
    now: NOW,
    env: { SRC_PW: source.password, TGT_PW: target.password },
    tool: 'mailshift test',
    concurrency: 1,
    state: NO_STATE,
  });
  assert.equal(diagnostics, []);
  return plan!;
}

/** Actions in words, UIDs replaced by the names of the messages appended in that order. */
function describe(plan: Plan, c: Case): Record<string, string[]> {
  const described: Record<string, string[]> = {};
  for (const f of plan.accounts[0]!.folders) {
    if (f.actions.length === 0) continue;
    const sourceName = (uid: number) => c.source[f.source ?? '']?.[uid - 1]?.name ?? `uid${uid}`;
    const targetName = (uid: number) => c.target?.[f.target]?.[uid - 1]?.name ?? `uid${uid}`;
    described[`${f.source ?? '(none)'} → ${f.target}`] = f.actions.map((a: Action) => {
      switch (a.op) {
        case 'copy':
          return `copy ${sourceName(a.uid)}${a.flags.length ? ` ${a.flags.join(' ')}` : ''}${a.addMessageId ? ' +Message-ID' : ''}`;
        case 'setFlags':
          return `setFlags ${targetName(a.uid)}${a.add.map((x) => ` +${x}`).join('')}${a.remove.map((x) => ` -${x}`).join('')}`;
        case 'deleteTarget':
          return `deleteTarget ${targetName(a.uid)}`;
        case 'deleteSource':
          return `deleteSource ${sourceName(a.uid)}${a.targetUid === null ? ' after copy' : ''}`;
        case 'deleteFolder':
          return `deleteFolder (${a.messages})`;
        default:
          return a.op;
      }
    });
  }
  return described;
}

const m = (name: string, extra: Record<string, unknown> = {}) => ({ name, ...extra });

const cases: Case[] = [
  // The implicit parent "Projects" is \Noselect on the source: not a folder pair (CREATE makes it).
  // Folders made with CREATE are subscribed on the source, so their copies get subscribed too.
  {
    name: 'structure: nested and delimiter-bearing names under the INBOX. prefix',
    source: { INBOX: [m('a')], 'Lists.Dev': [m('l')], 'Projects/2024': [m('p')] },
    expect: {
      'INBOX → INBOX': ['copy a'],
      'Lists.Dev → INBOX.Lists_Dev': ['createFolder', 'subscribe', 'copy l'],
      'Projects/2024 → INBOX.Projects.2024': ['createFolder', 'subscribe', 'copy p'],
    },
  },
  {
    name: 'folders.include',
    folders: { include: ['^INBOX$'] },
    source: { INBOX: [m('a')], Other: [m('o')] },
    expect: { 'INBOX → INBOX': ['copy a'] },
  },
  {
    name: 'folders.exclude',
    folders: { exclude: [...QUIET, '^Other$'] },
    source: { INBOX: [m('a')], Other: [m('o')], Kept: [m('k')] },
    expect: { 'INBOX → INBOX': ['copy a'], 'Kept → INBOX.Kept': ['createFolder', 'subscribe', 'copy k'] },
  },
  {
    name: 'folders.map',
    folders: { map: { 'Lists.Dev': 'Mailing Lists/Dev' } },
    source: { 'Lists.Dev': [m('l')] },
    expect: { 'Lists.Dev → INBOX.Mailing Lists.Dev': ['createFolder', 'subscribe', 'copy l'] },
  },
  {
    name: 'folders.rename',
    folders: { rename: [{ match: '^Projects/', replace: 'Work/' }] },
    source: { 'Projects/2024': [m('p')] },
    expect: { 'Projects/2024 → INBOX.Work.2024': ['createFolder', 'subscribe', 'copy p'] },
  },
  {
    name: 'folders.automap',
    folders: { automap: true, exclude: ['^(Drafts|Trash|Junk|Archive)$'] },
    source: { Sent: [m('s')] },
    expect: { 'Sent → INBOX.Sent Items': ['copy s'] },
  },
  {
    name: 'folders.subfolder',
    folders: { subfolder: 'Old' },
    source: { INBOX: [m('a')], Notes: [m('n')] },
    expect: {
      'INBOX → INBOX.Old.INBOX': ['createFolder', 'subscribe', 'copy a'],
      'Notes → INBOX.Old.Notes': ['createFolder', 'subscribe', 'copy n'],
    },
  },
  {
    name: 'folders.skipEmpty',
    folders: { skipEmpty: true },
    source: { INBOX: [m('a')], Empty: [] },
    expect: { 'INBOX → INBOX': ['copy a'] },
  },
  {
    name: 'messages.identity uid without earlier applies falls back to headers',
    messages: { identity: 'uid' },
    source: { INBOX: [m('a'), m('b')] },
    target: { INBOX: [m('a')] },
    expect: { 'INBOX → INBOX': ['copy b'] },
  },
  {
    name: 'messages.useSize false: same headers, other size is the same message',
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a', { variant: ' changed', padding: 50 })] },
    expect: {},
  },
  {
    name: 'messages.useSize true: other size is another message',
    messages: { useSize: true },
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a', { variant: ' changed', padding: 50 })] },
    expect: { 'INBOX → INBOX': ['copy a'] },
  },
  {
    name: 'messages.addMessageId',
    messages: { addMessageId: true },
    source: { INBOX: [m('n', { withoutMessageId: true }), m('a')] },
    expect: { 'INBOX → INBOX': ['copy n +Message-ID', 'copy a'] },
  },
  {
    name: 'messages.maxAgeDays',
    messages: { maxAgeDays: 1 },
    source: { INBOX: [m('old', { date: OLD }), m('new', { date: RECENT })] },
    expect: { 'INBOX → INBOX': ['copy new'] },
  },
  {
    name: 'messages.minAgeDays',
    messages: { minAgeDays: 30 },
    source: { INBOX: [m('old', { date: OLD }), m('new', { date: RECENT })] },
    expect: { 'INBOX → INBOX': ['copy old'] },
  },
  {
    name: 'messages.maxSize',
    messages: { maxSize: 2000 },
    source: { INBOX: [m('small'), m('big', { padding: 5000 })] },
    expect: { 'INBOX → INBOX': ['copy small'] },
  },
  {
    name: 'messages.minSize',
    messages: { minSize: 2000 },
    source: { INBOX: [m('small'), m('big', { padding: 5000 })] },
    expect: { 'INBOX → INBOX': ['copy big'] },
  },
  {
    name: 'messages.syncFlags true updates target flags',
    source: { INBOX: [m('a', { flags: ['\\Flagged', '\\Seen'] })] },
    target: { INBOX: [m('a', { flags: ['\\Seen', '$Forwarded'] })] },
    expect: { 'INBOX → INBOX': ['setFlags a +\\Flagged -$Forwarded'] },
  },
  {
    name: 'messages.syncFlags false leaves them',
    messages: { syncFlags: false },
    source: { INBOX: [m('a', { flags: ['\\Flagged'] })] },
    target: { INBOX: [m('a')] },
    expect: {},
  },
  {
    name: 'messages.skipDeleted true skips \\Deleted source messages',
    source: { INBOX: [m('a'), m('gone', { flags: ['\\Deleted', '\\Seen'] })] },
    expect: { 'INBOX → INBOX': ['copy a'] },
  },
  {
    name: 'messages.skipDeleted false copies them, without \\Deleted',
    messages: { skipDeleted: false },
    source: { INBOX: [m('a'), m('gone', { flags: ['\\Deleted', '\\Seen'] })] },
    expect: { 'INBOX → INBOX': ['copy a', 'copy gone \\Seen'] },
  },
  {
    name: 'phase.deleteTarget',
    phase: { deleteTarget: true },
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a'), m('z')] },
    expect: { 'INBOX → INBOX': ['deleteTarget z'] },
  },
  {
    name: 'no deleteTarget keeps target-only messages',
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a'), m('z')] },
    expect: {},
  },
  {
    name: 'phase.deleteTargetFolders',
    phase: { deleteTargetFolders: true },
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a')], 'INBOX.Stale': [m('s')] },
    expect: { '(none) → INBOX.Stale': ['deleteFolder (1)'] },
  },
  {
    name: 'phase.deleteTargetFolders except',
    phase: { deleteTargetFolders: { except: '^INBOX\\.Stale$' } },
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a')], 'INBOX.Stale': [m('s')], 'INBOX.Gone': [] },
    expect: { '(none) → INBOX.Gone': ['deleteFolder (0)'] },
  },
  {
    name: 'phase.deleteTargetFolders only',
    phase: { deleteTargetFolders: { only: '^INBOX\\.Stale$' } },
    source: { INBOX: [m('a')] },
    target: { INBOX: [m('a')], 'INBOX.Stale': [m('s')], 'INBOX.Gone': [] },
    expect: { '(none) → INBOX.Stale': ['deleteFolder (1)'] },
  },
  {
    name: 'phase.deleteSource, including messages already on the target',
    phase: { deleteSource: true },
    source: { INBOX: [m('a'), m('b')] },
    target: { INBOX: [m('a')] },
    expect: { 'INBOX → INBOX': ['copy b', 'deleteSource a', 'deleteSource b after copy'] },
  },
  {
    name: 'phase.justFolders',
    phase: { justFolders: true },
    source: { INBOX: [m('a')], Notes: [m('n')] },
    expect: { 'Notes → INBOX.Notes': ['createFolder', 'subscribe'] },
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const plan = await planCase(c);
    assert.equal(describe(plan, c), c.expect);
  });
}

test.run();
