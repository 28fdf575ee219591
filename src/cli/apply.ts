import { createInterface } from 'node:readline/promises';
import { MailshiftError, problem, warning } from '../errors.ts';
import { prepareApply, type FailureReason, type PreparedApply } from '../engine/apply.ts';
import { missingRequirements } from '../engine/load-runbook.ts';
import { phaseOrderProblem } from '../engine/phase-order.ts';
import { shellWord } from '../engine/runbook.ts';
import { makePlan } from '../engine/plan.ts';
import { defaultPlanPath } from '../engine/plan-path.ts';
import { writePlanFile } from '../engine/plan-file.ts';
import { hasChanges } from '../plan/plan-summary.ts';
import { countsLine, runWithProgress } from '../render/apply-progress.ts';
import { renderPlanText } from '../render/plan-text.ts';
import { VERSION } from '../version.ts';
import type { Command, CommandContext } from './command.ts';
import { onStopRequest } from './interrupt.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor, stateOf } from './manifest-input.ts';
import { manifestWithoutPhase } from './manifest-without-phase.ts';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'execute a reviewed plan file (or plan and confirm a phase)',
  usage: `mailshift apply <planfile> [--force]
mailshift apply <manifest> --phase NAME [--auto-approve] [--force]

With a plan file: executes exactly that plan, no prompt (the reviewed plan is the approval). The
plan is refused when its manifest changed since, and a folder whose UIDVALIDITY changed is not
touched. Every finished action is journaled in the state folder, so running the same plan again
after a crash, kill -9 or a dropped connection finishes the work without duplicates, and written
to the audit log (audit/<name>/ next to the manifest).
With a manifest and --phase: plans, prints the plan, and asks for confirmation on a terminal;
without a terminal it refuses unless --auto-approve is given.
Phase order: a phase whose \`requires\` are not all applied (or, for manual phases, gated) in the
audit log is refused, naming what is missing and the command to run first.
  --concurrency N   accounts at once (default 4)
  --force           apply although a required phase is not done, or deletions on the target the
                    cutover rule forbids (the plan must have been made with plan --force); the
                    audit log records it as forced
Ctrl-C or SIGTERM: nothing new starts, the batches in flight finish (about 4 s at most) and are
recorded, the audit is sealed as interrupted and the resume command printed; a second one exits
at once (the next apply of the plan still copies nothing twice).
Exit code: 0 when every action succeeded, 1 when any failed, 130 when interrupted.`,
  options: { phase: { type: 'string' }, 'auto-approve': { type: 'boolean' }, concurrency: { type: 'string' }, force: { type: 'boolean' } },
  async run(context) {
    const { positionals, values } = context;
    if (positionals.length !== 1) throw new MailshiftError(problem('USAGE', 'apply takes one plan file (or one manifest with --phase)', 'mailshift apply plans/acme.presync.plan.json'));
    const concurrency = Number(values.concurrency ?? 4);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new MailshiftError(problem('USAGE', `--concurrency ${values.concurrency} is not a positive whole number`));
    if (typeof values.phase !== 'string') {
      const misuse = await manifestWithoutPhase(positionals[0]!, { strings: context.options.extStrings, code: context.options.extCode });
      if (misuse) throw misuse;
    }
    const planFile = typeof values.phase === 'string' ? await planForApproval(context, values.phase) : positionals[0]!;
    if (planFile === null) return 0;
    return applyPlanFile(context, planFile, concurrency);
  },
};

async function applyPlanFile({ values, options, io }: CommandContext, planFile: string, concurrency: number): Promise<number> {
  // The first Ctrl-C / SIGTERM winds the apply down (a second exits at once: interrupt.ts). One
  // that comes while the apply starts up (the checks may read the servers) lets it start nothing.
  let prepared: PreparedApply | undefined;
  let stopRequested = false;
  const unregister = onStopRequest(() => {
    stopRequested = true;
    prepared?.interrupt();
    const what = prepared ? 'the batches in flight finish and are recorded; nothing new starts' : 'once its checks are done, the apply starts nothing';
    if (!options.quiet) io.stderr(`Stopping: ${what} (Ctrl-C again to exit at once).\n`);
  });
  try {
    prepared = await prepareApply({
      planFile, variables: { strings: options.extStrings, code: options.extCode }, env: io.env, verbose: options.verbose, stateDir: options.stateDir, tool: `mailshift ${VERSION}`,
      force: Boolean(values.force), concurrency,
    });
  } catch (error) {
    unregister();
    throw error;
  }
  if (stopRequested) prepared.interrupt();
  try {
    return await runPrepared(prepared, { options, io }, planFile, concurrency);
  } finally {
    unregister();
    await prepared.finish('failed');
  }
}

