// Every example manifest, pointed at the Dovecot pair, run as a user runs it: plan → apply →
// verify --content says equal → a second plan has no changes (--detailed-exitcode 0), phase after
// phase. What each scenario promises is then read straight from both servers: bodies byte for
// byte (SHA-256), flags and INTERNALDATEs, and what must NOT have moved (excluded folders, other
// people's mail, drained messages). The examples cross the two layouts in both directions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inPool } from '../support/cli.ts';
import { EXAMPLES, type Direction, type ExampleOptions, type ExampleSide } from '../support/example-migration.ts';
import {
  assertPairsCopied,
  copiedContent,
  copiedPairs,
  exampleRun,
  notDeleted,
  targetOf,
  type ExampleRun as Run,
} from '../support/example-run.ts';
import { fillMailbox, type MailboxContent } from '../support/mailbox-builder.ts';
import { contentMultiset, type StoredMessage } from '../support/mailbox-state.ts';
import { manifestFolder } from '../support/manifests.ts';
import { plainClient } from '../support/seed.ts';

interface Scenario {
  direction: Direction;
  accounts: ExampleOptions['accounts'];
  /** Source content instead of the generated mailbox, and the harness folders it must exclude. */
  prepare?: { fill: (side: ExampleSide) => Promise<void>; exclude: string[] };
  check(run: Run): Promise<void>;
}

const MESSAGES = 60; // every rare feature of the generator (no Message-ID, duplicates, \Deleted…) at least once
const recent = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000);
const sorted = (lines: string[]) => [...lines].sort();

/**
 * After the MX switch: two messages arrive in each old INBOX (recent INTERNALDATEs), then the drain
 * phase is synced (its gate recorded first). Only they leave the old INBOX (older ones stay,
 * \Deleted ones included), and the new INBOX has all the old one's mail.
 */
async function drainLateArrivals(run: Run, phase: string): Promise<void> {
  const late = (id: string): MailboxContent => ({
    INBOX: [
      { name: `${id}-late-1`, flags: ['\\Seen'], date: recent(2) },
      { name: `${id}-late-2`, flags: ['\\Flagged', '$Label1'], date: recent(1) },
    ],
  });
  await Promise.all(
    run.accounts.map((account) => fillMailbox(account.source.server, account.source, late(account.id))),
  );
  const before = await Promise.all(run.accounts.map((account) => run.states(account.source)));
  const drain = await run.sync(phase);
  assert.is(drain.summary.messagesToCopy, 2 * run.accounts.length, 'the late messages, nothing older');
  assert.is(drain.summary.sourceDeletes, 2 * run.accounts.length);
  for (const [index, account] of run.accounts.entries()) {
    const [source, target] = await Promise.all([run.states(account.source), run.states(account.target)]);
    const lateIds = new Set(late(account.id).INBOX!.map((m) => `<${m.name}@test>`));
    const inbox = before[index]!.INBOX!;
    const lines = (messages: StoredMessage[]) => contentMultiset({ INBOX: messages });
    assert.equal(
      lines(source.INBOX!),
      lines(inbox.filter((m) => !lateIds.has(m.messageId ?? ''))),
      `${account.id}: only the late messages left the old INBOX`,
    );
    assert.equal(
      lines(target[targetOf(drain, account.id, 'INBOX')!]!),
      lines(inbox).filter(notDeleted),
      `${account.id}: the new INBOX has the old INBOX's mail and the late mail, byte for byte`,
    );
  }
}

const GERMAN_COURIER: MailboxContent = {
  INBOX: [
    { name: 'de-1', flags: ['\\Seen'] },
    { name: 'de-2', flags: ['\\Answered', '\\Seen'], date: new Date('2025-06-01T07:00:00Z') },
  ],
  'INBOX.Gesendete Objekte': [{ name: 'de-3', flags: ['\\Seen'] }],
  'INBOX.Entwürfe': [{ name: 'de-4', flags: ['\\Draft'] }],
  'INBOX.Papierkorb': [
    { name: 'de-5', flags: ['\\Seen', '\\Deleted'] },
    { name: 'de-6', flags: ['\\Seen'] },
  ],
  'INBOX.Spam': [{ name: 'de-7', flags: ['$Junk'] }],
  'INBOX.Kunden': [],
  'INBOX.Kunden.ACME': [{ name: 'de-8', flags: ['\\Flagged', 'Kunde'], padding: 20_000 }],
};

