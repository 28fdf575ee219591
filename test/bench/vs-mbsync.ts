// mailshift against mbsync on one mailbox: each copies the same source folders from the same
// source account into a fresh target account of its own on the same servers, in the same run, in
// alternating rounds (other load on the machine comes and goes: medians of alternating rounds
// compare like with like); every target is counted afterwards, so both did the same work.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchServers } from './servers.ts';
import { benchMigration, seededAccount, type BenchRules } from './migration.ts';
import { measureMailshift } from './measure.ts';
import { countMessages, folderCounts, mbsyncVersion, runMbsync } from './mbsync.ts';
import { freshUser } from '../support/servers.ts';
import type { Account } from '../support/seed.ts';
import { formatBytes } from '../../src/render/sizes.ts';

interface Round {
  seconds: number;
  /** mailshift: the apply alone. */
  applySeconds?: number;
  messages: number;
  detail: string;
}

/** Prints the `bench vs mbsync:` lines (or why the comparison was skipped). */
export async function compareWithMbsync(
  work: string,
  servers: BenchServers,
  messages: number,
  rounds: number,
): Promise<void> {
  const version = await mbsyncVersion();
  if (version === null) {
    console.log('bench vs mbsync: skipped, mbsync is not installed (Debian/Ubuntu: apt-get install isync)');
    return;
  }
  const { source, target } = servers;
  const { account, seeded } = await seededAccount(source, { seed: 11, messages });
  // mbsync refuses a folder whose name holds the target's delimiter ("Lists.Dev" going to a '.'
  // server; mailshift would write "Lists_Dev"): both tools leave such folders out.
  const onSource = await folderCounts(source, account);
  const copiedFolders = onSource.filter((folder) => !folder.name.includes(target.delimiter));
  const left = onSource.filter((folder) => folder.name.includes(target.delimiter)).map((folder) => folder.name);
  const copied = copiedFolders.reduce((sum, folder) => sum + folder.messages, 0);
  // mbsync copies messages flagged \Deleted too: so does mailshift here (skipDeleted: false).
  const rules: BenchRules = {
    exclude: left.map((name) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    messages: { skipDeleted: false },
  };

  const mailshiftRound = async (): Promise<Round> => {
    // A folder of its own per round, so its state (snapshot cache included) starts empty: from
    // fresh state, as mbsync's rounds do.
    const migration = await benchMigration(mkdtempSync(join(work, 'mailshift-')), source, target, account, rules);
    const plan = await measureMailshift(migration.planArgs(), migration.env);
    if (plan.code !== 0) throw new Error(`plan failed:\n${plan.stderr}`);
    const apply = await measureMailshift(migration.applyArgs, migration.env);
    if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
    return {
      seconds: plan.seconds + apply.seconds,
      applySeconds: apply.seconds,
      messages: await countMessages(target, migration.target),
      detail: `${plan.seconds.toFixed(2)} + ${apply.seconds.toFixed(2)}`,
    };
  };
  const mbsyncRound = async (): Promise<Round> => {
    const into: Account = await freshUser(target, 'bench-mbsync');
    const dir = mkdtempSync(join(work, 'mbsync-'));
    const run = await runMbsync({
      version,
      dir,
      folders: copiedFolders.map((folder) => folder.listed),
      from: { server: source, account },
      to: { server: target, account: into },
    });
    rmSync(dir, { recursive: true, force: true });
    if (run.code !== 0) throw new Error(`mbsync failed (exit ${run.code}):\n${run.output}`);
    return { seconds: run.seconds, messages: await countMessages(target, into), detail: run.seconds.toFixed(2) };
  };
  const results = { mailshift: [] as Round[], mbsync: [] as Round[] };
  for (let round = 0; round < rounds; round++) {
    // Who goes first alternates too, so neither always meets the warmer (or busier) machine.
    if (round % 2 === 0) results.mailshift.push(await mailshiftRound());
    results.mbsync.push(await mbsyncRound());
    if (round % 2 === 1) results.mailshift.push(await mailshiftRound());
  }

  const leftOut =
    left.length === 0
      ? ''
      : `; left out for both: ${left.join(', ')} (mbsync refuses a name holding the target's delimiter)`;
  console.log(
    `bench vs mbsync: mailbox of ${seeded.messages} messages (${formatBytes(seeded.bytes)}) in ${seeded.folders} folders, ${copiedFolders.length} folders with ${copied} messages copied${leftOut}; target Dovecot with fsync on; ${rounds} alternating rounds, each into fresh target accounts`,
  );
  const line = (who: string, rounds: Round[]) =>
    `${who}: median ${median(rounds.map((r) => r.seconds)).toFixed(2)} s (rounds: ${rounds.map((r) => r.detail).join(', ')} s), ${[...new Set(rounds.map((r) => r.messages))].join('/')} messages on its targets`;
  console.log(`bench vs mbsync: ${line('mailshift plan + apply, from fresh state', results.mailshift)}`);
  console.log(`bench vs mbsync: ${line(`${version}, from fresh state`, results.mbsync)}`);
  const counts = new Set([...results.mailshift, ...results.mbsync].map((r) => r.messages));
  const same =
    counts.size === 1
      ? `same message count on every target (${[...counts][0]})`
      : `note: the targets' message counts differ (${[...counts].join(', ')})`;
  const mbsync = median(results.mbsync.map((r) => r.seconds));
  const mailshift = median(results.mailshift.map((r) => r.seconds));
  const applyAlone = median(results.mailshift.map((r) => r.applySeconds!));
  console.log(
    `bench vs mbsync: mailshift is ${(mbsync / mailshift).toFixed(2)}× as fast as mbsync (medians; target ≥ 3×; its apply alone: ${(mbsync / applyAlone).toFixed(2)}×); ${same}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
