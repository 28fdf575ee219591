// Waves of accounts on the bench's pair: many small accounts planned and applied in one manifest,
// against one account holding as many messages in the same run (the issue's target: the wave at
// ≥ 0.8× the single account's plan + apply rate), and the no-op re-plan of many small accounts
// (target: ≤ 30 s for 1,000 accounts). The full sizes of the issue:
//   npm run bench -- --many-accounts-only --accounts 200 --account-messages 50 --noop-accounts 1000
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../src/render/sizes.ts';
import type { PlanSummary } from '../../src/plan/types.ts';
import { freshUsers, seedAccounts } from '../support/many-accounts.ts';
import type { SeedResult } from '../support/seed.ts';
import { measureMailshift, type Measurement } from './measure.ts';
import { benchMigration, seededAccount, writeBenchManifest } from './migration.ts';
import type { BenchServers } from './servers.ts';

/** The flags of this part, for run.ts's parseArgs; defaults keep `npm run bench` a few minutes longer at most. */
export const MANY_ACCOUNT_OPTIONS = {
  accounts: { type: 'string', default: '40' },
  'account-messages': { type: 'string', default: '50' },
  'noop-accounts': { type: 'string', default: '200' },
  'noop-account-messages': { type: 'string', default: '10' },
  'many-accounts-only': { type: 'boolean', default: false },
} as const;

export interface ManyAccountSizes {
  accounts: number;
  accountMessages: number;
  noopAccounts: number;
  noopAccountMessages: number;
}

