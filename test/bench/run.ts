// `npm run bench`: mailshift's speed and memory on generated mailboxes between two Dovecot servers
// on loopback, fsync on as on a real server. Prints figures (never asserts them: targets are judged
// by people, not timed tests).
//   npm run bench                                            10,000 messages; 5,000 against mbsync, 3 rounds
//   npm run bench -- --messages 2000 --mbsync-messages 1000  a quicker run (--mbsync-rounds 1: quicker still)
//   npm run bench -- --distance-only --distance-messages 300 only plan + apply over a 40 ms round trip (default 1,000 messages)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../../src/render/sizes.ts';
import type { PlanSummary } from '../../src/plan/types.ts';
import { benchMarkdownSize } from './markdown-size.ts';
import { measureMailshift } from './measure.ts';
import { benchMigration, seededAccount, type MailboxShape } from './migration.ts';
import { fsyncMilliseconds, startBenchServers } from './servers.ts';
import { benchOverDistance } from './over-distance.ts';
import { benchFootprint } from './footprint.ts';
import { benchManyAccounts, MANY_ACCOUNT_OPTIONS, manyAccountSizes } from './many-accounts.ts';
import { compareWithMbsync } from './vs-mbsync.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    'mbsync-messages': { type: 'string', default: '5000' },
    'mbsync-rounds': { type: 'string', default: '5' },
    'size-messages': { type: 'string', default: '200' },
    'distance-messages': { type: 'string', default: '1000' },
    'distance-only': { type: 'boolean', default: false },
    ...MANY_ACCOUNT_OPTIONS,
  },
});
const messages = Number(values.messages);
const mbsyncMessages = Number(values['mbsync-messages']);
const mbsyncRounds = Number(values['mbsync-rounds']);
const sizeMessages = Number(values['size-messages']);
const distanceMessages = Number(values['distance-messages']);
const FAT_MESSAGE_BYTES = 2_000_000;
const servers = await startBenchServers();
const { source, target } = servers;
const work = mkdtempSync(join(tmpdir(), 'mailshift-bench-'));

function summaryOf(planFile: string): PlanSummary {
  return (JSON.parse(readFileSync(planFile, 'utf8')) as { summary: PlanSummary }).summary;
}

/** A seeded source, planned twice into a fresh target (from scratch, then again: the second reuses the first's snapshot cache). */
async function planTwice(shape: MailboxShape) {
  const { account, seeded, seconds } = await seededAccount(source, shape);
  const migration = await benchMigration(work, source, target, account);
  const first = await measureMailshift(migration.planArgs(), migration.env);
  if (first.code !== 0) throw new Error(`plan failed:\n${first.stderr}`);
  const second = await measureMailshift(migration.planArgs(), migration.env);
  return { migration, seeded, seedSeconds: seconds, first, second };
}

try {
  if (values['distance-only']) {
    await benchOverDistance(work, source, target, distanceMessages);
    console.log(`reproduce: npm run bench -- --distance-only --distance-messages ${distanceMessages}`);
  } else if (values['many-accounts-only']) await benchManyAccounts(work, servers, manyAccountSizes(values));
  else await fullBench();
} finally {
  rmSync(work, { recursive: true, force: true });
  await servers.stop();
}

