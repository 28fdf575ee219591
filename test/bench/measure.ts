// Run the mailshift CLI as a child process and measure it: wall time and peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, REPO } from '../support/cli.ts';

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
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', REPORTER, BIN, ...args], {
      cwd: REPO, env: { ...process.env, ...env, NO_COLOR: '1', MAILSHIFT_BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { ...result, seconds, peakRssBytes };
}
