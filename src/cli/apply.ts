import { MailshiftError, problem, warning } from '../errors.ts';
import { prepareApply, type FailureReason, type PreparedApply } from '../engine/apply.ts';
import { missingRequirements } from '../engine/load-runbook.ts';
import { phaseOrderProblem } from '../engine/phase-order.ts';
import { shellWord } from '../engine/runbook.ts';
import { makePlan } from '../engine/plan.ts';
import { accountsPlanPath, defaultPlanPath } from '../engine/plan-path.ts';
import { writePlanFile } from '../engine/plan-file.ts';
import { leftOutIds, namedAccounts } from '../plan/account-names.ts';
import { hasChanges } from '../plan/plan-summary.ts';
import { accountOptions } from '../render/replan-accounts.ts';
import type { ApplyListener } from '../engine/apply-events.ts';
import { runAccounts, type AccountFailure } from '../engine/run-accounts.ts';
import { countsLine, throttleLine, pauseLine, jsonApplyView, listrApplyView } from '../render/apply-progress.ts';
import { approvalOf } from '../render/plan-approval.ts';
import { renderPlanText } from '../render/plan-text.ts';
import { VERSION } from '../version.ts';
import { ACCOUNT_OPTIONS, ACCOUNT_USAGE, chosenAccountIds } from './account-options.ts';
import type { Command, CommandContext } from './command.ts';
import { askAtTerminal } from './confirm.ts';
import { onStopRequest } from './interrupt.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor, stateOf } from './manifest-input.ts';
import { manifestWithoutPhase } from './manifest-without-phase.ts';
import { throttledReadNote } from '../render/throttled-read.ts';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'execute a reviewed plan file (or plan and confirm a phase)',
  usage: `mailshift apply <planfile> [--force]
mailshift apply <manifest> --phase NAME [--account ID]... [--exclude-account ID]... [--accounts-from FILE] [--auto-approve] [--force]

With a plan file: executes exactly that plan, no prompt (the reviewed plan is the approval). The
plan is refused when its manifest changed since, and a folder whose UIDVALIDITY changed is not
touched. Every finished action is journaled in the state folder, so running the same plan again
after a crash, kill -9 or a dropped connection finishes the work without duplicates, and written
to the audit log (audit/<name>/ next to the manifest).
With a manifest and --phase: plans, prints the plan, and asks for confirmation on a terminal;
without a terminal it refuses unless --auto-approve is given. A copy-only plan is confirmed with
\`yes\`; one that deletes first says how many messages it deletes on each side, and is confirmed
with \`delete\` or that number. Any other answer cancels (exit 1), Ctrl-C too (exit 130). The plan
file (plans/<name>.<phase>.plan.json) is written only once the plan is confirmed: cancelling
leaves an earlier plan file there as it was. The account options choose what is planned (a plan
file is applied whole, as reviewed).
A plan that left out accounts it could not read (accountsFailed) is applied to the others; the
exit code is then 1, so that CI notices the accounts still to do.
Phase order: a phase whose \`requires\` are not all applied (or, for manual phases, gated) in the
audit log is refused, naming what is missing and the command to run first.
  --concurrency N   accounts at once (default 4)
  --format FORMAT   text (default: listr2 task output) or json (one event per line on stdout,
                    the summary on stderr; the README lists the events)
  --force           apply although a required phase is not done, or deletions on the target the
                    cutover rule forbids (the plan must have been made with plan --force); the
                    audit log records it as forced
Ctrl-C or SIGTERM: nothing new starts, the batches in flight finish (about 4 s at most) and are
recorded, the audit is sealed as interrupted and the resume command printed; a second one exits
at once (the next apply of the plan still copies nothing twice).
${ACCOUNT_USAGE}
Exit code: 0 when every action succeeded, 1 when any failed or a daily byte budget
(maxBytesPerDay) paused an account (the summary says which; apply the plan again later), 130 when
interrupted.`,
  options: {
    phase: { type: 'string' },
    'auto-approve': { type: 'boolean' },
    concurrency: { type: 'string' },
    format: { type: 'string' },
    force: { type: 'boolean' },
    ...ACCOUNT_OPTIONS,
  },
  async run(context) {
    const { positionals, values } = context;
    if (positionals.length !== 1)
      throw new MailshiftError(
        problem(
          'USAGE',
          'apply takes one plan file (or one manifest with --phase)',
          'mailshift apply plans/acme.presync.plan.json',
        ),
      );
    const concurrency = Number(values.concurrency ?? 4);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new MailshiftError(problem('USAGE', `--concurrency ${values.concurrency} is not a positive whole number`));
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new MailshiftError(
        problem(
          'USAGE',
          `--format ${String(format)} is not one of text, json`,
          'mailshift apply <planfile> --format json',
        ),
      );
    const choosing = ['account', 'accounts-from', 'exclude-account'].find((option) => values[option] !== undefined);
    if (typeof values.phase !== 'string') {
      const file = positionals[0]!;
      // A manifest given without --phase is the likelier mistake: said first, and looked for only
      // when the file is no plan (parsing a big plan twice would slow every apply).
      const misuse = () =>
        manifestWithoutPhase(file, { strings: context.options.extStrings, code: context.options.extCode });
      if (choosing) {
        throw (
          (await misuse()) ??
          new MailshiftError(
            problem(
              'USAGE',
              `--${choosing} chooses the accounts to plan, and a plan file is applied whole, as it was reviewed`,
              `make a plan of those accounts and apply it: mailshift plan <manifest> --phase NAME --${choosing} …, or apply <manifest> --phase NAME --${choosing} …`,
            ),
          )
        );
      }
      try {
        return await applyPlanFile(context, file, concurrency);
      } catch (error) {
        if (error instanceof MailshiftError && error.diagnostics[0]?.code === 'PLAN_READ')
          throw (await misuse()) ?? error;
        throw error;
      }
    }
    const approved = await planForApproval(context, values.phase);
    return 'exit' in approved ? approved.exit : applyPlanFile(context, approved.planFile, concurrency);
  },
};

