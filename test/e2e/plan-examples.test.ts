// Every example manifest, pointed at the Dovecot pair (endpoints and secrets rewritten, rules kept),
// planned phase by phase with the CLI; each scenario's intent is checked on the plan it produced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inPool, runMailshift } from '../support/cli.ts';
import { EXAMPLES, exampleMigration } from '../support/example-migration.ts';
import { manifestFolder } from '../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

type PlanJson = {
  accounts: Array<{
    id: string;
    folders: Array<{
      source: string | null;
      target: string;
      mappedBy: string;
      actions: Array<{ op: string; addMessageId?: string }>;
    }>;
  }>;
};
const pairs = (plan: PlanJson) => plan.accounts.flatMap((a) => a.folders.filter((f) => f.source !== null));
const ops = (plan: PlanJson) =>
  new Set(plan.accounts.flatMap((a) => a.folders.flatMap((f) => f.actions.map((x) => x.op))));

// What each scenario must show in its plans (phase → check).
const intents: Record<string, Record<string, (plan: PlanJson) => void>> = {
  'accounts-from-csv.jsonnet': {},
  'addheader-message-id.jsonnet': {
    copy: (plan) =>
      assert.ok(
        plan.accounts.some((a) =>
          a.folders.some((f) => f.actions.some((x) => x.addMessageId?.endsWith('@mailshift.invalid>'))),
        ),
        'copies of messages without Message-ID get one',
      ),
  },
  'automap-justfolders.jsonnet': {
    folders: (plan) =>
      assert.ok(
        [...ops(plan)].every((op) => op === 'createFolder' || op === 'subscribe'),
        `folders only: ${[...ops(plan)]}`,
      ),
    'drain-source': (plan) => assert.ok(pairs(plan).every((f) => f.source === 'INBOX')),
  },
  'drain-after-mx-switch.jsonnet': {
    'drain-inbox': (plan) => {
      assert.ok(
        pairs(plan).every((f) => f.source === 'INBOX'),
        'only INBOX',
      );
      assert.ok(
        [...ops(plan)].every((op) => op === 'copy' || op === 'deleteSource'),
        `only copy/deleteSource: ${[...ops(plan)]}`,
      );
    },
  },
  'exact-sync-delete2.jsonnet': {
    mirror: (plan) =>
      assert.ok(
        pairs(plan).some((f) => f.source === 'Sent' && f.target === 'INBOX.Sent Items' && f.mappedBy === 'automap'),
      ),
  },
  'gmail-portuguese.jsonnet': {
    presync: (plan) => {
      const targets = Object.fromEntries(pairs(plan).map((f) => [f.source, f.target]));
      assert.is(targets['[Gmail]/E-mails enviados'], 'INBOX.Sent');
      assert.is(targets['[Gmail]/Lixeira'], 'INBOX.Trash');
      assert.is(targets['[Gmail]/Rascunhos'], 'INBOX.Drafts');
      assert.is(targets['[Gmail]/Todos os e-mails'], undefined, 'the All Mail view is left out');
      assert.is(targets['Clientes/2024'], 'INBOX.Clientes.2024');
    },
  },
  'many-into-one.jsonnet': {
    presync: (plan) => {
      for (const account of plan.accounts)
        assert.ok(
          account.folders.every((f) => f.target.startsWith(`INBOX.${account.id}`)),
          `${account.id} stays in its subfolder`,
        );
      assert.not.ok(
        ops(plan).has('deleteTarget') || ops(plan).has('deleteFolder'),
        'nothing deleted in the shared mailbox',
      );
    },
  },
  'skip-trash-spam-sent-items.jsonnet': {
    copy: (plan) => {
      assert.not.ok(pairs(plan).some((f) => ['Trash', 'Spam', 'Drafts'].includes(f.source!)));
      assert.ok(
        pairs(plan).some((f) => f.source === 'Sent' && f.target === 'INBOX.Sent Items' && f.mappedBy === 'map'),
      );
    },
  },
  'subfolder-into-other-account.jsonnet': {
    archive: (plan) =>
      assert.ok(
        plan.accounts.every((a) => a.folders.every((f) => f.target.startsWith('INBOX.Archive.'))),
        'everything below Archive',
      ),
  },
  'two-hundred-accounts.jsonnet': {},
};

test('every example has an intent to check', () => {
  assert.equal(EXAMPLES, Object.keys(intents).sort());
});

for (const example of EXAMPLES) {
  test(`example ${example} plans every sync phase against the Dovecot pair`, async () => {
    const { manifest, file, env } = await exampleMigration(example, {
      folder,
      direction: 'slash-to-dot',
      accounts: 2,
      messages: 30,
      seed: 100,
    });
    const phases: string[] = manifest.phases
      .filter((p: any) => p.manual === undefined)
      .map((p: any) => p.name as string);
    const results = await inPool(phases, 2, (phase) =>
      runMailshift(
        ['plan', file, '--phase', phase, '--out', join(folder.dir, `${example}.${phase}.plan.json`), '--quiet'],
        { env },
      ),
    );
    phases.forEach((phase: string, i: number) => {
      assert.is(results[i]!.code, 0, `${example} --phase ${phase}:\n${results[i]!.stderr}`);
      const plan = JSON.parse(readFileSync(join(folder.dir, `${example}.${phase}.plan.json`), 'utf8')) as PlanJson;
      assert.is(plan.accounts.length, manifest.accounts.length);
      intents[example]?.[phase]?.(plan);
    });
  });
}

test.run();
