// `npm run build`, and `prepare` so `npm ci` runs it. dist/ is what the installed command runs
// (src/bin.js, while the build is fresh: src/build-freshness.js):
//   1. tsc compiles src/ (into a scratch folder);
//   2. the manifest schema's validator is generated as code (build/validator-module.ts);
//   3. esbuild bundles the CLI and its dependencies into dist/main.js and one chunk per lazily
//      loaded command: Node then reads a few files instead of some 400 modules (~0.2 s a start);
//   4. the stamp, dated when the build began, so a source edited meanwhile counts as newer.
// It builds beside dist/ and swaps the result in, so a run reading dist/ meanwhile never sees half
// a build. Without TypeScript or esbuild (an install that left out devDependencies) there is
// nothing to build: mailshift runs its sources through tsx, only slower to start.
import { spawnSync } from 'node:child_process';
import { copyFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP } from '../build-freshness.js';
import { lazyDependencies } from './lazy-dependencies.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const startedAt = new Date();
const building = join(root, `dist.building-${process.pid}`);
const compiled = join(building, 'compiled');
const replaced = join(root, `dist.replaced-${process.pid}`);

const require = createRequire(import.meta.url);
let tsc;
let esbuild;
try {
  tsc = require.resolve('typescript/bin/tsc');
  esbuild = await import('esbuild');
} catch {
  console.log(
    'mailshift build: TypeScript or esbuild is not installed (devDependencies left out); mailshift will run its sources through tsx',
  );
  process.exit(0);
}

run([tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', compiled]);
run([join(compiled, 'build', 'validator-module.js')]);
try {
  await esbuild.build({
    entryPoints: [join(compiled, 'cli', 'main.js')],
    outdir: building,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // A native addon: loaded from node_modules as it is.
    external: ['@hanazuki/node-jsonnet'],
    plugins: [lazyDependencies],
    // The CommonJS dependencies bundled in call require() for Node's own modules.
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
    },
    logLevel: 'warning',
  });
} catch {
  fail(1);
}
// Loaded by the bundled schema-validator from beside it.
copyFileSync(join(compiled, 'manifest', 'manifest-validator.js'), join(building, 'manifest-validator.js'));
rmSync(compiled, { recursive: true, force: true });
const stamp = join(building, BUILD_STAMP);
writeFileSync(
  stamp,
  'Written by `npm run build`. src/bin.js runs dist/ while nothing under src/ or schemas/ is newer than this file.\n',
);
utimesSync(stamp, startedAt, startedAt);

swapIn(building, join(root, 'dist'));

/** Runs node with args; a failure ends the build. */
function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) fail(result.status ?? 1);
}

/** Ends the build, leaving no half-built folder behind. */
function fail(status) {
  rmSync(building, { recursive: true, force: true });
  process.exit(status);
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