async function applyPlanFile(
  { values, options, io }: CommandContext,
  planFile: string,
  concurrency: number,
): Promise<number> {
  // The first Ctrl-C / SIGTERM winds the apply down (a second exits at once: interrupt.ts). One
  // that comes while the apply starts up (the checks may read the servers) lets it start nothing.
  let prepared: PreparedApply | undefined;
  let stopRequested = false;
  const listening: { listen?: ApplyListener } = {};
  const unregister = onStopRequest(() => {
    stopRequested = true;
    prepared?.interrupt();
    listening.listen?.({ type: 'interrupted' });
    const what = prepared
      ? 'the batches in flight finish and are recorded; nothing new starts'
      : 'once its checks are done, the apply starts nothing';
    if (!options.quiet) io.stderr(`Stopping: ${what} (Ctrl-C again to exit at once).\n`);
  });
  try {
    prepared = await prepareApply({
      planFile,
      variables: { strings: options.extStrings, code: options.extCode },
      env: io.env,
      verbose: options.verbose,
      trace: options.trace,
      stateDir: options.stateDir,
      tool: `mailshift ${VERSION}`,
      force: Boolean(values.force),
      concurrency,
    });
  } catch (error) {
    unregister();
    throw error;
  }
  if (stopRequested) prepared.interrupt();
  try {
    return await runPrepared(
      prepared,
      { options, io },
      { planFile, concurrency, json: values.format === 'json', listening },
    );
  } finally {
    unregister();
    await prepared.finish('failed');
  }
}

