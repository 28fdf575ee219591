// The cutover rule as a property: a few hundred generated runbooks (applies of phases with and
// without deletions, a gate at some point, mail delivered to either side, users deleting and making
// folders, the same message arriving on both servers during the MX switch, a state dir that is
// lost). Each plan is applied to a simulated pair of mailboxes that records which target messages
// mailshift copied: ground truth apart from the UID maps the planner reads. No plan made after the
// gate may delete a target message, or a target folder, holding anything mailshift did not copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CutoverRecord } from '../../../src/plan/cutover.ts';
import { mapFolders } from '../../../src/plan/folder-mapping.ts';
import { planAccount } from '../../../src/plan/planner.ts';
import type { UidMaps } from '../../../src/plan/snapshot.ts';
import type { FolderPlan } from '../../../src/plan/types.ts';
import { Random } from '../../support/random.ts';
import { account, message, slice, type FolderSpec } from '../../support/snapshots.ts';

const RUNBOOKS = 300;

interface SimMessage {
  uid: number;
  identity: string;
  byMailshift: boolean;
}
interface SimFolder {
  uidValidity: number;
  uidNext: number;
  messages: SimMessage[];
}
type Side = Map<string, SimFolder>;

class Sim {
  source: Side = new Map();
  target: Side = new Map();
  uidMaps: UidMaps = {};
  private serial = 0;
  private uidValidity = 100;

  folder(side: Side, name: string): SimFolder {
    let folder = side.get(name);
    if (!folder) side.set(name, (folder = { uidValidity: ++this.uidValidity, uidNext: 1, messages: [] }));
    return folder;
  }

  deliver(side: Side, name: string, identity = `m${++this.serial}`, byMailshift = false): number {
    const folder = this.folder(side, name);
    const uid = folder.uidNext++;
    folder.messages.push({ uid, identity, byMailshift });
    return uid;
  }

  /** The same message on both servers (delivered during the MX switch), or a foreign one of its own. */
  deliverToTarget(random: Random, name: string): void {
    const onSource = [...this.source.values()].flatMap((folder) => folder.messages);
    this.deliver(
      this.target,
      name,
      onSource.length > 0 && random.chance(0.3) ? random.pick(onSource).identity : `f${++this.serial}`,
    );
  }

  remove(side: Side, name: string, random: Random): void {
    const folder = side.get(name);
    if (folder && folder.messages.length > 0) folder.messages.splice(random.int(0, folder.messages.length - 1), 1);
  }

  spec(side: Side): Record<string, FolderSpec> {
    return Object.fromEntries(
      [...side].map(([name, folder]) => [
        name,
        {
          uidValidity: folder.uidValidity,
          messages: folder.messages.map((m) => message(m.uid, { identity: m.identity })),
        },
      ]),
    );
  }

  /** Carry out a plan as apply would: copies get the next target UID and go into the UID map. */
  apply(folders: FolderPlan[]): void {
    for (const plan of folders) {
      const target = this.target.get(plan.target);
      for (const action of plan.actions) {
        if (action.op === 'createFolder') this.folder(this.target, plan.target);
        if (action.op === 'copy') {
          const uid = this.deliver(this.target, plan.target, action.identity, true);
          const into = this.target.get(plan.target)!;
          const source = this.source.get(plan.source!)!;
          const map = this.uidMaps[plan.source!];
          const fits =
            map &&
            map.target === plan.target &&
            map.targetUidValidity === into.uidValidity &&
            map.sourceUidValidity === source.uidValidity;
          this.uidMaps[plan.source!] = {
            sourceUidValidity: source.uidValidity,
            target: plan.target,
            targetUidValidity: into.uidValidity,
            pairs: [...(fits ? map.pairs : []), [action.uid, uid]],
          };
        }
        if (action.op === 'deleteTarget' && target)
          target.messages = target.messages.filter((m) => m.uid !== action.uid);
        if (action.op === 'deleteSource') {
          const source = this.source.get(plan.source!)!;
          source.messages = source.messages.filter((m) => m.uid !== action.uid);
        }
        if (action.op === 'deleteFolder') this.target.delete(plan.target);
      }
    }
  }
}

/** What a plan made after the gate would delete that mailshift did not copy, in words (empty: none). */
function breaches(sim: Sim, folders: FolderPlan[]): string[] {
  const found: string[] = [];
  for (const plan of folders) {
    const target = sim.target.get(plan.target);
    for (const action of plan.actions) {
      if (action.op === 'deleteTarget') {
        const victim = target?.messages.find((m) => m.uid === action.uid);
        if (victim && !victim.byMailshift)
          found.push(`deleteTarget ${plan.target} UID ${action.uid} (${victim.identity})`);
      }
      if (action.op === 'deleteFolder' && target?.messages.some((m) => !m.byMailshift)) {
        found.push(`deleteFolder ${plan.target}`);
      }
    }
  }
  return found;
}

