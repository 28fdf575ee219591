import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// Each case runs in a node of its own (V8's flags are process-wide), which keeps a hot function
// busy and reports whether TurboFan compiled it: bit 6 of %GetOptimizationStatus in V8 11.
const PROBE = `
import { holdBackOptimizingCompiler } from './src/cli/optimizing-compiler.ts';
const status = new Function('f', 'return %GetOptimizationStatus(f)');
const TURBOFANNED = 1 << 6;
function hot(values) { let sum = 0; for (const value of values) sum += value * 2; return sum; }
const values = Array.from({ length: 1000 }, (_, i) => i);
async function optimizedWithin(ms) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    for (let i = 0; i < 300; i++) hot(values);
    if (status(hot) & TURBOFANNED) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}
const flags = JSON.parse(process.argv[1]);
const report = {};
const release = flags === null ? undefined : holdBackOptimizingCompiler(Number(process.env.HOLD_SECONDS), flags);
report.held = release === undefined ? null : release !== null;
report.before = await optimizedWithin(Number(process.env.WATCH_MS));
if (release) release();
report.after = await optimizedWithin(3000);
console.log(JSON.stringify(report));
`;

function probe(
  flags: string[] | null,
  holdSeconds: number,
  watchMs: number,
): { held: boolean | null; before: boolean; after: boolean } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--allow-natives-syntax', '--input-type=module', '-e', PROBE, JSON.stringify(flags)],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, HOLD_SECONDS: String(holdSeconds), WATCH_MS: String(watchMs) },
    },
  );
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

test('without it, the probe sees TurboFan compile a hot function (so the cases below can fail)', () => {
  assert.equal(probe(null, 0, 3000), { held: null, before: true, after: true });
});

test('held back, a hot function stays baseline code; released, TurboFan compiles it', () => {
  assert.equal(probe([], 60, 1500), { held: true, before: false, after: true });
});

test('the hold ends by itself after its seconds', () => {
  // Released by the timer after 0.3 s, well inside the 3 s the probe watches.
  assert.equal(probe([], 0.3, 3000), { held: true, before: true, after: true });
});

test("node's own tiering flags and --jitless win: nothing is held back", () => {
  for (const flag of ['--max-opt=3', '--turbofan', '--no-opt', '--jitless']) {
    assert.equal(probe([flag], 60, 3000), { held: false, before: true, after: true }, flag);
  }
});

test.run();
