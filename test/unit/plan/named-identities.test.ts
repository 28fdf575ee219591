// namedMessages / confirmedBy / firstMismatch: which messages a plan names by UID and identity, and
// when what a folder holds now contradicts the plan (same UIDVALIDITY, same UID, other identity).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confirmedBy, firstMismatch, namedMessages, type KnownFolders } from '../../../src/plan/named-identities.ts';
import type { AccountPlan, Action, FolderPlan } from '../../../src/plan/types.ts';

const ID = (c: string) => c.repeat(64);
const state = (uidValidity: number) => ({ uidValidity, uidNext: 50, highestModseq: null, messages: 10 });
const endpoint = { host: 'h', port: 143, tls: 'none' as const, user: 'u' };

const pair = (
  source: string,
  target: string,
  actions: Action[],
  targetState: FolderPlan['targetState'] = state(20),
): FolderPlan => ({
  source,
  target,
  mappedBy: 'map',
  sourceState: state(10),
  targetState,
  notes: [],
  actions,
});
const account = (folders: FolderPlan[]): AccountPlan => ({ id: 'alice', source: endpoint, target: endpoint, folders });
const copy = (uid: number, identity: string): Action => ({
  op: 'copy',
  uid,
  size: 1,
  internalDate: '2026-11-20T10:00:00.000Z',
  flags: [],
  identity,
});

test('namedMessages: copies and deletions on the side they act on, flag updates and folder actions not', () => {
  const named = namedMessages(
    account([
      pair('Work', 'INBOX.Work', [
        { op: 'createFolder' },
        copy(3, ID('a')),
        { op: 'setFlags', uid: 9, sourceUid: 4, add: ['\\Seen'], remove: [] },
        { op: 'deleteTarget', uid: 7, identity: ID('b') },
        { op: 'deleteSource', uid: 5, identity: ID('c'), targetUid: 8 },
        { op: 'deleteSource', uid: 6, identity: ID('d'), targetUid: 11, targetIdentity: ID('e') },
        { op: 'deleteSource', uid: 3, identity: ID('a'), targetUid: null },
      ]),
      {
        source: null,
        target: 'Old',
        mappedBy: 'target-only',
        sourceState: null,
        targetState: state(30),
        notes: [],
        actions: [{ op: 'deleteFolder', messages: 2 }],
      },
    ]),
  );
  assert.equal(
    named.map((n) => [n.side, n.folder, n.uidValidity, n.uid, n.identity[0]]),
    [
      ['source', 'Work', 10, 3, 'a'],
      ['target', 'INBOX.Work', 20, 7, 'b'],
      ['source', 'Work', 10, 5, 'c'],
      ['target', 'INBOX.Work', 20, 8, 'c'],
      ['source', 'Work', 10, 6, 'd'],
      ['target', 'INBOX.Work', 20, 11, 'e'],
      ['source', 'Work', 10, 3, 'a'],
    ],
  );
  assert.equal(named.map((n) => n.action).slice(0, 4), [
    'copy of source UID 3 in folder "Work"',
    'deleteTarget of target UID 7 in folder "Work"',
    'deleteSource of source UID 5 in folder "Work"',
    'deleteSource of source UID 5 in folder "Work" (its copy, target UID 8)',
  ]);
});

test('namedMessages: a folder the plan read on one side only names messages on that side', () => {
  const named = namedMessages(account([pair('New', 'INBOX.New', [copy(1, ID('a')), copy(2, ID('b'))], null)]));
  assert.equal(
    named.map((n) => [n.side, n.uid]),
    [
      ['source', 1],
      ['source', 2],
    ],
  );
});

const known =
  (folders: Record<string, { uidValidity: number; identities: Record<number, string> }>): KnownFolders =>
  (side, folder) => {
    const entry = folders[`${side} ${folder}`];
    return (
      entry && {
        uidValidity: entry.uidValidity,
        identities: new Map(Object.entries(entry.identities).map(([uid, id]) => [Number(uid), id])),
      }
    );
  };

const plan = account([
  pair('Work', 'INBOX.Work', [copy(3, ID('a')), copy(4, ID('b')), { op: 'deleteTarget', uid: 7, identity: ID('c') }]),
]);

test('firstMismatch: the first message whose UID now holds another identity, with what it holds', () => {
  const found = firstMismatch(
    namedMessages(plan),
    known({
      'source Work': { uidValidity: 10, identities: { 3: ID('a'), 4: ID('x') } },
      'target INBOX.Work': { uidValidity: 20, identities: { 7: ID('y') } },
    }),
  );
  assert.is(found?.named.uid, 4);
  assert.is(found?.found, ID('x'));
});

test('firstMismatch: a UID gone, a folder recreated (other UIDVALIDITY) or not read are no mismatch', () => {
  assert.is(
    firstMismatch(
      namedMessages(plan),
      known({
        'source Work': { uidValidity: 10, identities: { 3: ID('a') } },
        'target INBOX.Work': { uidValidity: 21, identities: { 7: ID('y') } },
      }),
    ),
    null,
  );
  assert.is(firstMismatch(namedMessages(plan), known({})), null);
});

test('confirmedBy: only the same UIDVALIDITY, UID and identity confirm', () => {
  const [first] = namedMessages(plan);
  assert.ok(confirmedBy(first!, known({ 'source Work': { uidValidity: 10, identities: { 3: ID('a') } } })));
  assert.not.ok(confirmedBy(first!, known({ 'source Work': { uidValidity: 11, identities: { 3: ID('a') } } })));
  assert.not.ok(confirmedBy(first!, known({ 'source Work': { uidValidity: 10, identities: { 3: ID('z') } } })));
  assert.not.ok(confirmedBy(first!, known({ 'source Work': { uidValidity: 10, identities: {} } })));
  assert.not.ok(confirmedBy(first!, known({})));
});

test.run();
