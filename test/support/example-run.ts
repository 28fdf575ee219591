// An example migration (example-migration.ts) driven through the CLI phase by phase, as the
// runbook goes: gates recorded, plan → apply, then verify --content and a second plan; and the
// checks of what arrived that every example scenario shares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { runMailshift, type CliResult } from './cli.ts';
import {
  exampleMigration,
  type ExampleAccount,
  type ExampleMigration,
  type ExampleOptions,
  type ExampleSide,
} from './example-migration.ts';
import { contentMultiset, mailboxState, type StoredMessage } from './mailbox-state.ts';

export type FolderJson = { source: string | null; target: string; mappedBy: string; actions: Array<{ op: string }> };
export type PlanJson = { summary: Record<string, number>; accounts: Array<{ id: string; folders: FolderJson[] }> };
export type State = Record<string, StoredMessage[]>;

/** One example set up on the pair, with the CLI steps of its phases. */
export interface ExampleRun extends ExampleMigration {
  dir: string;
  /** Record the manual gates the phase requires, then plan (it has changes) → apply → settled (unless told not to). */
  sync(phase: string, options?: { settle: boolean }): Promise<PlanJson>;
  /** verify --content exits 0 and a fresh plan of the phase has no changes. */
  settled(phase: string): Promise<void>;
  /** `plan --detailed-exitcode` into plans/<name>.plan.json next to the manifest. */
  plan(phase: string, name: string): Promise<CliResult>;
  states(side: ExampleSide): Promise<State>;
  /** Per account, both sides read: every folder pair of the plan copied exactly, then the scenario's own checks. */
  copiedExactly(plan: PlanJson, more?: (account: ExampleAccount, source: State, target: State) => void): Promise<void>;
}

/** A content line ("sha flags date") of a message not flagged \Deleted: skipDeleted leaves those behind. */
export const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');

/** The account's folder pairs in the plan (target-only folders left out). */
export const copiedPairs = (plan: PlanJson, id: string) =>
  plan.accounts
    .find((a) => a.id === id)!
    .folders.filter((f): f is FolderJson & { source: string } => f.source !== null);

/** Where the plan maps a source folder of the account. */
export const targetOf = (plan: PlanJson, id: string, source: string) =>
  copiedPairs(plan, id).find((f) => f.source === source)?.target;

/** Each folder pair of the plan: the target folder holds exactly the source folder's messages (not \Deleted), byte for byte with flags and dates. */
export function assertPairsCopied(plan: PlanJson, id: string, source: State, target: State): void {
  for (const pair of copiedPairs(plan, id)) {
    const only = (name: string) => (folder: string) => folder === name;
    assert.equal(
      contentMultiset(target, only(pair.target)),
      contentMultiset(source, only(pair.source)).filter(notDeleted),
      `${id}: ${pair.source} → ${pair.target}`,
    );
  }
}

/** The source messages (not \Deleted) of the plan's folder pairs, as content lines. */
export function copiedContent(plan: PlanJson, id: string, source: State): string[] {
  const sources = new Set(copiedPairs(plan, id).map((pair) => pair.source));
  return contentMultiset(source, (name) => sources.has(name)).filter(notDeleted);
}

/** Set an example up on the Dovecot pair (exampleMigration) and return its CLI steps. */
export async function exampleRun(
  example: string,
  options: ExampleOptions & { folder: { dir: string } },
): Promise<ExampleRun> {
  const migration = await exampleMigration(example, options);
  const rounds = new Map<string, number>();
  const planFile = (name: string) => join(options.folder.dir, 'plans', `${name}.plan.json`);
  const run: ExampleRun = {
    ...migration,
    dir: options.folder.dir,
    async sync(phase, { settle } = { settle: true }) {
      const round = (rounds.get(phase) ?? 0) + 1;
      rounds.set(phase, round);
      await recordGates(run, phase);
      const planned = await run.plan(phase, `${phase}-${round}`);
      assert.is(planned.code, 2, `plan --phase ${phase} finds work to do:\n${planned.stderr}`);
      const applied = await runMailshift(['apply', planFile(`${phase}-${round}`)], { env: run.env });
      assert.is(applied.code, 0, `apply ${phase}:\n${applied.stdout}\n${applied.stderr}`);
      assert.match(applied.stdout, 'Apply complete');
      if (settle) await run.settled(phase);
      return JSON.parse(readFileSync(planFile(`${phase}-${round}`), 'utf8')) as PlanJson;
    },
    async settled(phase) {
      const [verified, replanned] = await Promise.all([
        runMailshift(['verify', run.file, '--phase', phase, '--content'], { env: run.env }),
        run.plan(phase, `${phase}-again`),
      ]);
      assert.is(
        verified.code,
        0,
        `verify --phase ${phase} --content says equal:\n${verified.stdout}\n${verified.stderr}`,
      );
      assert.is(
        replanned.code,
        0,
        `a second plan of ${phase} has no changes:\n${replanned.stderr}\n${replanned.code === 2 ? pendingActions(planFile(`${phase}-again`)) : ''}`,
      );
    },
    plan: (phase, name) =>
      runMailshift(['plan', run.file, '--phase', phase, '--out', planFile(name), '--detailed-exitcode', '--quiet'], {
        env: run.env,
      }),
    states: (side) => mailboxState(side.server, side),
    async copiedExactly(plan, more) {
      for (const account of run.accounts) {
        const [source, target] = await Promise.all([run.states(account.source), run.states(account.target)]);
        assertPairsCopied(plan, account.id, source, target);
        more?.(account, source, target);
      }
    },
  };
  return run;
}

/** `mailshift gate` for every manual phase the phase requires, as the runbook says to once it is done. */
async function recordGates(run: ExampleRun, phase: string): Promise<void> {
  const phases = run.manifest.phases as Array<{ name: string; requires?: string[]; manual?: string }>;
  const requires = phases.find((p) => p.name === phase)?.requires ?? [];
  for (const gate of phases.filter((p) => p.manual !== undefined && requires.includes(p.name))) {
    const result = await runMailshift(['gate', run.file, gate.name, '--note', 'done by the e2e test'], {
      env: run.env,
    });
    assert.is(result.code, 0, `gate ${gate.name}:\n${result.stdout}\n${result.stderr}`);
  }
}

/** The plan's actions by account and folder, for a failure message. */
function pendingActions(file: string): string {
  const pending = (JSON.parse(readFileSync(file, 'utf8')) as PlanJson).accounts.flatMap((account) =>
    account.folders
      .filter((folder) => folder.actions.length > 0)
      .map(
        (folder) =>
          `  ${account.id} ${folder.source} → ${folder.target}: ${folder.actions.map((a) => JSON.stringify(a)).join(' ')}`,
      ),
  );
  return pending.join('\n').slice(0, 4000);
}