/** Runs the accounts, seals the audit, prints the summary (and how to resume); the exit code. */
async function runPrepared(
  prepared: PreparedApply,
  { options, io }: Pick<CommandContext, 'options' | 'io'>,
  run: { planFile: string; concurrency: number; json: boolean; listening: { listen?: ApplyListener } },
): Promise<number> {
  const { planFile, json } = run;
  // With --format json stdout holds the events alone; what people read goes to stderr.
  const say = json ? io.stderr : io.stdout;
  if (prepared.unmetRequires.length > 0) {
    reportDiagnostics(io, options, [
      warning(
        'PHASE_ORDER',
        `--force: applying phase "${prepared.plan.phase}" although ${prepared.unmetRequires.join(', ')} ${prepared.unmetRequires.length === 1 ? 'is' : 'are'} not done`,
        `the audit log records this apply as forced (${prepared.auditFile})`,
      ),
    ]);
  }
  if (prepared.cutoverOverride > 0) {
    const n = prepared.cutoverOverride;
    reportDiagnostics(io, options, [
      warning(
        'CUTOVER',
        `--force: ${n} target ${n === 1 ? 'deletion' : 'deletions'} of mail mailshift did not copy there, although a manual gate is recorded: mail delivered to the new server will be deleted`,
        `the audit log records this apply as forced (${prepared.auditFile})`,
      ),
    ]);
  }
  const leftOut = leftOutIds(prepared.plan.accountsFailed);
  const started = Date.now();
  if (!options.quiet)
    io.stderr(
      `Applying ${planFile}: phase ${prepared.plan.phase}, ${prepared.units.length} account(s); audit log ${prepared.auditFile}\n`,
    );
  const view = json
    ? jsonApplyView(io.stdout)
    : listrApplyView(prepared.units, { tty: io.isTTY, quiet: options.quiet });
  run.listening.listen = view.listen;
  view.listen({
    type: 'apply_started',
    plan: planFile,
    phase: prepared.plan.phase,
    applyId: prepared.applyId,
    auditFile: prepared.auditFile,
    accounts: prepared.units.map((unit) => unit.id),
  });
  const results = await runAccounts(prepared.units, run.concurrency, view.listen);
  await view.done();
  // An account with failed actions still has its counts here; diagnostics mean the account itself could not run.
  const errors = [...results.entries()].filter(([, r]) => 'diagnostics' in r);
  for (const [id, failure] of errors) {
    for (const d of (failure as AccountFailure).diagnostics)
      io.stderr(`error: account ${id}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}\n`);
  }
  const failedActions = [...results.values()].reduce((sum, r) => sum + ('diagnostics' in r ? 0 : r.failed), 0);
  const pauses = prepared.pauses();
  const result = prepared.interrupted
    ? 'interrupted'
    : errors.length > 0 || failedActions > 0
      ? 'failed'
      : pauses.length > 0
        ? 'paused'
        : 'ok';
  // Sealed only now: every copy that reached the target is journaled and audited by this point.
  const totals = await prepared.finish(result);
  view.listen({ type: 'apply_finished', result, counts: { ...totals }, auditFile: prepared.auditFile });
  delete run.listening.listen;
  say(`Apply ${ENDINGS[result]}: ${countsLine(totals, (Date.now() - started) / 1000)}.\n`);
  const throttling = prepared.throttling();
  if (throttling.episodes > 0)
    say(`Servers asked to slow down: ${throttleLine(throttling)} (each episode is in ${prepared.auditFile}).\n`);
  for (const pause of pauses) say(`${pauseLine(pause)}\n`);
  if (failedActions > 0 || errors.length > 0) {
    say(failureLines(prepared.failureReasons()));
    say(
      `Failed actions are listed in ${prepared.auditFile} (mailshift audit). Running the same plan again retries them.\n`,
    );
  }
  if (result === 'interrupted') say(`Resume with: mailshift apply ${shellWord(planFile)}\n`);
  if (pauses.length > 0) {
    const last = pauses
      .map((pause) => pause.until)
      .sort()
      .at(-1)!;
    say(
      `The phase is not done: apply the same plan again from ${last} to go on: mailshift apply ${shellWord(planFile)}\n`,
    );
  }
  if (leftOut.length > 0) io.stderr(leftOutNotice(prepared.plan, leftOut));
  return result === 'ok' && leftOut.length > 0 ? 1 : EXIT_CODES[result];
}

/** The accounts a plan left out: the apply did nothing for them. */
function leftOutNotice(plan: PreparedApply['plan'], ids: string[]): string {
  const one = ids.length === 1;
  return (
    `warning: this plan left out ${one ? 'account' : `${ids.length} accounts`} ${namedAccounts(ids)}, which could not be planned (the plan file lists why): nothing was done for ${one ? 'it' : 'them'}\n` +
    `  hint: once ${one ? 'it works' : 'they work'}, plan ${one ? 'it' : 'them'} on ${one ? 'its' : 'their'} own: mailshift plan <manifest> --phase ${plan.phase} ${accountOptions(ids)}\n`
  );
}

