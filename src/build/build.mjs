// `npm run build`, and `prepare` so `npm ci` runs it: src/ → dist/ with tsc, the assets read next
// to their module, the manifest validator as code (build/validator-module.ts), then the stamp
// src/bin.js checks (see src/build-freshness.js). It builds into a folder beside dist/ and swaps it
// in, so a mailshift or test run reading dist/ meanwhile never sees it half-written. Without
// TypeScript (an install that left out devDependencies) there is nothing to build: mailshift runs
// its sources through tsx, only slower to start.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP } from '../build-freshness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ASSETS = ['manifest/mailshift.libsonnet', 'init/example.jsonnet'];
// Dated at the start, so a source edited while tsc runs counts as newer than the build.
const startedAt = new Date();
const building = join(root, `dist.building-${process.pid}`);
const replaced = join(root, `dist.replaced-${process.pid}`);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.log('mailshift build: TypeScript is not installed (devDependencies left out); mailshift will run its sources through tsx');
  process.exit(0);
}
run([tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', building]);
for (const asset of ASSETS) {
  mkdirSync(dirname(join(building, asset)), { recursive: true });
  copyFileSync(join(root, 'src', asset), join(building, asset));
}
run([join(building, 'build', 'validator-module.js')]);
const stamp = join(building, BUILD_STAMP);
writeFileSync(stamp, 'Written by `npm run build`. src/bin.js runs dist/ while nothing under src/ is newer than this file.\n');
utimesSync(stamp, startedAt, startedAt);

swapIn(building, join(root, 'dist'));

/** Runs node with args; a failure ends the build, leaving no half-built folder behind. */
function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status === 0) return;
  rmSync(building, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

/** Replace `target` by `next`; when a concurrent build swapped in first, keep its result. */
function swapIn(next, target) {
  try {
    renameSync(target, replaced);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(next, target);
  } catch (error) {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(replaced, { recursive: true, force: true });
}