/** Runs the accounts, seals the audit, prints the summary (and how to resume); the exit code. */
async function runPrepared(prepared: PreparedApply, { options, io }: Pick<CommandContext, 'options' | 'io'>, planFile: string, concurrency: number): Promise<number> {
  if (prepared.unmetRequires.length > 0) {
    reportDiagnostics(io, options, [warning('PHASE_ORDER', `--force: applying phase "${prepared.plan.phase}" although ${prepared.unmetRequires.join(', ')} ${prepared.unmetRequires.length === 1 ? 'is' : 'are'} not done`, `the audit log records this apply as forced (${prepared.auditFile})`)]);
  }
  if (prepared.cutoverOverride > 0) {
    const n = prepared.cutoverOverride;
    reportDiagnostics(io, options, [warning('CUTOVER', `--force: ${n} target ${n === 1 ? 'deletion' : 'deletions'} of mail mailshift did not copy there, although a manual gate is recorded: mail delivered to the new server will be deleted`, `the audit log records this apply as forced (${prepared.auditFile})`)]);
  }
  const started = Date.now();
  if (!options.quiet) io.stderr(`Applying ${planFile}: phase ${prepared.plan.phase}, ${prepared.units.length} account(s); audit log ${prepared.auditFile}\n`);
  const results = await runWithProgress(prepared.units, { tty: io.isTTY, quiet: options.quiet, concurrency });
  // An account with failed actions still has its counts here; an Error means the account itself could not run.
  const errors = [...results.entries()].filter(([, r]) => r instanceof Error);
  for (const [id, error] of errors) {
    const diagnostics = error instanceof MailshiftError ? error.diagnostics : [problem('INTERNAL', (error as Error).message)];
    for (const d of diagnostics) io.stderr(`error: account ${id}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}\n`);
  }
  const failedActions = [...results.values()].reduce((sum, r) => sum + (r instanceof Error ? 0 : r.failed), 0);
  const result = prepared.interrupted ? 'interrupted' : errors.length > 0 || failedActions > 0 ? 'failed' : 'ok';
  // Sealed only now: every copy that reached the target is journaled and audited by this point.
  const totals = await prepared.finish(result);
  io.stdout(`Apply ${ENDINGS[result]}: ${countsLine(totals, (Date.now() - started) / 1000)}.\n`);
  if (failedActions > 0 || errors.length > 0) {
    io.stdout(failureLines(prepared.failureReasons()));
    io.stdout(`Failed actions are listed in ${prepared.auditFile} (mailshift audit). Running the same plan again retries them.\n`);
  }
  if (result === 'interrupted') io.stdout(`Resume with: mailshift apply ${shellWord(planFile)}\n`);
  return EXIT_CODES[result];
}

const ENDINGS = { ok: 'complete', failed: 'finished with failures', interrupted: 'interrupted' } as const;
const EXIT_CODES = { ok: 0, failed: 1, interrupted: 130 } as const;

/** The distinct reasons actions failed, most frequent first, at most five (the audit log has every one). */
function failureLines(reasons: FailureReason[]): string {
  const shown = reasons.slice(0, 5).map((r) => `  account ${r.account}: ${r.actions} ${r.actions === 1 ? 'action' : 'actions'} failed: ${r.reason}\n`);
  const more = reasons.length > 5 ? `  … and ${reasons.length - 5} more reasons\n` : '';
  return shown.join('') + more;
}

/** apply <manifest> --phase: plan now, show it, and get a yes (or --auto-approve). Null when there is nothing to do. */
async function planForApproval({ positionals, values, options, io }: CommandContext, phase: string): Promise<string | null> {
  const manifest = await loadManifestFor('apply', positionals, options, io);
  // Refuse before reading the servers and asking; prepareApply checks again under the lock.
  const missing = manifest.settings.phases.some((p) => p.name === phase && p.kind === 'sync') ? await missingRequirements(manifest, phase) : [];
  if (missing.length > 0 && !values.force) throw new MailshiftError(phaseOrderProblem(`apply phase "${phase}"`, missing, manifest.file));
  const planPath = defaultPlanPath(manifest.file, manifest.settings.name, phase);
  const { plan, diagnostics } = await makePlan({ manifest, phase, accountIds: [], planPath, now: new Date(), env: io.env, verbose: options.verbose, tool: `mailshift ${VERSION}`, concurrency: 4, state: stateOf(manifest, options), force: Boolean(values.force) });
  if (!plan) throw new MailshiftError(diagnostics);
  await writePlanFile(planPath, plan);
  io.stdout(renderPlanText(plan, { palette: { color: options.color }, verbose: options.verbose }));
  if (!hasChanges(plan.accounts)) {
    io.stdout('Nothing to do.\n');
    return null;
  }
  if (values['auto-approve']) return planPath;
  if (!io.isTTY) throw new MailshiftError(problem('USAGE', 'refusing to apply without confirmation: not on a terminal', `review ${planPath}, then run mailshift apply ${planPath} (or add --auto-approve)`));
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`\nApply this plan to the servers? Only 'yes' is accepted: `);
  prompt.close();
  if (answer.trim() !== 'yes') {
    io.stdout('Apply cancelled.\n');
    return null;
  }
  return planPath;
}