/** The sizes from parsed flags; a count that is not a positive whole number is refused. */
export function manyAccountSizes(values: Record<string, string | boolean | undefined>): ManyAccountSizes {
  const count = (flag: keyof typeof MANY_ACCOUNT_OPTIONS) => {
    const value = Number(values[flag]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${flag} ${values[flag]} is not a positive whole number`);
    return value;
  };
  return {
    accounts: count('accounts'),
    accountMessages: count('account-messages'),
    noopAccounts: count('noop-accounts'),
    noopAccountMessages: count('noop-account-messages'),
  };
}

/** Prints the `bench many accounts:` and `bench no-op re-plan … accounts` lines, then how to reproduce them. */
export async function benchManyAccounts(work: string, servers: BenchServers, sizes: ManyAccountSizes): Promise<void> {
  await benchWave(work, servers, sizes);
  await benchNoopAccounts(work, servers, sizes);
  console.log(
    `reproduce the many-account lines: npm run bench -- --many-accounts-only --accounts ${sizes.accounts} --account-messages ${sizes.accountMessages} --noop-accounts ${sizes.noopAccounts} --noop-account-messages ${sizes.noopAccountMessages}`,
  );
}

/** A wave's manifest: `count` fresh accounts on each server, the sources seeded from `firstSeed` on. */
async function seededWave(
  work: string,
  servers: BenchServers,
  name: string,
  count: number,
  messages: number,
  firstSeed: number,
) {
  const { source, target } = servers;
  const dir = mkdtempSync(join(work, `${name}-`));
  let started = Date.now();
  const [sources, targets] = await Promise.all([freshUsers(source, count, name), freshUsers(target, count, name)]);
  const usersMilliseconds = Date.now() - started;
  started = Date.now();
  const seeded = await seedAccounts(source, sources, (index) => ({
    seed: firstSeed + index,
    messages,
    otherDelimiter: '.',
  }));
  const seedSeconds = (Date.now() - started) / 1000;
  const pairs = sources.map((account, index) => ({ id: `a${index}`, source: account, target: targets[index]! }));
  const manifest = join(dir, `${name}.json`);
  const env = writeBenchManifest(manifest, name, source, target, pairs);
  const planFile = join(dir, `${name}.plan.json`);
  return {
    seeded,
    setup: `${count} users on each server created in ${usersMilliseconds} ms, ${describeSeed(seeded)} seeded in ${seedSeconds.toFixed(1)} s`,
    planFile,
    plan: (out = planFile) => run(['plan', manifest, '--phase', 'presync', '--out', out, '--quiet'], env),
    apply: () => run(['apply', planFile, '--quiet'], env),
  };
}

async function benchWave(work: string, servers: BenchServers, sizes: ManyAccountSizes): Promise<void> {
  const total = sizes.accounts * sizes.accountMessages;
  // The reference first, on the same pair, from fresh state as the wave: one account of as many messages.
  const single = await seededAccount(servers.source, { seed: 20, messages: total });
  const migration = await benchMigration(
    mkdtempSync(join(work, 'single-')),
    servers.source,
    servers.target,
    single.account,
  );
  const singlePlan = await run(migration.planArgs(), migration.env);
  const singleApply = await run(migration.applyArgs, migration.env);
  const singleRate = rates(summaryOf(migration.planFile), singlePlan, singleApply);

  const wave = await seededWave(work, servers, 'wave', sizes.accounts, sizes.accountMessages, 1000);
  console.log(`bench many accounts: ${wave.setup}`);
  const plan = await wave.plan();
  const apply = await wave.apply();
  const planned = summaryOf(wave.planFile);
  const waveRate = rates(planned, plan, apply);
  console.log(
    `bench many accounts: ${sizes.accounts} accounts × ${sizes.accountMessages} messages, ${planned.messagesToCopy} copied (${formatBytes(planned.bytesToCopy)}), default --concurrency: plan ${plan.seconds.toFixed(2)} s (peak RSS ${formatBytes(plan.peakRssBytes)}) + apply ${apply.seconds.toFixed(2)} s (peak RSS ${formatBytes(apply.peakRssBytes)}): ${waveRate.both.toFixed(0)} messages/s (apply alone ${waveRate.apply.toFixed(0)} messages/s)`,
  );
  console.log(
    `bench many accounts: one account of ${single.seeded.messages} messages in the same run, ${singleRate.copied} copied: plan ${singlePlan.seconds.toFixed(2)} s + apply ${singleApply.seconds.toFixed(2)} s: ${singleRate.both.toFixed(0)} messages/s (apply alone ${singleRate.apply.toFixed(0)} messages/s); the ${sizes.accounts} accounts at ${(waveRate.both / singleRate.both).toFixed(2)}× that (target ≥ 0.8×; apply alone ${(waveRate.apply / singleRate.apply).toFixed(2)}×)`,
  );
}

async function benchNoopAccounts(work: string, servers: BenchServers, sizes: ManyAccountSizes): Promise<void> {
  const count = sizes.noopAccounts;
  const wave = await seededWave(work, servers, 'noop', count, sizes.noopAccountMessages, 5000);
  const plan = await wave.plan();
  const apply = await wave.apply();
  // The first re-plan reads what the apply changed on the target; the second finds nothing changed.
  await wave.plan(`${wave.planFile}.again`);
  const noopFile = `${wave.planFile}.noop`;
  const noop = await wave.plan(noopFile);
  const left = changesOf(summaryOf(noopFile));
  console.log(
    `bench no-op re-plan: ${wave.setup}, planned in ${plan.seconds.toFixed(2)} s, applied in ${apply.seconds.toFixed(2)} s, planned again`,
  );
  console.log(
    `bench no-op re-plan: ${count} accounts of ${sizes.noopAccountMessages} messages, nothing changed on either side: ${noop.seconds.toFixed(2)} s wall time, ${((noop.seconds * 1000) / count).toFixed(0)} ms per account (target ≤ 30 s for 1,000 accounts), ${left === 0 ? 'no changes left' : `${left} changes left`}, peak RSS ${formatBytes(noop.peakRssBytes)}`,
  );
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  const measured = await measureMailshift(args, env);
  if (measured.code !== 0) throw new Error(`mailshift ${args[0]} failed:\n${measured.stdout}${measured.stderr}`);
  return measured;
}

function summaryOf(planFile: string): PlanSummary {
  return (JSON.parse(readFileSync(planFile, 'utf8')) as { summary: PlanSummary }).summary;
}

function changesOf(summary: PlanSummary): number {
  return (
    summary.messagesToCopy +
    summary.flagUpdates +
    summary.targetDeletes +
    summary.foldersToCreate +
    summary.foldersToDelete
  );
}

/** Copied messages per second of plan + apply wall time, and of the apply alone. */
function rates(planned: PlanSummary, plan: Measurement, apply: Measurement) {
  const copied = planned.messagesToCopy;
  return { copied, both: copied / (plan.seconds + apply.seconds), apply: copied / apply.seconds };
}

function describeSeed(seeded: SeedResult): string {
  return `${seeded.messages} messages (${formatBytes(seeded.bytes)}) in ${seeded.folders} folders`;
}
