import { setFlagsFromString } from 'node:v8';

// V8 runs warm functions as baseline (Sparkplug) code and compiles the hottest again with its
// optimizing compiler, TurboFan, on a background thread. An apply keeps many functions warm
// (socket framing, APPEND commands, journal, audit, identities), and TurboFan compiles and, after
// deoptimizations, recompiles them: in an apply of 4,575 messages that was ~0.5 of node's ~2.1
// CPU seconds, taken from the servers' CPU where mailshift runs on the mail server's machine (as
// the bench does, and as admins often run migrations). Held back for the first seconds, a short
// apply runs on baseline code and needs ~22 % less CPU; a long one gets optimized code after that,
// when compiling it pays back (a 20,000-message apply without TurboFan at all took as long as with
// it). Node's own flags win: with a tiering flag or --jitless (command line or NODE_OPTIONS) this
// does nothing.

const OWN_CHOICE = /^--(no-)?(turbofan|opt|maglev|sparkplug|jitless)\b|^--max-opt\b/;

/**
 * Turns TurboFan off now and on again after `seconds` (the timer does not keep the process
 * alive). Returns a function that turns it on at once; null when node's flags decided instead.
 */
export function holdBackOptimizingCompiler(
  seconds: number,
  nodeFlags: readonly string[] = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)],
): (() => void) | null {
  if (nodeFlags.some((flag) => OWN_CHOICE.test(flag))) return null;
  setFlagsFromString('--no-turbofan');
  let held = true;
  const release = () => {
    clearTimeout(timer);
    if (!held) return;
    held = false;
    setFlagsFromString('--turbofan');
  };
  const timer = setTimeout(release, seconds * 1000);
  timer.unref();
  return release;
}
