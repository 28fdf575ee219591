// Run the mailshift CLI as a child process and measure it: wall time and peak RSS.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  try {
    const started = process.hrtime.bigint();
    const result = await runMailshift(args, {
      env: { ...env, MAILSHIFT_BENCH_RSS_FILE: rssFile },
      nodeArgs: ['--import', REPORTER],
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // A process that died before its exit hook reports no figure: NaN, and its output says why.
    const peakRssBytes = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN;
    return { ...result, seconds, peakRssBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
