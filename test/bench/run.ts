// `npm run bench`: mailshift's speed and memory on a generated mailbox between two Dovecot servers
// on loopback. Prints figures (never asserts them: targets are judged by people, not timed tests).
//   npm run bench                       10,000 messages
//   npm run bench -- --messages 2000    a quicker run
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dovecotPair, freshUser } from '../support/servers.ts';
import { seedMailbox } from '../support/seed.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { formatBytes } from '../../src/render/sizes.ts';
import { measureMailshift } from './measure.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '10000' }, 'size-messages': { type: 'string', default: '200' } } });
const messages = Number(values.messages);
const sizeMessages = Number(values['size-messages']);
const FAT_MESSAGE_BYTES = 2_000_000;
const work = mkdtempSync(join(tmpdir(), 'mailshift-bench-'));

function manifestFor(source: DovecotServer, target: DovecotServer, sourceUser: string, targetUser: string): string {
  const file = join(work, `bench-${sourceUser}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'mailshift/v1', name: 'bench',
    defaults: { source: { host: source.host, port: source.ports.plain, tls: 'none' }, target: { host: target.host, port: target.ports.plain, tls: 'none' } },
    accounts: [{ id: 'bench', source: { user: sourceUser, password: { env: 'BENCH_SOURCE_PW' } }, target: { user: targetUser, password: { env: 'BENCH_TARGET_PW' } } }],
    folders: { automap: true },
    phases: [{ name: 'presync', deleteTarget: true, deleteTargetFolders: true }],
  }, null, 2));
  return file;
}

type Spec = { seed: number; messages: number } | { uniformSize: number; messages: number };

async function seededAccount(server: DovecotServer, spec: Spec) {
  const account = await freshUser(server, 'bench');
  const started = Date.now();
  let seeded;
  if ('seed' in spec) {
    seeded = await seedMailbox(server, account, { ...spec, otherDelimiter: '.' });
  } else {
    // Same count, same headers, only the body size differs: what a plan's memory must not follow.
    const content = Array.from({ length: spec.messages }, (_, i) => ({ name: `m${i}`, padding: spec.uniformSize }));
    await fillMailbox(server, account, { INBOX: content });
    seeded = { messages: spec.messages, folders: 1, bytes: spec.messages * spec.uniformSize };
  }
  return { account, seeded, seconds: (Date.now() - started) / 1000 };
}

async function planOnce(source: DovecotServer, target: DovecotServer, spec: Spec) {
  const { account, seeded, seconds } = await seededAccount(source, spec);
  const targetAccount = await freshUser(target, 'bench');
  const manifest = manifestFor(source, target, account.user, targetAccount.user);
  const args = ['plan', manifest, '--phase', 'presync', '--out', join(work, 'bench.plan.json'), '--quiet'];
  const env = { BENCH_SOURCE_PW: account.password, BENCH_TARGET_PW: targetAccount.password };
  const first = await measureMailshift(args, env);
  if (first.code !== 0) throw new Error(`plan failed:\n${first.stderr}`);
  const second = await measureMailshift(args, env);
  return { seeded, seedSeconds: seconds, first, second };
}

const { slash: source, dot: target } = await dovecotPair();
try {
  console.log(`bench: Dovecot pair on 127.0.0.1 (source '/' layout, target '.' layout under INBOX.); seeding ${messages} messages…`);
  const run = await planOnce(source, target, { seed: 10, messages });
  console.log(`bench seed: ${run.seeded.messages} messages (${formatBytes(run.seeded.bytes)}) in ${run.seeded.folders} folders seeded in ${run.seedSeconds.toFixed(1)} s`);
  console.log(`bench plan: ${run.seeded.messages} messages, from scratch: ${run.first.seconds.toFixed(2)} s, peak RSS ${formatBytes(run.first.peakRssBytes)}; again: ${run.second.seconds.toFixed(2)} s, peak RSS ${formatBytes(run.second.peakRssBytes)}`);

  const baseline = await measureMailshift(['validate', manifestFor(source, target, 'nobody', 'nobody')], {});
  console.log(`bench baseline: mailshift validate (no IMAP), peak RSS ${formatBytes(baseline.peakRssBytes)}`);
  const small = await planOnce(source, target, { uniformSize: 2_000, messages: sizeMessages });
  const fat = await planOnce(source, target, { uniformSize: FAT_MESSAGE_BYTES, messages: sizeMessages });
  console.log(`bench plan memory vs message size: ${sizeMessages} messages of 2 KB (${formatBytes(small.seeded.bytes)}): peak RSS ${formatBytes(small.first.peakRssBytes)}; ${sizeMessages} messages of ${formatBytes(FAT_MESSAGE_BYTES)} (${formatBytes(fat.seeded.bytes)}): peak RSS ${formatBytes(fat.first.peakRssBytes)}`);
  console.log(`reproduce: npm run bench -- --messages ${messages} --size-messages ${sizeMessages}`);
} finally {
  rmSync(work, { recursive: true, force: true });
  await Promise.all([source.stop(), target.stop()]);
}