const scenarios: Record<string, Scenario> = {
  'addheader-message-id.jsonnet': {
    direction: 'dot-to-slash',
    accounts: 2,
    async check(run) {
      const plan = await run.sync('copy');
      let withoutId = 0;
      for (const account of run.accounts) {
        const [source, target] = await Promise.all([run.states(account.source), run.states(account.target)]);
        for (const pair of copiedPairs(plan, account.id)) {
          const from = (source[pair.source] ?? []).filter((m) => !m.flags.includes('\\Deleted'));
          const to = target[pair.target] ?? [];
          const added = (m: StoredMessage) => m.messageId?.endsWith('@mailshift.invalid>') === true;
          const line = (m: StoredMessage) => `${m.sha256} ${m.flags.join(',')} ${m.internalDate}`;
          assert.equal(
            sorted(to.filter((m) => !added(m)).map(line)),
            sorted(from.filter((m) => m.messageId !== null).map(line)),
            `${pair.target}: messages with a Message-ID arrive byte for byte`,
          );
          const flagsAndDate = (m: StoredMessage) => `${m.flags.join(',')} ${m.internalDate}`;
          assert.equal(
            sorted(to.filter(added).map(flagsAndDate)),
            sorted(from.filter((m) => m.messageId === null).map(flagsAndDate)),
            `${pair.target}: each message without one gets its own`,
          );
          withoutId += from.filter((m) => m.messageId === null).length;
        }
      }
      assert.ok(withoutId > 0, 'the seeded mailboxes have messages without Message-ID');
    },
  },

  'automap-justfolders.jsonnet': {
    direction: 'dot-to-slash',
    accounts: 2,
    // A German Courier mailbox as the example describes it; the English special folders the harness
    // creates for every user would not exist there (and would collide with the map).
    prepare: {
      fill: (side) => fillMailbox(side.server, side, GERMAN_COURIER),
      exclude: ['^INBOX\\.(Drafts|Sent Items|Deleted Items|Junk E-mail)$'],
    },
    async check(run) {
      const folders = await run.sync('folders');
      for (const account of run.accounts) {
        const target = await run.states(account.target);
        for (const pair of copiedPairs(folders, account.id))
          assert.equal(target[pair.target], [], `${pair.target} created, and empty`);
      }
      const presync = await run.sync('presync');
      await run.copiedExactly(presync, (account, source, target) => {
        assert.equal(
          ['INBOX.Gesendete Objekte', 'INBOX.Entwürfe', 'INBOX.Papierkorb', 'INBOX.Spam', 'INBOX.Kunden.ACME'].map(
            (folder) => targetOf(presync, account.id, folder),
          ),
          ['Sent', 'Drafts', 'Deleted Items', 'Junk', 'Kunden/ACME'],
          'automap for the German names, map for the two it does not know, the hierarchy translated',
        );
        assert.equal(
          contentMultiset(target),
          contentMultiset(source).filter(notDeleted),
          'everything arrived, nothing else is there',
        );
      });
    },
  },

  'drain-after-mx-switch.jsonnet': {
    direction: 'slash-to-dot',
    accounts: 2,
    async check(run) {
      await run.sync('final');
      // Mail a server-side filter filed elsewhere is not the drain's business (--folder INBOX).
      await Promise.all(
        run.accounts.map((account) =>
          fillMailbox(account.source.server, account.source, {
            Projects: [{ name: `${account.id}-filed`, date: recent(1) }],
          }),
        ),
      );
      await drainLateArrivals(run, 'drain-inbox');
      for (const account of run.accounts) {
        const [source, target] = await Promise.all([run.states(account.source), run.states(account.target)]);
        assert.is(
          source.Projects!.filter((m) => m.messageId === `<${account.id}-filed@test>`).length,
          1,
          'other folders are not drained',
        );
        assert.not.ok(
          Object.values(target)
            .flat()
            .some((m) => m.messageId === `<${account.id}-filed@test>`),
          'nor copied',
        );
      }
    },
  },

  'exact-sync-delete2.jsonnet': {
    direction: 'dot-to-slash',
    accounts: 2,
    async check(run) {
      const legalHold: MailboxContent = {
        'Legal Hold': [{ name: 'hold-1', flags: ['\\Flagged'] }],
        'Legal Hold/2025': [{ name: 'hold-2' }],
      };
      const isLegalHold = (name: string) => name.startsWith('Legal Hold');
      // The target as a trial run weeks ago and the legal team left it.
      await Promise.all(
        run.accounts.map((account) =>
          fillMailbox(account.target.server, account.target, {
            INBOX: [{ name: `${account.id}-gone-since` }],
            'Old Project': [{ name: `${account.id}-old` }],
            ...legalHold,
          }),
        ),
      );
      const held = await Promise.all(
        run.accounts.map(async (account) => contentMultiset(await run.states(account.target), isLegalHold)),
      );
      await run.sync('mirror', { settle: false });
      // Meanwhile users kept working on the old server.
      await Promise.all(run.accounts.map((account) => keepWorking(account.source)));
      const mirror = await run.sync('mirror');
      for (const key of ['messagesToCopy', 'flagUpdates', 'targetDeletes', 'foldersToCreate', 'foldersToDelete']) {
        assert.ok(mirror.summary[key]! >= 2, `the second mirror has ${key}: ${JSON.stringify(mirror.summary)}`);
      }
      await run.copiedExactly(mirror, (account, source, target) => {
        assert.equal(
          contentMultiset(target, isLegalHold),
          held[run.accounts.indexOf(account)],
          'the compliance folders are kept as they were',
        );
        assert.equal(
          contentMultiset(target, (name) => !isLegalHold(name)),
          contentMultiset(source).filter(notDeleted),
          'everything else is an exact copy',
        );
        assert.not.ok('Old Project' in target || 'Проекты' in target, 'folders without a source counterpart are gone');
      });
    },
  },

  'gmail-portuguese.jsonnet': {
    direction: 'slash-to-dot',
    accounts: 2,
    async check(run) {
      const presync = await run.sync('presync');
      await run.copiedExactly(presync, (account, source, target) => {
        assert.equal(
          [
            '[Gmail]/E-mails enviados',
            '[Gmail]/Lixeira',
            '[Gmail]/Rascunhos',
            'Clientes/2024',
            '[Gmail]/Todos os e-mails',
          ].map((folder) => targetOf(presync, account.id, folder)),
          ['INBOX.Sent', 'INBOX.Trash', 'INBOX.Drafts', 'INBOX.Clientes.2024', undefined],
        );
        assert.equal(
          contentMultiset(target),
          contentMultiset(source, (name) => name !== '[Gmail]/Todos os e-mails').filter(notDeleted),
          'every real folder, not the All Mail view',
        );
      });
    },
  },

  'many-into-one.jsonnet': {
    direction: 'slash-to-dot',
    accounts: 3,
    async check(run) {
      const presync = await run.sync('presync');
      const team = run.accounts[0]!.target;
      assert.ok(
        run.accounts.every((account) => account.target === team),
        'one shared target mailbox',
      );
      const target = await run.states(team);
      const expected: string[] = [];
      for (const account of run.accounts) {
        const source = await run.states(account.source);
        assertPairsCopied(presync, account.id, source, target);
        assert.ok(
          copiedPairs(presync, account.id).every((pair) => pair.target.startsWith(`INBOX.${account.id}.`)),
          `${account.id} stays below its folder`,
        );
        assert.not.ok(
          copiedPairs(presync, account.id).some((pair) => /^(Trash|Junk)$/.test(pair.source)),
          'Trash and Junk stay behind',
        );
        expected.push(...copiedContent(presync, account.id, source));
      }
      assert.equal(
        contentMultiset(target),
        sorted(expected),
        'the shared mailbox holds the three trees and nothing else',
      );
    },
  },

  'skip-trash-spam-sent-items.jsonnet': {
    direction: 'slash-to-dot',
    accounts: 2,
    async check(run) {
      const copy = await run.sync('copy');
      await run.copiedExactly(copy, (account, source, target) => {
        assert.is(targetOf(copy, account.id, 'Sent'), 'INBOX.Sent Items');
        assert.ok(source.Trash!.length + source.Drafts!.length > 0, 'the left-behind folders had mail');
        assert.equal(
          contentMultiset(target),
          contentMultiset(source, (name) => !['Trash', 'Drafts'].includes(name)).filter(notDeleted),
          'all but Trash and Drafts (there is no Spam)',
        );
        assert.is(target['INBOX.Trash'], undefined);
        assert.equal(target['INBOX.Drafts'], [], "the target's own Drafts stays empty");
      });
    },
  },

  'subfolder-into-other-account.jsonnet': {
    direction: 'dot-to-slash',
    accounts: 2,
    async check(run) {
      const carol = run.accounts[0]!.target;
      const own: MailboxContent = {
        INBOX: [{ name: 'carol-1', flags: ['\\Seen'] }],
        Projects: [{ name: 'carol-2', flags: ['\\Flagged'] }],
        Sent: [{ name: 'carol-3', flags: ['\\Seen'] }],
      };
      await fillMailbox(carol.server, carol, own);
      const before = await run.states(carol);
      const archive = await run.sync('archive');
      const target = await run.states(carol);
      const archived: string[] = [];
      for (const account of run.accounts) {
        const source = await run.states(account.source);
        assert.is(targetOf(archive, account.id, 'INBOX'), `Archive/${account.id}/INBOX`);
        assert.is(
          targetOf(archive, account.id, 'INBOX.Sent Items'),
          `Archive/${account.id}/Sent Items`,
          'no automap: Sent stays inside the archive',
        );
        assertPairsCopied(archive, account.id, source, target);
        archived.push(...copiedContent(archive, account.id, source));
      }
      assert.equal(
        contentMultiset(target, (name) => !name.startsWith('Archive/')),
        contentMultiset(before),
        "Carol's own mail is untouched",
      );
      assert.equal(
        contentMultiset(target, (name) => name.startsWith('Archive/')),
        sorted(archived),
      );
    },
  },

  'accounts-from-csv.jsonnet': {
    direction: 'dot-to-slash',
    accounts: ['alice', 'bob'],
    async check(run) {
      const presync = await run.sync('presync');
      await run.copiedExactly(presync, (_, source, target) =>
        assert.equal(contentMultiset(target), contentMultiset(source).filter(notDeleted)),
      );
    },
  },

  'two-hundred-accounts.jsonnet': {
    direction: 'slash-to-dot',
    accounts: ['sales01', 'dev07', 'ops12'],
    async check(run) {
      const presync = await run.sync('presync');
      await run.copiedExactly(presync, (_, source, target) =>
        assert.equal(contentMultiset(target), contentMultiset(source).filter(notDeleted)),
      );
      const final = await run.plan('final', 'final-1');
      assert.is(final.code, 0, `the final sync right after the presync has nothing to do:\n${final.stderr}`);
    },
  },
};

