import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyMessages } from '../../../src/apply/copy-messages.ts';
import { actionKey } from '../../../src/apply/journal-keys.ts';
import type { CopyAction, FolderPlan } from '../../../src/plan/types.ts';
import { copyOf, FakeAccount, FakeJournal, folderContext, folderPlan, identityOf, message } from './fake-imap.ts';

// copyMessages against fake servers: the copies a crashed run stored on the target but never
// journaled are found there and journaled, not appended again; the others are appended once.
// test/e2e/apply-signals.test.ts and apply-faults.test.ts prove the same against Dovecot.

/** Source folder Work holding `ids` (UIDs 1, 2, …), target folder Work holding `onTarget`; the plan made now. */
function world(ids: string[], onTarget: string[] = []) {
  const fake = new FakeAccount();
  const source = fake.source.folder('Work');
  for (const id of ids) source.add(message(id), ['\\Seen']);
  const target = fake.target.folder('Work', 1800000000);
  for (const id of onTarget) target.add(message(id));
  return { fake, journal: new FakeJournal(), source, target };
}

function copies(fake: FakeAccount, uids: number[]): CopyAction[] {
  const source = fake.source.existing('Work');
  return uids.map((uid) => copyOf(uid, source.get(uid)!.raw, ['\\Seen']));
}

function plan(fake: FakeAccount, uids: number[]): { folder: FolderPlan; copies: CopyAction[] } {
  const planned = copies(fake, uids);
  return { folder: folderPlan(fake, 'Work', planned), copies: planned };
}