function runbook(seed: number): { plansAfterGate: number; deletionsAfterGate: number } {
  const random = new Random(seed);
  const sim = new Sim();
  for (const name of ['INBOX', 'Work', 'Old']) for (let i = random.int(0, 4); i > 0; i--) sim.deliver(sim.source, name);
  // What the target held before the migration began is not mailshift's either.
  for (let i = random.int(0, 2); i > 0; i--) sim.deliver(sim.target, 'INBOX');
  let gated = false;
  let plansAfterGate = 0;
  let deletionsAfterGate = 0;
  for (let step = 0; step < 14; step++) {
    const roll = random.weighted([4, 1, 2, 2, 1, 1, 1, 1]);
    if (roll === 0) {
      const rules = slice({
        phase: {
          deleteTarget: random.chance(0.6),
          deleteTargetFolders: random.chance(0.5) ? { only: null, except: null } : false,
          deleteSource: random.chance(0.2),
        },
      });
      const snapshot = account(
        { layout: 'slash', folders: sim.spec(sim.source) },
        { layout: 'slash', folders: sim.spec(sim.target) },
      );
      const mapping = mapFolders(snapshot, rules.folders);
      const cutover: CutoverRecord | null = gated
        ? { since: { gate: 'switch-mx', at: '2026-11-22T10:00:00Z', forced: false }, uidMaps: sim.uidMaps }
        : null;
      const plan = planAccount({
        accountId: 'alice',
        slice: rules,
        snapshot,
        mapping,
        now: new Date('2026-11-22T12:00:00Z'),
        uidMaps: {},
        cutover,
      });
      assert.equal(plan.errors, []);
      if (gated) {
        plansAfterGate++;
        assert.equal(breaches(sim, plan.folders), [], `seed ${seed}, step ${step}`);
        deletionsAfterGate += plan.folders
          .flatMap((f) => f.actions)
          .filter((a) => a.op === 'deleteTarget' || a.op === 'deleteFolder').length;
      }
      sim.apply(plan.folders);
    } else if (roll === 1) gated = true;
    else if (roll === 2) sim.deliverToTarget(random, random.pick(['INBOX', 'INBOX', 'Work']));
    else if (roll === 3) sim.deliver(sim.source, random.pick(['INBOX', 'Work', 'Old']));
    else if (roll === 4) sim.remove(sim.source, random.pick(['INBOX', 'Work', 'Old']), random);
    else if (roll === 5) sim.deliver(sim.target, random.pick(['Projects', 'Receipts']));
    else if (roll === 6)
      sim.source.delete('Old'); // the user deleted a folder on the old server: its copy is target-only now
    else sim.uidMaps = random.chance(0.2) ? {} : sim.uidMaps; // sometimes a run with another --state-dir: the record is gone
  }
  return { plansAfterGate, deletionsAfterGate };
}

test(`${RUNBOOKS} generated runbooks: no plan after the gate deletes on the target what mailshift did not copy there`, () => {
  let plans = 0;
  let deletions = 0;
  for (let seed = 1; seed <= RUNBOOKS; seed++) {
    const result = runbook(seed);
    plans += result.plansAfterGate;
    deletions += result.deletionsAfterGate;
  }
  // The property must be exercised: plans after a gate, and among them deletions the rule allows.
  assert.ok(plans > RUNBOOKS, `${plans} plans after a gate`);
  assert.ok(deletions > 50, `${deletions} deletions of mailshift copies after a gate`);
});

test('the generator can tell: without the rule, plans after the gate delete foreign mail', () => {
  // The same runbooks, planned as before the rule (no cutover passed), must show breaches; else the property proves nothing.
  let found = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const random = new Random(seed);
    const sim = new Sim();
    sim.deliver(sim.source, 'INBOX');
    const rules = slice({ phase: { deleteTarget: true, deleteTargetFolders: { only: null, except: null } } });
    const first = account({ layout: 'slash', folders: sim.spec(sim.source) }, { layout: 'slash', folders: {} });
    sim.apply(
      planAccount({
        accountId: 'alice',
        slice: rules,
        snapshot: first,
        mapping: mapFolders(first, rules.folders),
        now: new Date('2026-11-22T12:00:00Z'),
        uidMaps: {},
        cutover: null,
      }).folders,
    );
    sim.deliverToTarget(random, 'INBOX');
    sim.deliver(sim.target, 'Projects');
    const again = account(
      { layout: 'slash', folders: sim.spec(sim.source) },
      { layout: 'slash', folders: sim.spec(sim.target) },
    );
    found += breaches(
      sim,
      planAccount({
        accountId: 'alice',
        slice: rules,
        snapshot: again,
        mapping: mapFolders(again, rules.folders),
        now: new Date('2026-11-22T12:00:00Z'),
        uidMaps: {},
        cutover: null,
      }).folders,
    ).length;
  }
  assert.ok(found >= 50, `${found} breaches without the rule`);
});

test.run();
