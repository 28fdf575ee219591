import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';

// Apart from engine/plan.ts, so that status and gate find plan files without loading the IMAP layer.
/** Default plan location: plans/<name>.<phase>.plan.json next to the manifest. */
export function defaultPlanPath(manifestFile: string, name: string, phase: string): string {
  return join(dirname(manifestFile), 'plans', `${name}.${phase}.plan.json`);
}

/**
 * Where a plan of some accounts only goes by default: next to the full plan, never over it
 * (plans/<name>.<phase>.<ids>.plan.json, or a digest of the ids when there are more than three).
 */
export function accountsPlanPath(manifestFile: string, name: string, phase: string, ids: readonly string[]): string {
  const sorted = [...ids].sort();
  const named =
    sorted.length <= 3
      ? sorted.map(fileSafe).join('+')
      : `${sorted.length}-accounts-${createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 8)}`;
  return join(dirname(manifestFile), 'plans', `${name}.${phase}.${named}.plan.json`);
}

/** An account id as part of a file name: what a file name cannot hold (a slash, say) becomes '_'. */
function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9@._-]/g, '_');
}
