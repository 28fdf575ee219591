import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFolder } from '../../../src/apply/run-folder.ts';
import type { Action, FolderPlan } from '../../../src/plan/types.ts';
import {
  copyOf,
  FakeAccount,
  type FakeFolder,
  FakeJournal,
  folderContext,
  folderPlan,
  identityOf,
  message,
} from './fake-imap.ts';

// runFolder against fake servers: the order of a folder's actions, what a re-run skips, what a
// stop leaves unstarted, and the checks the destructive actions make just before acting. Every
// command the servers get is in the fake's log.

/**
 * A folder with one action of every kind, listed in the plan in reverse: no planner makes such a
 * folder, but runFolder must put any folder's actions in the contract's order. Source Work holds
 * a (UID 1) and b (UID 2); target Work holds x (UID 1, deleted on the target) and y (UID 2, flagged).
 */
function everyAction(): { fake: FakeAccount; folder: FolderPlan } {
  const fake = new FakeAccount();
  const source = fake.source.folder('Work');
  source.add(message('a'));
  source.add(message('b'));
  const target = fake.target.folder('Work', 1800000000);
  target.add(message('x'));
  target.add(message('y'));
  const actions: Action[] = [
    { op: 'deleteSource', uid: 2, identity: identityOf(message('b')), targetUid: null },
    { op: 'deleteFolder', messages: 100 },
    { op: 'deleteTarget', uid: 1, identity: identityOf(message('x')) },
    { op: 'setFlags', uid: 2, add: ['\\Flagged'], remove: [], sourceUid: 1 },
    copyOf(2, message('b')),
    { op: 'subscribe' },
    { op: 'createFolder' },
  ];
  // A target folder unknown at plan time: then deleting it checks only the count of messages in it.
  return { fake, folder: { ...folderPlan(fake, 'Work', actions), targetState: null } };
}

const CONTRACT_ORDER = [
  'target CREATE Work',
  'target SUBSCRIBE Work',
  'target APPEND Work 1',
  'target UID STORE Work 2+\\Flagged-',
  'target UID STORE \\Deleted Work 1',
  'target UID EXPUNGE Work 1',
  'target DELETE Work',
  'source UID STORE \\Deleted Work 2',
  'source UID EXPUNGE Work 2',
];

test('a folder goes create → subscribe → copy → flags → target deletions → folder deletion → source deletions → expunge', async () => {
  const { fake, folder } = everyAction();
  const journal = new FakeJournal();
  await runFolder(folder, folderContext(fake, journal));
  assert.equal(fake.writes(), CONTRACT_ORDER);
  assert.equal(
    journal.lines(),
    [
      'createFolder done',
      'subscribe done',
      'copy 2 done',
      'setFlags 2 done',
      'deleteTarget 1 done',
      'deleteFolder done',
      'deleteSource 2 done',
    ],
    'each action journaled as it finishes',
  );
});

test('every action journaled done: a re-run sends no command at all', async () => {
  const { fake, folder } = everyAction();
  const journal = new FakeJournal();
  await runFolder(folder, folderContext(fake, journal));
  fake.log.length = 0;
  await runFolder(folder, folderContext(fake, journal));
  assert.equal(fake.log, []);
});

test('after a stop during any step, no later step starts', async () => {
  for (const [index, step] of CONTRACT_ORDER.entries()) {
    const { fake, folder } = everyAction();
    const ctx = folderContext(fake, new FakeJournal());
    fake.before = (line) => {
      if (line === step) ctx.stop.stop();
    };
    await runFolder(folder, ctx);
    // A deletion's STORE and its EXPUNGE are one step.
    const through = step.includes('STORE \\Deleted') ? index + 2 : index + 1;
    assert.equal(fake.writes(), CONTRACT_ORDER.slice(0, through), `stopped during ${step}`);
  }
});

test('stopped before the folder starts: only the UIDVALIDITY check is read, nothing written', async () => {
  const { fake, folder } = everyAction();
  const ctx = folderContext(fake, new FakeJournal());
  ctx.stop.stop();
  await runFolder(folder, ctx);
  assert.equal(fake.log, ['source EXAMINE Work']);
});

