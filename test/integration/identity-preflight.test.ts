// apply's identity preflight against the real Dovecot pair: a plan made by makePlan (its snapshot
// cache kept in memory), then edited. The cache answers where it can; only what it cannot vouch
// for is read from the servers, and it is never the reason to refuse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { identityPreflight } from '../../src/apply/identity-preflight.ts';
import { makePlan } from '../../src/engine/plan.ts';
import type { Settings } from '../../src/manifest/settings.ts';
import { readManifest } from '../../src/manifest/read.ts';
import type { SnapshotCache } from '../../src/plan/snapshot-cache.ts';
import type { CopyAction, FolderPlan, Plan } from '../../src/plan/types.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { manifestFolder } from '../support/manifests.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

interface Planned {
  plan: Plan;
  settings: Settings;
  cache: SnapshotCache;
  env: NodeJS.ProcessEnv;
}

let counter = 0;
async function planned(): Promise<Planned> {
  const { slash, dot } = await dovecotPair();
  const [source, target] = await Promise.all([freshUser(slash, 'prsrc'), freshUser(dot, 'prtgt')]);
  await fillMailbox(slash, source, { INBOX: [{ name: 'one' }, { name: 'two' }, { name: 'three' }] });
  const file = folder.write(`preflight-${++counter}.json`, {
    apiVersion: 'mailshift/v1',
    name: 'preflight',
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
    folders: { include: ['^INBOX$'] },
    phases: [{ name: 'sync' }],
  });
  const manifest = await readManifest(file);
  const env = { SRC_PW: source.password, TGT_PW: target.password };
  let cache: SnapshotCache | null = null;
  const state = {
    uidMaps: async () => ({}),
    snapshotCache: async () => null,
    saveSnapshotCache: async (_: string, saved: SnapshotCache) => {
      cache = saved;
    },
  };
  const { plan } = await makePlan({
    manifest: manifest as any,
    phase: 'sync',
    accountIds: [],
    planPath: `${folder.dir}/plans/p.plan.json`,
    now: new Date(),
    env,
    tool: 'mailshift test',
    concurrency: 1,
    state,
  });
  assert.ok(plan && cache, 'planned, with a snapshot cache');
  return { plan: plan!, settings: manifest.settings!, cache: cache!, env };
}

const inbox = (plan: Plan): FolderPlan => plan.accounts[0]!.folders.find((f) => f.source === 'INBOX')!;
const copiesOf = (plan: Plan) => inbox(plan).actions.filter((a): a is CopyAction => a.op === 'copy');

/** The last copy now names the first's UID, and the first copy is gone: what only the messages can tell. */
function aimLastAtFirst(plan: Plan): { uid: number } {
  const [first, last] = [copiesOf(plan)[0]!, copiesOf(plan).at(-1)!];
  inbox(plan).actions = inbox(plan).actions.filter((a) => a !== first);
  last.uid = first.uid;
  return { uid: first.uid };
}

function preflight(p: Planned, cache: SnapshotCache | null, env = p.env) {
  return identityPreflight({
    plan: p.plan,
    accounts: p.settings.accounts,
    state: { snapshotCache: async () => cache },
    session: { manifestDir: folder.dir, env },
    concurrency: 2,
    file: 'p.plan.json',
  });
}

test('a plan as made: nothing to refuse, from the cache or from the servers', async () => {
  const p = await planned();
  assert.is(await preflight(p, p.cache), null);
  assert.is(await preflight(p, null), null);
});

test('an edited UID, no cache: the servers show it, the refusal names the action', async () => {
  const p = await planned();
  const { uid } = aimLastAtFirst(p.plan);
  const refusal = await preflight(p, null);
  assert.is(refusal?.code, 'PLAN_REFUSED');
  assert.match(refusal!.message, `the plan cannot be applied: copy of source UID ${uid} in folder "INBOX"`);
  assert.equal(refusal!.location, { file: 'p.plan.json', account: 'a', folder: 'INBOX' });
});

test('the cache vouches without a server read: an edited UID that the cache agrees with is not read again', async () => {
  const p = await planned();
  const { uid } = aimLastAtFirst(p.plan);
  // Only a cache that reads the same lie can pass it: the proof that the servers were not asked.
  const last = copiesOf(p.plan).at(-1)!;
  const lying = structuredClone(p.cache);
  lying.source!.folders.INBOX!.messages.find((message) => message.uid === uid)!.identity = last.identity;
  assert.is(await preflight(p, lying), null);
});

test('a cache that disagrees is read again from the servers: never the reason to refuse', async () => {
  const p = await planned();
  const damaged = structuredClone(p.cache);
  for (const message of damaged.source!.folders.INBOX!.messages) message.identity = 'f'.repeat(64);
  assert.is(await preflight(p, damaged), null);
});

test('an account that cannot log in is not checked here (its apply fails on its own)', async () => {
  const p = await planned();
  aimLastAtFirst(p.plan);
  assert.is(await preflight(p, null, { SRC_PW: 'wrong', TGT_PW: 'wrong' }), null);
});

test.run();
