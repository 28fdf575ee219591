import { execFile } from 'node:child_process';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string | null> {
  try {
    return (await run('git', args, { cwd, timeout: 10_000 })).stdout.trim();
  } catch {
    return null;
  }
}

/** The repository's top folder holding `file`, or null outside git (or without git installed). */
export async function repositoryRoot(file: string): Promise<string | null> {
  return git(dirname(file), ['rev-parse', '--show-toplevel']);
}

/** The commit the manifest was read at, and whether it differs from that commit (asked together). */
async function manifestCommit(file: string, root: string): Promise<{ commit: string; dirty: boolean } | null> {
  const [commit, status] = await Promise.all([
    git(root, ['rev-parse', 'HEAD']),
    git(root, ['status', '--porcelain', '--', relative(root, file)]),
  ]);
  if (commit === null) return null;
  return { commit, dirty: status !== null && status !== '' };
}

/**
 * How plans and audits name the manifest, never by an absolute path: relative to the repository's
 * top folder (so it holds in a fresh clone) when the plan (in `base`) is in that repository too,
 * else to `base`; with its commit.
 */
export async function manifestReference(
  file: string,
  base: string,
): Promise<{ path: string; inRepository: boolean; git: { commit: string; dirty: boolean } | null }> {
  const absolute = resolve(file);
  const root = await repositoryRoot(absolute);
  // Relative to the repository only when the plan is in it too: apply finds the root from the plan.
  const fromRoot = root === null ? null : relative(root, resolve(base));
  const inRepository =
    fromRoot !== null && fromRoot !== '..' && !fromRoot.startsWith(`..${sep}`) && !isAbsolute(fromRoot);
  const path = inRepository ? relative(root!, absolute) : relative(resolve(base), absolute);
  return {
    path: path.split('\\').join('/'),
    inRepository,
    git: root === null ? null : await manifestCommit(absolute, root),
  };
}