test('a re-run after a stop does only what the journal lacks, in order', async () => {
  const fake = new FakeAccount();
  const source = fake.source.folder('Work');
  for (const id of ['a', 'b']) source.add(message(id));
  const actions: Action[] = [
    { op: 'createFolder' },
    { op: 'subscribe' },
    copyOf(1, message('a')),
    copyOf(2, message('b')),
    { op: 'deleteSource', uid: 1, identity: identityOf(message('a')), targetUid: null },
    { op: 'deleteSource', uid: 2, identity: identityOf(message('b')), targetUid: null },
  ];
  const folder = folderPlan(fake, 'Work', actions);
  const journal = new FakeJournal();
  const first = folderContext(fake, journal);
  fake.before = (line) => {
    if (line.startsWith('target APPEND')) first.stop.stop();
  };
  await runFolder(folder, first);
  assert.equal(journal.lines(), ['createFolder done', 'subscribe done', 'copy 1 done', 'copy 2 done']);
  fake.before = () => undefined;
  fake.log.length = 0;
  await runFolder(folder, folderContext(fake, journal));
  assert.equal(fake.writes(), ['source UID STORE \\Deleted Work 1:2', 'source UID EXPUNGE Work 1:2']);
  assert.equal(source.messages, [], 'both copies journaled done: both sources go');
});

test('source deletions: a read-write SELECT, then \\Deleted and UID EXPUNGE as expungeSource says', async () => {
  const cases: Array<['end' | 'each' | 'never', string[]]> = [
    ['end', ['source SELECT Work', 'source UID STORE \\Deleted Work 1:2', 'source UID EXPUNGE Work 1:2']],
    [
      'each',
      [
        'source SELECT Work',
        'source UID STORE \\Deleted Work 1',
        'source UID EXPUNGE Work 1',
        'source UID STORE \\Deleted Work 2',
        'source UID EXPUNGE Work 2',
      ],
    ],
    ['never', ['source SELECT Work', 'source UID STORE \\Deleted Work 1:2']],
  ];
  for (const [expungeSource, expected] of cases) {
    const { fake, folder } = matchedPair(['a', 'b'], ['a', 'b']);
    await runFolder(folder, folderContext(fake, new FakeJournal(), { expungeSource }));
    const last = fake.log.slice(fake.log.indexOf('source SELECT Work'));
    assert.equal(last, expected, expungeSource);
  }
});

/** Source and target Work holding the same messages; the plan deletes every source message, matched to its target UID. */
function matchedPair(onSource: string[], onTarget: string[]): { fake: FakeAccount; folder: FolderPlan } {
  const fake = new FakeAccount();
  const source = fake.source.folder('Work');
  const target = fake.target.folder('Work', 1800000000);
  for (const id of onSource) source.add(message(id));
  for (const id of onTarget) target.add(message(id));
  const actions: Action[] = onSource.map((id, index) => ({
    op: 'deleteSource',
    uid: index + 1,
    identity: identityOf(message(id)),
    targetUid: index + 1,
  }));
  return { fake, folder: folderPlan(fake, 'Work', actions) };
}

test('a target message goes only while it has the identity the plan saw, read just before', async () => {
  const fake = new FakeAccount();
  const target = fake.target.folder('Work', 1800000000);
  for (const id of ['x', 'y', 'z']) target.add(message(id));
  const folder = folderPlan(
    fake,
    'Work',
    ['x', 'y', 'z'].map((id, index) => ({ op: 'deleteTarget', uid: index + 1, identity: identityOf(message(id)) })),
  );
  target.get(2)!.raw = message('other'); // a server that broke the UID rule; or a hand-edited plan
  target.messages.splice(2, 1); // z expunged since the plan
  const journal = new FakeJournal();
  await runFolder({ ...folder, source: null, sourceState: null }, folderContext(fake, journal));
  assert.equal(fake.log.slice(-3), [
    'target UID FETCH Work 1:3',
    'target UID STORE \\Deleted Work 1',
    'target UID EXPUNGE Work 1',
  ]);
  assert.equal(journal.lines(), [
    'deleteTarget 1 done',
    'deleteTarget 2 skipped (the target message changed since the plan; kept)',
    'deleteTarget 3 skipped (already gone from the target)',
  ]);
});

test('a source message goes only while it is unchanged and its copy is confirmed on the target', async () => {
  const { fake, folder } = matchedPair(['a', 'b', 'c', 'd', 'e', 'f'], ['a', 'b', 'c', 'other', 'e']);
  const source = fake.source.existing('Work');
  source.get(2)!.raw = message('b2'); // changed since the plan
  source.messages.splice(2, 1); // c gone from the source
  fake.target.existing('Work').messages.splice(4, 1); // e's copy gone from the target
  const actions = folder.actions.map((action) =>
    action.op === 'deleteSource' && action.uid === 6 ? { ...action, targetUid: null } : action,
  );
  const journal = new FakeJournal();
  await runFolder({ ...folder, actions }, folderContext(fake, journal));
  assert.equal(fake.writes(), ['source UID STORE \\Deleted Work 1', 'source UID EXPUNGE Work 1']);
  assert.equal(journal.lines(), [
    'deleteSource 1 done',
    'deleteSource 2 skipped (the source message changed since the plan; kept)',
    'deleteSource 3 skipped (already gone from the source)',
    'deleteSource 4 failed (target UID 4 is not its copy (another message); kept)',
    'deleteSource 5 failed (its copy is no longer on the target; kept)',
    'deleteSource 6 failed (its copy is not confirmed on the target; kept)',
  ]);
});

