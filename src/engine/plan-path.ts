import { dirname, join } from 'node:path';

// Apart from engine/plan.ts, so that status and gate find plan files without loading the IMAP layer.
/** Default plan location: plans/<name>.<phase>.plan.json next to the manifest. */
export function defaultPlanPath(manifestFile: string, name: string, phase: string): string {
  return join(dirname(manifestFile), 'plans', `${name}.${phase}.plan.json`);
}
