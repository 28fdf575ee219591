// The headers a plan shows its deletions by are read for the deleted messages only: one UID FETCH
// of just their UIDs per folder and side, none at all for a plan that deletes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePlan } from '../../src/engine/plan.ts';
import { readManifest } from '../../src/manifest/read.ts';
import { recordCommands, type SentCommand } from '../support/command-spy.ts';
import { fillMailbox, type TestMessage } from '../support/mailbox-builder.ts';
import { manifestFolder, NO_STATE } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

const named = (prefix: string, n: number): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i + 1}` }));

async function planned(phase: Record<string, unknown>, source: TestMessage[], target: TestMessage[]) {
  const { slash, dot } = await dovecotPair();
  const [src, tgt] = await Promise.all([freshUser(slash, 'hdr-src'), freshUser(dot, 'hdr-tgt')]);
  await Promise.all([fillMailbox(slash, src, { INBOX: source }), fillMailbox(dot, tgt, { INBOX: target })]);
  const file = folder.write(`headers-${Object.keys(phase).join('-') || 'none'}.json`, {
    apiVersion: 'mailshift/v1',
    name: 'headers',
    defaults: {
      source: { host: '127.0.0.1', port: slash.ports.plain, tls: 'none' },
      target: { host: '127.0.0.1', port: dot.ports.plain, tls: 'none' },
    },
    accounts: [
      {
        id: 'a',
        source: { user: src.user, password: { env: 'SRC_PW' } },
        target: { user: tgt.user, password: { env: 'TGT_PW' } },
      },
    ],
    folders: { include: ['^INBOX$'] },
    phases: [{ name: 'sync', ...phase }],
  });
  const manifest = await readManifest(file);
  const { result, sent } = await recordCommands(() =>
    makePlan({
      manifest: manifest as any,
      phase: 'sync',
      accountIds: [],
      planPath: `${folder.dir}/plans/headers.plan.json`,
      now: new Date('2026-11-23T12:00:00Z'),
      env: { SRC_PW: src.password, TGT_PW: tgt.password },
      tool: 'mailshift test',
      concurrency: 1,
      state: NO_STATE,
    }),
  );
  assert.equal(result.diagnostics, []);
  return {
    plan: result.plan!,
    headerFetches: sent.filter(isHeaderFetch),
    ports: { source: slash.ports.plain, target: dot.ports.plain },
  };
}

function isHeaderFetch(command: SentCommand): boolean {
  return command.command === 'UID FETCH' && JSON.stringify(command.attributes).includes('"DATE"');
}

const setOf = (command: SentCommand) => (command.attributes as Array<{ value: string }>)[0]!.value;

test('deleteTarget: one UID FETCH of Date, From and Subject, of just the deleted target UIDs', async () => {
  const kept = named('kept', 40);
  const { plan, headerFetches, ports } = await planned({ deleteTarget: true }, kept, [
    ...kept.slice(0, 10),
    { name: 'stray-a' },
    ...kept.slice(10),
    { name: 'stray-b' },
  ]);
  const deleted = plan.accounts[0]!.folders[0]!.actions.flatMap((a) => (a.op === 'deleteTarget' ? [a] : []));
  assert.equal(
    deleted.map((a) => a.headers?.subject),
    ['stray-a', 'stray-b'],
  );
  assert.is(headerFetches.length, 1, 'one command');
  assert.is(headerFetches[0]!.port, ports.target);
  assert.is(setOf(headerFetches[0]!), '11,42', 'the two deleted UIDs, nothing else');
});

test('a plan that deletes nothing reads no such headers', async () => {
  const { headerFetches } = await planned({}, named('m', 20), named('m', 5));
  assert.is(headerFetches.length, 0);
});

test.run();