/** What users do on the old server between two mirror runs: re-flag, delete, file new mail, add and drop folders. */
async function keepWorking(side: ExampleSide): Promise<void> {
  const client = plainClient(side.server, side);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const inbox = [];
    for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true }))
      inbox.push({ uid: m.uid, flags: m.flags ?? new Set<string>() });
    const live = inbox.filter((m) => !m.flags.has('\\Deleted'));
    const flagged = live.find((m) => !m.flags.has('\\Flagged'))!;
    const unread = live.find((m) => m !== flagged && m.flags.has('\\Seen'))!;
    const deleted = [...live].reverse().find((m) => m !== flagged && m !== unread)!;
    await client.messageFlagsAdd(String(flagged.uid), ['\\Flagged'], { uid: true });
    await client.messageFlagsRemove(String(unread.uid), ['\\Seen'], { uid: true });
    await client.messageDelete(String(deleted.uid), { uid: true });
    await client.mailboxOpen('INBOX.Sent Items');
    await client.messageDelete('1', { uid: false });
    await client.mailboxDelete('INBOX.Проекты');
  } finally {
    await client.logout();
  }
  await fillMailbox(side.server, side, {
    'INBOX.Projects': [{ name: `${side.user}-new-1` }],
    'INBOX.Neu': [{ name: `${side.user}-new-2`, flags: ['\\Seen'] }],
  });
}

