// Plain JavaScript, not TypeScript: src/bin.js calls this before it knows whether tsx is needed.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The file `npm run build` writes into dist/ last, dated when the build started. */
export const BUILD_STAMP = '.built';

/**
 * Whether dist/ was built from the sources as they are now: the stamp exists and nothing under
 * the source folders (src/, and schemas/: the build turns the schema into code) is newer. Folders
 * count too, so a deleted or renamed source file also makes the build stale.
 * @param {string} distDir
 * @param {string[]} sourceDirs
 * @returns {boolean}
 */
export function isBuildFresh(distDir, sourceDirs) {
  const stamp = statSync(join(distDir, BUILD_STAMP), { throwIfNoEntry: false });
  return stamp !== undefined && !sourceDirs.some((dir) => changedSince(dir, stamp.mtimeMs));
}

// A hand-written walk: about twice as fast on a cold start as readdirSync's `recursive` option,
// and it stops at the first change.
/**
 * @param {string} path
 * @param {number} time
 * @returns {boolean}
 */
function changedSince(path, time) {
  const stats = statSync(path, { throwIfNoEntry: false });
  // Gone since its folder was listed: a change in progress.
  if (!stats || stats.mtimeMs > time) return true;
  return stats.isDirectory() && readdirSync(path).some((name) => changedSince(join(path, name), time));
}
