import { isAbsolute, relative, resolve } from 'node:path';
import { readAuditOutcomes, type AuditOutcome } from '../audit/outcomes.ts';
import { auditDirFor } from '../audit/writer.ts';
import type { Settings } from '../manifest/settings.ts';
import { readPlanHeader } from './plan-header.ts';
import { defaultPlanPath } from './plan-path.ts';
import { buildRunbook, unmetRequirements, type Runbook, type RunbookPhase } from './runbook.ts';

export interface RunbookManifest {
  file: string;
  sha256: string;
  settings: Settings;
}

/**
 * A manifest's runbook from what sits next to it: the audit log (committed, so a colleague's
 * clone or a CI runner sees the same history) and each sync phase's default plan file. No
 * network, no secrets. `shownAs` is how commands in it name the manifest; `log` is the audit log
 * when the caller has read it already.
 */
export async function loadRunbook(
  manifest: RunbookManifest,
  shownAs: string = manifest.file,
  log?: AuditOutcome[],
): Promise<Runbook> {
  const { name, phases } = manifest.settings;
  log ??= await readAuditOutcomes(auditDirFor(manifest.file, name));
  const plans = new Map(
    await Promise.all(
      phases
        .filter((phase) => phase.kind === 'sync')
        .map(
          async (phase) =>
            [
              phase.name,
              {
                path: defaultPlanPath(shownAs, name, phase.name),
                read: await readPlanHeader(defaultPlanPath(manifest.file, name, phase.name)),
              },
            ] as const,
        ),
    ),
  );
  return buildRunbook({ name, manifest: { path: shownAs, sha256: manifest.sha256 }, phases, log, plans });
}

/** A path as the user would type it from here: relative to the working folder when below it, else absolute. */
export function shownPath(file: string): string {
  const below = relative(process.cwd(), file);
  return below === '' || below.startsWith('..') || isAbsolute(below) ? resolve(file) : below;
}

/** The phases `phase` requires that the audit log does not show as done, with the step that would do each. */
export async function missingRequirements(
  manifest: RunbookManifest,
  phase: string,
  shownAs: string = manifest.file,
  log?: AuditOutcome[],
): Promise<RunbookPhase[]> {
  return unmetRequirements(await loadRunbook(manifest, shownAs, log), phase);
}