/** How many target messages have each Message-ID, e.g. { a: 1, b: 2 }. */
function onTarget(fake: FakeAccount): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const stored of fake.target.existing('Work').messages) {
    const id = /<(\w+)@/.exec(stored.raw.toString())![1]!;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

const appends = (fake: FakeAccount) => fake.log.filter((line) => line.startsWith('target APPEND'));

test('copies a crashed run stored but never journaled are journaled done, not appended again', async () => {
  const { fake, journal, target } = world(['a', 'b', 'c', 'd']);
  const { folder, copies } = plan(fake, [1, 2, 3, 4]);
  // The crashed run's APPEND of a and b was answered; its journal entries never reached the disk.
  target.add(message('a'), ['\\Seen']);
  target.add(message('b'), ['\\Seen']);
  const ctx = folderContext(fake, journal);
  await copyMessages(folder, copies, ctx);
  assert.equal(appends(fake), ['target APPEND Work 2'], 'only c and d are sent');
  assert.equal(onTarget(fake), { a: 1, b: 1, c: 1, d: 1 });
  assert.equal(journal.lines(), [
    'copy 1 done (found on the target after an interruption)',
    'copy 2 done (found on the target after an interruption)',
    'copy 3 done',
    'copy 4 done',
  ]);
  assert.is(ctx.counts.messagesCopied, 2, 'the found ones were copied by the crashed run, not this one');
});

test('a run that dies after APPEND, before its journal write, is completed by the next without a duplicate', async () => {
  const { fake, journal } = world(['a', 'b', 'c']);
  const { folder, copies } = plan(fake, [1, 2, 3]);
  const crashing = new FakeJournal();
  crashing.record = async () => {
    throw new Error('killed');
  };
  await copyMessages(folder, copies, folderContext(fake, crashing)).then(
    () => assert.unreachable('the first run dies'),
    (error: Error) => assert.is(error.message, 'killed'),
  );
  assert.equal(onTarget(fake), { a: 1, b: 1, c: 1 }, 'the APPEND landed');
  fake.log.length = 0;
  await copyMessages(folder, copies, folderContext(fake, journal));
  assert.equal(appends(fake), [], 'nothing is sent again');
  assert.equal(onTarget(fake), { a: 1, b: 1, c: 1 });
  assert.equal(journal.lines(), [
    'copy 1 done (found on the target after an interruption)',
    'copy 2 done (found on the target after an interruption)',
    'copy 3 done (found on the target after an interruption)',
  ]);
});

test('a journaled copy is neither read nor sent again, and accounts for its own message on the target', async () => {
  // Two source messages alike (UIDs 1 and 2): the journaled copy of 1 explains the one message
  // like them on the target, so 2 is still to copy rather than taken for landed.
  const { fake, journal, target } = world(['a', 'a', 'b']);
  const { folder, copies } = plan(fake, [1, 2, 3]);
  const targetUid = target.add(message('a'), ['\\Seen']);
  const raw = message('a');
  await journal.record(
    actionKey('alice', folder, copies[0]!),
    { account: 'alice', folder: 'Work', target: 'Work', op: 'copy', uid: 1, result: 'done' },
    { targetIdentity: identityOf(raw), targetSize: raw.length, targetUid },
  );
  await copyMessages(folder, copies, folderContext(fake, journal));
  assert.equal(
    fake.log.filter((line) => line.includes('BODY[]')),
    ['source UID FETCH BODY[] Work 2:3'],
    'UID 1 is not read',
  );
  assert.equal(appends(fake), ['target APPEND Work 2']);
  assert.equal(onTarget(fake), { a: 2, b: 1 }, 'as on the source');
  assert.equal(journal.lines(), ['copy 1 done', 'copy 2 done', 'copy 3 done']);
});

test('the connection dropping with APPENDs unanswered: the retry finds what they stored and sends nothing twice', async () => {
  const { fake, journal } = world(['a', 'b', 'c']);
  const { folder, copies } = plan(fake, [1, 2, 3]);
  fake.dropAfterAnswers = 1; // all three stored, only a's answer read before the drop
  const ctx = folderContext(fake, journal);
  await copyMessages(folder, copies, ctx); // the retry waits 1 s (withRetry's first backoff)
  assert.equal(appends(fake), ['target APPEND Work 3'], 'one APPEND: the retry sends nothing');
  assert.equal(onTarget(fake), { a: 1, b: 1, c: 1 });
  assert.equal(journal.lines(), [
    'copy 1 done',
    'copy 2 done (found on the target after an interruption)',
    'copy 3 done (found on the target after an interruption)',
  ]);
  assert.is(ctx.counts.messagesCopied, 3, 'this run stored all three');
});

test('a message the target held before the plan is not taken for a copy that landed', async () => {
  // a twice on the source, once on the target at plan time: the plan copies the second a.
  const { fake, journal } = world(['a', 'a'], ['a']);
  const { folder, copies } = plan(fake, [2]);
  await copyMessages(folder, copies, folderContext(fake, journal));
  assert.equal(appends(fake), ['target APPEND Work 1']);
  assert.equal(onTarget(fake), { a: 2 });
  assert.equal(journal.lines(), ['copy 2 done']);
});

test('beside a message the target held before the plan, a landed copy alike is still found', async () => {
  const { fake, journal, target } = world(['a', 'a'], ['a']);
  const { folder, copies } = plan(fake, [2]);
  target.add(message('a'), ['\\Seen']); // the crashed run's copy of UID 2
  await copyMessages(folder, copies, folderContext(fake, journal));
  assert.equal(appends(fake), []);
  assert.equal(onTarget(fake), { a: 2 });
  assert.equal(journal.lines(), ['copy 2 done (found on the target after an interruption)']);
});

test('a copy of a message the target already holds is refused (a hand-edited plan); the others go', async () => {
  const { fake, journal } = world(['a', 'b'], ['a']);
  const { folder, copies } = plan(fake, [1, 2]);
  const ctx = folderContext(fake, journal);
  await copyMessages(folder, copies, ctx);
  assert.equal(onTarget(fake), { a: 1, b: 1 });
  assert.equal(journal.lines().length, 2);
  assert.match(
    journal.lines()[0]!,
    /^copy 1 failed \(the target already holds this message \(identity .*\): a copy would duplicate it; re-plan\)$/,
  );
  assert.is(journal.lines()[1], 'copy 2 done');
  assert.is(ctx.counts.failed, 1);
});

test('source duplicates of a message the target holds are copied up to the source count, no further', async () => {
  // Three a on the source, one on the target: a plan copying all three may add only two.
  const { fake, journal } = world(['a', 'a', 'a'], ['a']);
  const { folder, copies } = plan(fake, [1, 2, 3]);
  await copyMessages(folder, copies, folderContext(fake, journal));
  assert.equal(onTarget(fake), { a: 3 });
  assert.equal(
    journal
      .lines()
      .map((line) => line.replace(/ \(.*/, ''))
      .sort(),
    ['copy 1 done', 'copy 2 done', 'copy 3 failed'],
  );
});

test('a folder this run has just created is not searched for landed copies on the first attempt', async () => {
  const { fake, journal } = world(['a']);
  const { folder, copies } = plan(fake, [1]);
  await copyMessages(folder, copies, folderContext(fake, journal), { createdNow: true });
  assert.equal(
    fake.log.filter((line) => line.startsWith('target')),
    ['target APPEND Work 1', 'target settle Work 1'],
  );
});

test('in a target folder recreated since the plan, every message counts as possibly landed', async () => {
  const { fake, journal, target } = world(['a', 'b']);
  for (let i = 0; i < 4; i++) target.add(message(`old${i}`)); // the plan saw UIDNEXT 5
  const { folder, copies } = plan(fake, [1, 2]);
  fake.target.folders.delete('Work');
  fake.target.folder('Work', 1900000000).add(message('a'), ['\\Seen']); // new UIDVALIDITY; a landed at UID 1
  await copyMessages(folder, copies, folderContext(fake, journal), { targetRecreated: true });
  assert.equal(appends(fake), ['target APPEND Work 1']);
  assert.equal(onTarget(fake), { a: 1, b: 1 });
  assert.equal(journal.lines(), ['copy 1 done (found on the target after an interruption)', 'copy 2 done']);
});

test('after a stop no batch starts: nothing is read, sent or journaled', async () => {
  const { fake, journal } = world(['a', 'b']);
  const { folder, copies } = plan(fake, [1, 2]);
  const ctx = folderContext(fake, journal);
  ctx.stop.stop();
  await copyMessages(folder, copies, ctx);
  assert.equal(
    fake.log.filter((line) => !line.startsWith('target UID FETCH')),
    [],
  );
  assert.equal(journal.lines(), []);
});

test('a batch the throttle kept waiting past a stop does not start', async () => {
  const { fake, journal } = world(['a', 'b']);
  const { folder, copies } = plan(fake, [1, 2]);
  const ctx = folderContext(fake, journal);
  ctx.throttle.take = async () => ctx.stop.stop(); // the stop comes while the batch waits its turn
  await copyMessages(folder, copies, ctx);
  assert.equal(
    fake.log.filter((line) => !line.startsWith('target UID FETCH')),
    [],
  );
  assert.equal(journal.lines(), []);
});

test.run();