const ENDINGS = {
  ok: 'complete',
  failed: 'finished with failures',
  interrupted: 'interrupted',
  paused: 'paused by a daily byte budget',
} as const;
// A pause is 1, not a code of its own: the contract's codes are 0, 1, 2 and 130, and a script that
// goes on after a 0 must not go on with a phase half done. `apply_finished` and the audit say 'paused'.
const EXIT_CODES = { ok: 0, failed: 1, interrupted: 130, paused: 1 } as const;

/** The distinct reasons actions failed, most frequent first, at most five (the audit log has every one). */
function failureLines(reasons: FailureReason[]): string {
  const shown = reasons
    .slice(0, 5)
    .map((r) => `  account ${r.account}: ${r.actions} ${r.actions === 1 ? 'action' : 'actions'} failed: ${r.reason}\n`);
  const more = reasons.length > 5 ? `  … and ${reasons.length - 5} more reasons\n` : '';
  return shown.join('') + more;
}

/**
 * apply <manifest> --phase: plan now, show it, and get the confirmation (or --auto-approve). The
 * plan file is written only once the plan is confirmed: a cancelled, refused or empty one leaves
 * the plan file a reviewer may be reading as it was. The exit code instead when nothing is applied.
 */
async function planForApproval(
  { positionals, values, options, io }: CommandContext,
  phase: string,
): Promise<{ planFile: string } | { exit: number }> {
  const manifest = await loadManifestFor('apply', positionals, options, io);
  // Refuse before reading the servers and asking; prepareApply checks again under the lock.
  const missing = manifest.settings.phases.some((p) => p.name === phase && p.kind === 'sync')
    ? await missingRequirements(manifest, phase)
    : [];
  if (missing.length > 0 && !values.force)
    throw new MailshiftError(phaseOrderProblem(`apply phase "${phase}"`, missing, manifest.file));
  const accountIds = await chosenAccountIds(values, manifest.settings);
  const planPath =
    accountIds.length > 0
      ? accountsPlanPath(manifest.file, manifest.settings.name, phase, accountIds)
      : defaultPlanPath(manifest.file, manifest.settings.name, phase);
  const { plan, diagnostics } = await makePlan({
    manifest,
    phase,
    accountIds,
    planPath,
    now: new Date(),
    env: io.env,
    verbose: options.verbose,
    trace: options.trace,
    tool: `mailshift ${VERSION}`,
    concurrency: 4,
    state: stateOf(manifest, options),
    force: Boolean(values.force),
    onThrottled: (read) => {
      if (!options.quiet) io.stderr(throttledReadNote(read));
    },
  });
  if (!plan) throw new MailshiftError(diagnostics);
  // The accounts left out, each with what went wrong: the others are planned (and may be applied).
  reportDiagnostics(io, options, diagnostics);
  const palette = { color: options.color };
  io.stdout(renderPlanText(plan, { palette, verbose: options.verbose }));
  if (!hasChanges(plan.accounts)) {
    io.stdout('Nothing to do.\n');
    return { exit: diagnostics.length > 0 ? 1 : 0 };
  }
  if (!values['auto-approve']) {
    if (!io.isTTY) {
      throw new MailshiftError(
        problem(
          'USAGE',
          'refusing to apply without confirmation: not on a terminal',
          `make the plan to review with: mailshift plan ${shellWord(manifest.file)} --phase ${shellWord(phase)}, then apply it with: mailshift apply ${shellWord(planPath)} (or add --auto-approve)`,
        ),
      );
    }
    const approval = approvalOf(plan, palette);
    if (approval.lead.length > 0) io.stdout(`\n${approval.lead.join('\n')}\n`);
    const reply = await askAtTerminal(`\n${approval.question}`);
    const confirmed = typeof reply === 'object' && approval.confirmations.includes(reply.answer.trim());
    if (!confirmed) {
      io.stdout(
        `${reply === 'interrupted' ? '\n' : ''}Apply cancelled: nothing was applied, and no plan file was written (${planPath} is as it was).\n`,
      );
      // Terraform's rule: only the confirmation applies, anything else is a cancellation (1); Ctrl-C is an interruption (130).
      return { exit: reply === 'interrupted' ? 130 : 1 };
    }
  }
  await writePlanFile(planPath, plan);
  return { planFile: planPath };
}
