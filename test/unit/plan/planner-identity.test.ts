import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageRules } from '../../../src/manifest/settings.ts';
import { addedMessageIdFor } from '../../../src/plan/identity.ts';
import type { MessageSnapshot, UidMaps } from '../../../src/plan/snapshot.ts';
import { actionLines, folderPlan, message, planCase } from '../../support/snapshots.ts';

// --- addMessageId (imapsync --addheader) -------------------------------------------------------

/** A source message without Message-ID, as the IMAP layer reads it: with the Message-ID a copy gets. */
const withoutId = (uid: number) =>
  message(uid, {
    identity: `digest-${uid}`,
    hasMessageId: false,
    addedMessageId: { messageId: `<digest-${uid}@mailshift.invalid>`, identity: `added-${uid}` },
  });

function work(source: MessageSnapshot[], target: MessageSnapshot[], messages: Partial<MessageRules> = {}) {
  const result = planCase({
    source: { layout: 'slash', folders: { Work: { messages: source } } },
    target: { layout: 'dot', folders: { 'INBOX.Work': { messages: target } } },
    messages,
  });
  return { plan: folderPlan(result.folders, 'Work'), warnings: result.warnings };
}

test('addMessageId, first run: the copy carries the Message-ID it gets', () => {
  const { plan } = work([withoutId(1), message(2)], [], { addMessageId: true });
  assert.equal(plan.actions, [
    {
      op: 'copy',
      uid: 1,
      size: 1000,
      internalDate: '2026-11-21T12:00:00.000Z',
      flags: [],
      identity: 'digest-1',
      addMessageId: '<digest-1@mailshift.invalid>',
    },
    { op: 'copy', uid: 2, size: 1000, internalDate: '2026-11-21T12:00:00.000Z', flags: [], identity: 'id-2' },
  ]);
});

test('addMessageId, re-plan against a target holding the copies: nothing to do', () => {
  // The copy has the added header: its identity is the added one, and it is a little larger.
  const copies = [message(10, { identity: 'added-1', size: 1057 }), message(11, { identity: 'id-2' })];
  for (const useSize of [false, true]) {
    const { plan } = work([withoutId(1), message(2)], copies, { addMessageId: true, useSize });
    assert.equal(actionLines(plan), [], `useSize ${useSize}`);
  }
});

test('addMessageId: a copy made earlier without the header still counts', () => {
  const { plan } = work([withoutId(1)], [message(10, { identity: 'digest-1' })], { addMessageId: true });
  assert.equal(actionLines(plan), []);
});

test('addMessageId off: no header added, but copies that have it are still recognised', () => {
  assert.equal(actionLines(work([withoutId(1)], []).plan), ['copy 1']);
  assert.equal(actionLines(work([withoutId(1)], [message(10, { identity: 'added-1' })]).plan), []);
});

test('addMessageId when the snapshot has no added Message-ID: derived from the identity, as identity.ts does', () => {
  const { plan } = work([message(1, { identity: 'f'.repeat(64), hasMessageId: false })], [], { addMessageId: true });
  assert.equal(plan.actions[0], {
    op: 'copy',
    uid: 1,
    size: 1000,
    internalDate: '2026-11-21T12:00:00.000Z',
    flags: [],
    identity: 'f'.repeat(64),
    addMessageId: addedMessageIdFor('f'.repeat(64)),
  });
});

test('addMessageId never touches messages that have a Message-ID', () => {
  const { plan } = work([message(1)], [], { addMessageId: true });
  assert.not.ok('addMessageId' in plan.actions[0]!);
});

// --- identity 'uid' (imapsync --useuid) --------------------------------------------------------

function inbox(
  source: MessageSnapshot[],
  target: MessageSnapshot[],
  uidMaps: UidMaps,
  options: { identity?: MessageRules['identity']; targetValidity?: number; targetExists?: boolean } = {},
) {
  const result = planCase({
    source: { layout: 'slash', folders: { INBOX: { messages: source, uidValidity: 100 } } },
    target: {
      layout: 'slash',
      folders:
        options.targetExists === false
          ? {}
          : { INBOX: { messages: target, uidValidity: options.targetValidity ?? 200 } },
    },
    messages: { identity: options.identity ?? 'uid' },
    phase: { deleteTarget: true },
    uidMaps,
  });
  return { lines: actionLines(folderPlan(result.folders, 'INBOX')), warnings: result.warnings };
}

const fitting = (pairs: Array<[number, number]>): UidMaps => ({
  INBOX: { sourceUidValidity: 100, target: 'INBOX', targetUidValidity: 200, pairs },
});

test('uid: the map pairs messages even when their headers changed (flags follow the map)', () => {
  const { lines, warnings } = inbox(
    [message(1, { flags: ['\\Seen'] }), message(2)],
    [message(50, { identity: 'rewritten' }), message(51, { identity: 'id-2' })],
    fitting([[1, 50]]),
  );
  assert.equal(lines, ['setFlags 50<1 +\\Seen']);
  assert.equal(warnings, []);
});

test('uid: a partial map (expunged UIDs) matches the rest by headers', () => {
  const { lines } = inbox(
    [message(1), message(2), message(3)],
    [message(50), message(52, { identity: 'id-2' })],
    fitting([
      [1, 50],
      [3, 53],
      [4, 54],
    ]),
  );
  assert.equal(lines, ['copy 3']);
});

test('uid: source UIDVALIDITY changed: headers only, and a warning', () => {
  const maps: UidMaps = { INBOX: { sourceUidValidity: 99, target: 'INBOX', targetUidValidity: 200, pairs: [[1, 50]] } };
  const { lines, warnings } = inbox([message(1)], [message(50, { identity: 'rewritten' })], maps);
  assert.equal(lines, ['copy 1', 'deleteTarget 50']);
  assert.equal(
    warnings.map((w) => [w.code, w.folder]),
    [['UID_MAP_STALE', 'INBOX']],
  );
  assert.match(warnings[0]!.message, 'source UIDVALIDITY 99 is now 100');
});

test('uid: target UIDVALIDITY changed: headers only, and a warning', () => {
  const { lines, warnings } = inbox([message(1)], [message(50, { identity: 'id-1' })], fitting([[1, 50]]), {
    targetValidity: 201,
  });
  assert.equal(lines, []);
  assert.match(warnings[0]!.message, 'target UIDVALIDITY 200 is now 201');
});

test('uid: a map recorded for another target folder does not fit', () => {
  const maps: UidMaps = { INBOX: { sourceUidValidity: 100, target: 'Old', targetUidValidity: 200, pairs: [[1, 50]] } };
  const { warnings } = inbox([message(1)], [message(50)], maps);
  assert.match(warnings[0]!.message, 'recorded for target folder "Old"');
});

test('uid: a map for a target folder that no longer exists does not fit', () => {
  const { lines, warnings } = inbox([message(1)], [], fitting([[1, 50]]), { targetExists: false });
  assert.equal(lines, ['createFolder', 'subscribe', 'copy 1']);
  assert.match(warnings[0]!.message, 'the target folder does not exist any more');
});

test('uid: no map yet (first run): headers, no warning', () => {
  const { lines, warnings } = inbox([message(1)], [message(50, { identity: 'id-1' })], {});
  assert.equal(lines, []);
  assert.equal(warnings, []);
});

test("identity 'headers' ignores a UID map", () => {
  const { lines, warnings } = inbox([message(1)], [message(50, { identity: 'rewritten' })], fitting([[1, 50]]), {
    identity: 'headers',
  });
  assert.equal(lines, ['copy 1', 'deleteTarget 50']);
  assert.equal(warnings, []);
});

test.run();
