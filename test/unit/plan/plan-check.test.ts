// checkPlan: a plan apply may run is one `mailshift plan` could have written for the manifest's
// phase. One valid plan, then one hand edit per case; each must be refused, naming what it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalise, sliceSettings, type Settings, type SyncPhase } from '../../../src/manifest/settings.ts';
import type { ManifestInput } from '../../../src/manifest/types.ts';
import { checkPlan } from '../../../src/plan/plan-check.ts';
import { endpointOf, phaseSwitches, rulesOf } from '../../../src/plan/plan-settings.ts';
import { summarise } from '../../../src/plan/plan-summary.ts';
import type { Action, FolderPlan, Plan } from '../../../src/plan/types.ts';
import { validManifest } from '../../support/manifests.ts';

const ID = (c: string) => c.repeat(64);
const state = (uidNext: number) => ({ uidValidity: 7, uidNext, highestModseq: null, messages: uidNext - 1 });

function settingsWith(phase: Record<string, unknown>, messages: Record<string, unknown> = {}): Settings {
  const manifest = validManifest();
  manifest.phases = [{ name: 'presync', ...phase }];
  manifest.messages = messages;
  return normalise(manifest as ManifestInput);
}

function planFor(settings: Settings, folders: FolderPlan[]): Plan {
  const phase = settings.phases[0] as SyncPhase;
  const slice = sliceSettings(settings, 'alice', phase.name);
  const account = settings.accounts[0]!;
  const accounts = [{ id: 'alice', source: endpointOf(account.source), target: endpointOf(account.target), folders }];
  return {
    format: 'mailshift-plan/v1',
    tool: 'mailshift 0.1.0',
    createdAt: '2026-12-01T10:00:00Z',
    manifest: { path: 'm.json', relativeTo: 'plan', sha256: ID('f'), git: null },
    name: settings.name,
    phase: phase.name,
    settings: { phase: phaseSwitches(phase), ...rulesOf(slice) },
    summary: summarise(accounts),
    warnings: [],
    accounts,
  };
}

const copy = (uid: number, identity = ID('a')): Action => ({
  op: 'copy',
  uid,
  size: 100,
  internalDate: '2026-11-20T10:00:00.000Z',
  flags: ['\\Seen'],
  identity,
});
const inbox = (actions: Action[], target: FolderPlan['targetState'] = state(5)): FolderPlan => ({
  source: 'INBOX',
  target: 'INBOX',
  mappedBy: 'inbox',
  sourceState: state(10),
  targetState: target,
  notes: [],
  actions,
});
const targetOnly = (name: string): FolderPlan => ({
  source: null,
  target: name,
  mappedBy: 'target-only',
  sourceState: null,
  targetState: state(3),
  notes: [],
  actions: [{ op: 'deleteFolder', messages: 2 }],
});

function check(plan: Plan, settings: Settings) {
  return checkPlan({ plan, settings, phase: settings.phases[0] as SyncPhase, file: 'plans/p.plan.json' });
}

test('a plan as the planner writes it passes, for every action the phase allows', () => {
  const settings = settingsWith({ deleteTarget: true, deleteTargetFolders: true });
  const plan = planFor(settings, [
    inbox([
      { op: 'createFolder' },
      { op: 'subscribe' },
      copy(3),
      copy(4, ID('b')),
      { op: 'setFlags', uid: 1, add: ['\\Flagged'], remove: [], sourceUid: 1 },
      { op: 'deleteTarget', uid: 2, identity: ID('c') },
    ]),
    targetOnly('Old'),
  ]);
  assert.is(check(plan, settings), null);
  const drain = settingsWith({ deleteSource: true });
  assert.is(
    check(
      planFor(drain, [
        inbox([
          copy(3),
          { op: 'deleteSource', uid: 3, identity: ID('a'), targetUid: null },
          { op: 'deleteSource', uid: 1, identity: ID('d'), targetUid: 4 },
        ]),
      ]),
      drain,
    ),
    null,
  );
});

