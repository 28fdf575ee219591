// `npm test`: every test under test/ (unit, integration against real Dovecot, CLI end to end) in
// one uvu run, then the closing line CI reads: "N passed, N failed".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const [dir = 'test', pattern = '\\.test\\.ts$'] = process.argv.slice(2);

const child = spawn(process.execPath, ['--import', 'tsx', uvu, dir, pattern], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
});
let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
});
child.on('close', (code, signal) => {
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? Number.NaN);
  const [total, passed, skipped] = [count('Total'), count('Passed'), count('Skipped')];
  if (Number.isNaN(total)) {
    // uvu died before its summary (a file that does not load, a crash): count that as a failure.
    console.log(`\ntest run ended without a summary (exit ${code ?? signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  // uvu's Total leaves skipped tests out.
  const failed = total - passed;
  if (skipped > 0) console.log(`\n${skipped} skipped`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
