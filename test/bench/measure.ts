// Run the mailshift CLI as a child process and measure it: wall time and peak RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMailshift } from '../support/cli.ts';

const REPORTER = fileURLToPath(new URL('./report-max-rss.mjs', import.meta.url));

export interface Measurement {
  code: number | null;
  seconds: number;
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

/** `mailshift ...args` with its peak RSS reported by a preloaded module. */
export async function measureMailshift(args: string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'mailshift-bench-rss-'));
  const rssFile = join(dir, 'rss');
  const started = process.hrtime.bigint();
  const result = await runMailshift(args, { env: { ...env, MAILSHIFT_BENCH_RSS_FILE: rssFile }, nodeArgs: ['--import', REPORTER] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { ...result, seconds, peakRssBytes };
}