const refusals: Array<[string, Record<string, unknown>, (plan: Plan) => void, string | RegExp]> = [
  [
    'a deleteSource in a phase without deleteSource',
    {},
    (plan) => add(plan, { op: 'deleteSource', uid: 1, identity: ID('a'), targetUid: 1 }),
    'deleteSource of UID 1 in folder "INBOX": phase "presync" has no deleteSource',
  ],
  [
    'a deleteTarget in a phase without deleteTarget',
    {},
    (plan) => add(plan, { op: 'deleteTarget', uid: 2, identity: ID('a') }),
    'phase "presync" has no deleteTarget',
  ],
  [
    'a deleteFolder in a phase without deleteTargetFolders',
    {},
    (plan) => {
      plan.accounts[0]!.folders.push(targetOnly('Old'));
    },
    'phase "presync" has no deleteTargetFolders',
  ],
  ['a copy in a justFolders phase', { justFolders: true }, (plan) => add(plan, copy(3)), 'has justFolders'],
  [
    'a setFlags with syncFlags off',
    { messages: { syncFlags: false } },
    (plan) => add(plan, { op: 'setFlags', uid: 1, add: ['\\Seen'], remove: [], sourceUid: 1 }),
    'messages.syncFlags is off',
  ],
  [
    'a copy of a UID the source did not have',
    {},
    (plan) => add(plan, copy(10)),
    'source UID 10 did not exist when the plan was made (UIDNEXT was 10)',
  ],
  ['a UID that is not a UID', {}, (plan) => add(plan, copy('x' as unknown as number)), 'is not a UID'],
  ['the same copy twice', {}, (plan) => add(plan, copy(3)), 'copy of UID 3 appears twice'],
  [
    'an identity edited into something mailshift never computes',
    {},
    (plan) => add(plan, copy(4, 'abc')),
    'is not one mailshift computes',
  ],
  [
    'a copy flagged \\Deleted',
    {},
    (plan) => add(plan, { ...copy(4), flags: ['\\Deleted'] } as Action),
    'it sets \\Deleted',
  ],
  [
    'a copy above messages.maxSize',
    {},
    (plan) => add(plan, { ...copy(4), size: 10_000_000 } as Action),
    'above messages.maxSize',
  ],
  [
    'a copy given a Message-ID with addMessageId off',
    {},
    (plan) => add(plan, { ...copy(4), addMessageId: '<x@y>' } as Action),
    'addMessageId is off',
  ],
  [
    'an op mailshift does not plan',
    {},
    (plan) => {
      plan.accounts[0]!.folders[0]!.actions.push({ op: 'expungeAll' } as unknown as Action);
    },
    '"expungeAll" is not an action mailshift plans',
  ],
  [
    'a deleteSource of a copy the plan does not make',
    { deleteSource: true },
    (plan) => add(plan, { op: 'deleteSource', uid: 5, identity: ID('a'), targetUid: null }),
    'names no copy of the same message',
  ],
  [
    "a phase's delete flag flipped in the plan's settings",
    {},
    (plan) => {
      (plan.settings.phase as Record<string, unknown>).deleteTarget = true;
    },
    'its settings for phase "presync"',
  ],
  [
    'message rules edited in the plan',
    {},
    (plan) => {
      (plan.settings.messages as Record<string, unknown>).skipDeleted = false;
    },
    "folder and message rules are not the manifest's",
  ],
  [
    'a target host edited',
    {},
    (plan) => {
      plan.accounts[0]!.target.host = 'imap.evil.example';
    },
    'target endpoint',
  ],
  [
    'an account the manifest does not have',
    {},
    (plan) => {
      plan.accounts.push({ ...plan.accounts[0]!, id: 'mallory' });
      plan.summary = summarise(plan.accounts);
    },
    'account mallory is not in the manifest',
  ],
  [
    'a summary that does not count the actions',
    {},
    (plan) => {
      plan.summary.messagesToCopy = 0;
    },
    'its summary says messagesToCopy 0, its actions make 1',
  ],
  [
    'INBOX as a target-only folder to delete',
    { deleteTargetFolders: true },
    (plan) => {
      plan.accounts[0]!.folders.push(targetOnly('inbox'));
    },
    'target folder "inbox"',
  ],
  [
    'a folder deletion deleteTargetFolders.except protects',
    { deleteTargetFolders: { except: '^Keep' } },
    (plan) => {
      plan.accounts[0]!.folders.push(targetOnly('Keep/Old'));
    },
    'except protects',
  ],
  [
    'two folders into one target',
    {},
    (plan) => {
      plan.accounts[0]!.folders.push({ ...inbox([]), source: 'Other' });
    },
    'two folders of the plan go to target folder "INBOX"',
  ],
  [
    'accountsFailed that is not a list',
    {},
    (plan) => {
      (plan as unknown as Record<string, unknown>).accountsFailed = 'bob';
    },
    'its accountsFailed is not a list',
  ],
  [
    'accountsFailed naming an account the manifest does not have',
    {},
    (plan) => {
      plan.accountsFailed = [{ id: 'mallory', side: 'source', reason: 'x' }];
    },
    'accountsFailed names account mallory, which is not in the manifest',
  ],
  [
    'accountsFailed naming an account the plan has actions for',
    {},
    (plan) => {
      plan.accountsFailed = [{ id: 'alice', side: null, reason: 'x' }];
    },
    'account alice is in accountsFailed and has actions too',
  ],
  [
    'accountsFailed with another side',
    {},
    (plan) => {
      plan.accountsFailed = [{ id: 'alice', side: 'both' as 'source', reason: 'x' }];
    },
    'is not { id, side, reason }',
  ],
];

/** Add an action to INBOX without fixing the summary, unless the case is about the summary itself. */
function add(plan: Plan, action: Action): void {
  plan.accounts[0]!.folders[0]!.actions.push(action);
  plan.summary = summarise(plan.accounts);
}

for (const [name, phase, edit, expected] of refusals) {
  test(`refused: ${name}`, () => {
    const { messages, ...switches } = phase as { messages?: Record<string, unknown>; justFolders?: boolean };
    const settings = settingsWith(switches, { maxSize: 1_000_000, ...messages });
    const plan = planFor(settings, [inbox(switches.justFolders ? [] : [copy(3)])]);
    assert.is(check(plan, settings), null, 'the plan before the edit is fine');
    edit(plan);
    const refusal = check(plan, settings);
    assert.ok(refusal, 'refused');
    assert.is(refusal!.code, 'PLAN_REFUSED');
    assert.match(refusal!.message, expected);
    assert.match(refusal!.hint!, 'nothing was applied');
    assert.is(refusal!.location?.file, 'plans/p.plan.json');
  });
}

test('a summary edited to hide a deletion is refused even when every action is allowed', () => {
  const settings = settingsWith({ deleteTarget: true });
  const plan = planFor(settings, [inbox([{ op: 'deleteTarget', uid: 2, identity: ID('c') }])]);
  plan.summary.targetDeletes = 0;
  assert.match(check(plan, settings)!.message, 'its summary says targetDeletes 0, its actions make 1');
});

test.run();