test('every example has an apply scenario, and they cross the layouts both ways', () => {
  assert.equal(Object.keys(scenarios).sort(), EXAMPLES);
  assert.equal(new Set(Object.values(scenarios).map((s) => s.direction)), new Set(['slash-to-dot', 'dot-to-slash']));
});

// Two examples at a time (each is mostly waiting on a CLI child or a server), each test reporting its own.
const outcomes = new Map(EXAMPLES.map((example) => [example, deferred<unknown>()]));
test.before(() => {
  void inPool(EXAMPLES, 2, async (example) => {
    const folder = manifestFolder();
    try {
      const { direction, accounts, prepare } = scenarios[example]!;
      const run = await exampleRun(example, { folder, direction, accounts, messages: MESSAGES, seed: 400, ...prepare });
      await scenarios[example]!.check(run);
      outcomes.get(example)!.resolve(undefined);
    } catch (error) {
      outcomes.get(example)!.resolve(error ?? new Error('failed'));
    } finally {
      folder.remove();
    }
  });
});

for (const example of EXAMPLES) {
  test(`example ${example} (${scenarios[example]!.direction}): plan → apply → verify equal → nothing left to plan`, async () => {
    const error = await outcomes.get(example)!.promise;
    if (error !== undefined) throw error;
  });
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

test.run();
