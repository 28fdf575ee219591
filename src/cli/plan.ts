import { MailshiftError, problem } from '../errors.ts';
import { makePlan } from '../engine/plan.ts';
import { accountsPlanPath, defaultPlanPath } from '../engine/plan-path.ts';
import { writePlanFile } from '../engine/plan-file.ts';
import { missingRequirements } from '../engine/load-runbook.ts';
import { phaseOrderNotice } from '../engine/phase-order.ts';
import { hasChanges } from '../plan/plan-summary.ts';
import { ACCOUNT_OPTIONS, ACCOUNT_USAGE, chosenAccountIds } from './account-options.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor, stateOf } from './manifest-input.ts';
import { MARKDOWN_OPTIONS, MARKDOWN_USAGE, markdownView, planFormat, renderPlan } from './plan-format.ts';
import { VERSION } from '../version.ts';
import { throttledReadNote } from '../render/throttled-read.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'snapshot both servers (read-only) and write the plan file for a phase',
  usage: `mailshift plan <manifest> --phase NAME [--account ID]... [--exclude-account ID]... [--accounts-from FILE] [--out FILE] [--format text|markdown|json [--full | --max-chars N]] [--detailed-exitcode] [--force]

Reads both sides of every account read-only (EXAMINE, BODY.PEEK), computes what the phase would
do, writes the plan (default: plans/<name>.<phase>.plan.json next to the manifest; a plan of some
accounts only goes next to it, plans/<name>.<phase>.<ids>.plan.json) and prints it. An account
that cannot be read is left out and listed in the plan (accountsFailed); the exit code is then 1.
  --phase NAME          the sync phase to plan (required)
${ACCOUNT_USAGE}
  --out FILE            where to write the plan file
  --format FORMAT       how to print it: text (default), markdown (a PR comment), json
${MARKDOWN_USAGE}
  --concurrency N       accounts read at once (default 4)
  --detailed-exitcode   exit 0 when there is nothing to do, 2 when there are changes, 1 on error
  --force               after a manual gate, also plan the target deletions the cutover rule keeps
                        (mail mailshift did not copy there); apply then needs --force too`,
  options: {
    phase: { type: 'string' },
    ...ACCOUNT_OPTIONS,
    out: { type: 'string' },
    format: { type: 'string' },
    ...MARKDOWN_OPTIONS,
    concurrency: { type: 'string' },
    'detailed-exitcode': { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run({ positionals, values, options, io }) {
    const format = planFormat(values.format);
    const markdown = markdownView(values, format);
    if (typeof values.phase !== 'string')
      throw new MailshiftError(
        problem('USAGE', 'plan needs --phase NAME', 'e.g. mailshift plan migrations/acme.jsonnet --phase presync'),
      );
    const concurrency = Number(values.concurrency ?? 4);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new MailshiftError(problem('USAGE', `--concurrency ${values.concurrency} is not a positive whole number`));
    const manifest = await loadManifestFor('plan', positionals, options, io);
    const accountIds = await chosenAccountIds(values, manifest.settings);
    const planPath =
      (values.out as string | undefined) ??
      (accountIds.length > 0
        ? accountsPlanPath(manifest.file, manifest.settings.name, values.phase, accountIds)
        : defaultPlanPath(manifest.file, manifest.settings.name, values.phase));
    const { plan, diagnostics } = await makePlan({
      manifest,
      phase: values.phase,
      accountIds,
      planPath,
      now: new Date(),
      env: io.env,
      verbose: options.verbose,
      trace: options.trace,
      tool: `mailshift ${VERSION}`,
      concurrency,
      state: stateOf(manifest, options),
      force: Boolean(values.force),
      onThrottled: (read) => {
        if (!options.quiet) io.stderr(throttledReadNote(read));
      },
    });
    if (!plan) throw new MailshiftError(diagnostics);
    await writePlanFile(planPath, plan);
    if (!options.quiet || format !== 'text') io.stdout(renderPlan(plan, format, options, { ...markdown, planPath }));
    if (!options.quiet) io.stderr(`Plan written to ${planPath}. After review, run: mailshift apply ${planPath}\n`);
    const missing = await missingRequirements(manifest, plan.phase);
    if (missing.length > 0) reportDiagnostics(io, options, [phaseOrderNotice(plan.phase, missing, manifest.file)]);
    // The accounts left out, each with what went wrong; the plan of the others is written all the same.
    reportDiagnostics(io, options, diagnostics);
    if (diagnostics.length > 0) return 1;
    return values['detailed-exitcode'] ? (hasChanges(plan.accounts) ? 2 : 0) : 0;
  },
};
