import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { defaultPlanPath } from '../engine/plan-path.ts';
import { shellWord } from '../engine/runbook.ts';
import type { ExternalVariables } from '../manifest/jsonnet.ts';
import { readManifest } from '../manifest/read.ts';

/**
 * `apply FILE` without --phase where FILE is a manifest, not a plan: the usage error that says so
 * and names the phases to pick from. Undefined when FILE is (or may be) a plan file.
 */
export async function manifestWithoutPhase(
  file: string,
  variables: ExternalVariables,
): Promise<MailshiftError | undefined> {
  if (!(await looksLikeManifest(file))) return undefined;
  const message = `${file} is a manifest, not a plan file: applying a manifest needs --phase`;
  const { manifest } = await readManifest(file, variables);
  const command = `mailshift apply ${shellWord(file)}`;
  if (!manifest) {
    return new MailshiftError(
      problem(
        'USAGE',
        message,
        `did you mean \`${command} --phase NAME\`? Its phases could not be read: \`mailshift validate ${shellWord(file)}\` says why`,
      ),
    );
  }
  const sync = manifest.phases.filter((phase) => phase.manual === undefined).map((phase) => phase.name);
  const gates = manifest.phases.filter((phase) => phase.manual !== undefined).map((phase) => phase.name);
  const gateNote =
    gates.length > 0
      ? ` (${gates.join(', ')} ${gates.length === 1 ? 'is a manual gate' : 'are manual gates'}: record ${gates.length === 1 ? 'it' : 'them'} with \`mailshift gate\`)`
      : '';
  const first = sync[0];
  if (first === undefined) {
    return new MailshiftError(
      problem('USAGE', message, `this manifest has no sync phase to apply, only manual gates${gateNote}`),
    );
  }
  const plan = defaultPlanPath(file, manifest.name, first);
  return new MailshiftError(
    problem(
      'USAGE',
      message,
      `did you mean \`${command} --phase ${first}\`? Its phases: ${sync.join(', ')}${gateNote}. A reviewed plan applies as \`mailshift apply ${shellWord(plan)}\``,
    ),
  );
}

/** Jsonnet by its name; JSON by its content: an object with `apiVersion` and no plan `format`. */
async function looksLikeManifest(file: string): Promise<boolean> {
  if (['.jsonnet', '.libsonnet'].includes(extname(file).toLowerCase())) return true;
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
    return typeof value === 'object' && value !== null && 'apiVersion' in value && !('format' in value);
  } catch {
    return false;
  }
}