async function fullBench(): Promise<void> {
  benchMarkdownSize();
  console.log(
    `bench: Dovecot pair on 127.0.0.1 (source '/' layout, target '.' layout under INBOX.), fsync on (mail_fsync = optimized, Dovecot's default; a 4 KB write + fdatasync takes ${fsyncMilliseconds(target.dir).toFixed(1)} ms on this disk); seeding ${messages} messages…`,
  );
  const run = await planTwice({ seed: 10, messages });
  console.log(
    `bench seed: ${run.seeded.messages} messages (${formatBytes(run.seeded.bytes)}) in ${run.seeded.folders} folders seeded in ${run.seedSeconds.toFixed(1)} s`,
  );
  console.log(
    `bench plan: ${run.seeded.messages} messages, from scratch: ${run.first.seconds.toFixed(2)} s, peak RSS ${formatBytes(run.first.peakRssBytes)}; again: ${run.second.seconds.toFixed(2)} s, peak RSS ${formatBytes(run.second.peakRssBytes)}`,
  );

  const planned = summaryOf(run.migration.planFile);
  const apply = await measureMailshift(run.migration.applyArgs, run.migration.env);
  if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
  const perSecond = (amount: number) => amount / apply.seconds;
  console.log(
    `bench apply: ${planned.messagesToCopy} messages (${formatBytes(planned.bytesToCopy)}) into a fresh target with fsync on, \`mailshift apply <planfile>\` wall time ${apply.seconds.toFixed(2)} s: ${perSecond(planned.messagesToCopy).toFixed(0)} messages/s, ${(perSecond(planned.bytesToCopy) / 1e6).toFixed(1)} MB/s, peak RSS ${formatBytes(apply.peakRssBytes)}`,
  );
  await benchFootprint(run.migration, planned, { plan: run.first.peakRssBytes, apply: apply.peakRssBytes });

  const baseline = await measureMailshift(['validate', run.migration.manifest], {});
  const replanFile = `${run.migration.planFile}.again`;
  const replan = await measureMailshift(run.migration.planArgs(replanFile), run.migration.env);
  if (replan.code !== 0) throw new Error(`re-plan failed:\n${replan.stderr}`);
  const left = summaryOf(replanFile);
  const changes =
    left.messagesToCopy + left.flagUpdates + left.targetDeletes + left.foldersToCreate + left.foldersToDelete;
  console.log(
    `bench re-plan: after that apply, ${run.seeded.messages} messages on each side: ${replan.seconds.toFixed(2)} s wall time (the target changed: its flags are read again, its copies come from what apply added to the snapshot cache; process start-up alone: ${baseline.seconds.toFixed(2)} s), ${changes === 0 ? 'no changes left' : `${changes} changes left (${left.messagesToCopy} copies)`}, peak RSS ${formatBytes(replan.peakRssBytes)}`,
  );
  const noop = await measureMailshift(run.migration.planArgs(replanFile), run.migration.env);
  if (noop.code !== 0) throw new Error(`re-plan failed:\n${noop.stderr}`);
  console.log(
    `bench re-plan: once more, nothing changed on either side: ${noop.seconds.toFixed(2)} s wall time (target < 1 s; LIST-STATUS on each side, no folder opened), peak RSS ${formatBytes(noop.peakRssBytes)}`,
  );

  await compareWithMbsync(work, servers, mbsyncMessages, mbsyncRounds);

  console.log(
    `bench baseline: mailshift validate (no IMAP): ${baseline.seconds.toFixed(2)} s wall time (process start-up), peak RSS ${formatBytes(baseline.peakRssBytes)}`,
  );
  const small = await planTwice({ uniformSize: 2_000, messages: sizeMessages });
  const fat = await planTwice({ uniformSize: FAT_MESSAGE_BYTES, messages: sizeMessages });
  console.log(
    `bench plan memory vs message size: ${sizeMessages} messages of 2 KB (${formatBytes(small.seeded.bytes)}): peak RSS ${formatBytes(small.first.peakRssBytes)}; ${sizeMessages} messages of ${formatBytes(FAT_MESSAGE_BYTES)} (${formatBytes(fat.seeded.bytes)}): peak RSS ${formatBytes(fat.first.peakRssBytes)}`,
  );
  await benchOverDistance(work, source, target, distanceMessages);
  await benchManyAccounts(work, servers, manyAccountSizes(values));
  console.log(
    `reproduce: npm run bench -- --messages ${messages} --mbsync-messages ${mbsyncMessages} --mbsync-rounds ${mbsyncRounds} --size-messages ${sizeMessages} --distance-messages ${distanceMessages}`,
  );
}