/** A target-only folder holding `ids`, planned for deletion. */
function targetOnly(ids: string[]): { fake: FakeAccount; folder: FolderPlan } {
  const fake = new FakeAccount();
  const target = fake.target.folder('Old', 1800000000);
  for (const id of ids) target.add(message(id));
  const folder: FolderPlan = {
    ...folderPlan(fake, 'Old', [{ op: 'deleteFolder', messages: ids.length }]),
    source: null,
    sourceState: null,
    mappedBy: 'target-only',
  };
  return { fake, folder };
}

test('a target folder is deleted only when no mail arrived in it since the plan', async () => {
  const quiet = targetOnly(['x']);
  await runFolder(quiet.folder, folderContext(quiet.fake, new FakeJournal()));
  assert.equal(quiet.fake.writes(), ['target DELETE Old']);

  const cases: Array<[string, (folder: FakeFolder) => void, (plan: FolderPlan) => FolderPlan, string]> = [
    ['a message arrived', (old) => old.add(message('new')), (plan) => plan, '2 messages now, the plan saw 1'],
    [
      'one arrived, one was expunged: the count is the same, UIDNEXT is not',
      (old) => {
        old.messages.splice(0, 1);
        old.add(message('new'));
      },
      (plan) => plan,
      '1 messages now, the plan saw 1',
    ],
    [
      'more messages than the plan saw, in a folder the plan had no state of',
      (old) => old.add(message('new')),
      (plan) => ({ ...plan, targetState: null }),
      '2 messages now, the plan saw 1',
    ],
  ];
  for (const [name, change, planned, counts] of cases) {
    const busy = targetOnly(['x']);
    change(busy.fake.target.existing('Old'));
    const journal = new FakeJournal();
    await runFolder(planned(busy.folder), folderContext(busy.fake, journal));
    assert.equal(busy.fake.writes(), [], name);
    assert.equal(
      journal.lines(),
      [`deleteFolder failed (mail arrived in it since the plan (${counts}): kept; re-plan)`],
      name,
    );
  }
});

test('after a manual gate, a target folder holding mail mailshift did not copy there is kept', async () => {
  const pairs = (targetUids: number[]) => ({
    Work: {
      sourceUidValidity: 1,
      target: 'Old',
      targetUidValidity: 1800000000,
      pairs: targetUids.map((uid): [number, number] => [uid, uid]),
    },
  });
  const ours = targetOnly(['x', 'y']);
  await runFolder(ours.folder, folderContext(ours.fake, new FakeJournal(), { cutover: pairs([1, 2]) }));
  assert.equal(ours.fake.writes(), ['target DELETE Old'], 'only mailshift copies in it');

  const foreign = targetOnly(['x', 'y']);
  const journal = new FakeJournal();
  await runFolder(foreign.folder, folderContext(foreign.fake, journal, { cutover: pairs([1]) }));
  assert.equal(foreign.fake.writes(), []);
  assert.equal(journal.lines(), [
    'deleteFolder failed (it holds 1 message mailshift did not copy there and a manual gate is recorded: kept (the cutover rule))',
  ]);
});

test('a source folder whose UIDVALIDITY changed since the plan: every action fails, nothing is written', async () => {
  const { fake, folder } = everyAction();
  const changed = { ...folder, sourceState: { ...folder.sourceState!, uidValidity: 42 } };
  const journal = new FakeJournal();
  await runFolder(changed, folderContext(fake, journal));
  assert.equal(fake.writes(), []);
  assert.is(journal.lines().length, 7);
  for (const line of journal.lines()) assert.match(line, /failed \(the source folder's UIDVALIDITY changed \(42 → /);
});

test('a target folder recreated since the plan: actions naming its UIDs fail; copies alone still go', async () => {
  const named = matchedPair(['a'], ['a']);
  const recreated = { ...named.folder, targetState: { ...named.folder.targetState!, uidValidity: 7 } };
  const journal = new FakeJournal();
  await runFolder(recreated, folderContext(named.fake, journal));
  assert.equal(named.fake.writes(), []);
  assert.match(journal.lines()[0]!, /^deleteSource 1 failed \(the target folder's UIDVALIDITY changed \(7 → /);

  const fake = new FakeAccount();
  fake.source.folder('Work').add(message('a'));
  fake.target.folder('Work', 1800000000);
  const copies = folderPlan(fake, 'Work', [copyOf(1, message('a'))]);
  await runFolder({ ...copies, targetState: { ...copies.targetState!, uidValidity: 7 } }, folderContext(fake, journal));
  assert.equal(fake.writes(), ['target APPEND Work 1']);
});

test.run();
