import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { identityPreflight } from '../apply/identity-preflight.ts';
import { runAccount } from '../apply/run-account.ts';
import { StopSignal } from '../apply/stop.ts';
import { ServerGates } from '../apply/server-gate.ts';
import type { ThrottleEpisode } from '../apply/throttle-waits.ts';
import type { QuotaPause } from '../apply/daily-budget.ts';
import { addCounts, emptyCounts, type ActionSink, type ApplyCounts, type ApplyObserver } from '../apply/outcome.ts';
import { auditDirFor, openAudit, type AuditAction, type AuditWriter } from '../audit/writer.ts';
import { hasErrors, MailshiftError, problem } from '../errors.ts';
import type { ExternalVariables } from '../manifest/jsonnet.ts';
import { readManifest } from '../manifest/read.ts';
import { sliceSettings, type Settings, type SyncPhase } from '../manifest/settings.ts';
import { readAuditOutcomes, type AuditOutcome } from '../audit/outcomes.ts';
import { sinceGate, type Cutover } from '../plan/cutover.ts';
import { cutoverBreaches } from '../plan/cutover-check.ts';
import { leftOutIds } from '../plan/account-names.ts';
import { checkPlan } from '../plan/plan-check.ts';
import type { UidMaps } from '../plan/snapshot.ts';
import type { Plan } from '../plan/types.ts';
import { migrationStateStore, type Journal, type Lock, type StateStore } from '../state/store.ts';
import { repositoryRoot } from './git.ts';
import { missingRequirements, shownPath } from './load-runbook.ts';
import { shellWord } from './runbook.ts';
import { operator } from './operator.ts';
import { phaseOrderProblem } from './phase-order.ts';
import { readPlanFile } from './plan-file.ts';
import { auditUnaudited } from './unaudited.ts';
import { cutoverOf, gatesSince } from './plan-runbook.ts';
import { wallClock } from './wall-clock.ts';
import type { ProtocolTrace } from '../imap/protocol-trace.ts';

export interface ApplyRequest {
  planFile: string;
  variables: ExternalVariables;
  env: NodeJS.ProcessEnv;
  /** --verbose: a failing secret command's last stderr line may join its message (SecretContext.verbose). */
  verbose?: boolean;
  /** --trace FILE: every session's protocol lines go into it. */
  trace?: ProtocolTrace;
  stateDir: string | undefined;
  tool: string;
  /**
   * Apply although a phase this one requires is not applied or gated yet, or although the plan
   * deletes target mail the cutover rule keeps; audited as forced.
   */
  force?: boolean;
  /** Accounts at once (the identity preflight's too); 4 when not given. */
  concurrency?: number;
}

/** One account's work, for the CLI to run (and show) as a task. */
export interface AccountUnit {
  id: string;
  folders: number;
  run(observer: ApplyObserver): Promise<ApplyCounts>;
}

export interface PreparedApply {
  plan: Plan;
  applyId: string;
  auditFile: string;
  /** The requirements --force overrode (recorded in the audit's start record). */
  unmetRequires: string[];
  /** Target deletions --force let through although the cutover rule forbids them (0: none). */
  cutoverOverride: number;
  units: AccountUnit[];
  /**
   * Ctrl-C / SIGTERM: start nothing new; what runs may finish (and is journaled and audited) for
   * STOP_GRACE_MS, then the connections are dropped so that it fails fast. The units then settle.
   */
  interrupt(): void;
  /** Whether interrupt() was called. */
  readonly interrupted: boolean;
  /** Why actions failed so far: each distinct account and reason with how many actions it failed, most first. */
  failureReasons(): FailureReason[];
  /** The throttle episodes so far, all accounts together: how many, and how long they waited. */
  throttling(): { episodes: number; waitedMs: number };
  /** The accounts a daily byte budget paused, in the order they paused. */
  pauses(): QuotaPause[];
  /** Seal the audit, release the lock, once the units have settled. Later calls return the first's result. */
  finish(result: ApplyResult): Promise<ApplyCounts>;
}

/** How an apply ended: 'paused' when a daily byte budget stopped an account and nothing failed. */
export type ApplyResult = 'ok' | 'failed' | 'interrupted' | 'paused';

/** How long an interrupted apply waits for the batches in flight before dropping the connections. */
const STOP_GRACE_MS = 4000;

export interface FailureReason {
  account: string;
  reason: string;
  actions: number;
}

/**
 * Everything before the first change on a server: read the plan, find and re-read its manifest
 * (refusing the plan if the manifest changed since) and check the plan against it, take the
 * migration's lock, check the phase order, the runbook and the cutover rule against the audit log
 * (refusing, unless forced, while a required phase is not done), check that the messages the plan
 * names are the ones there (from the snapshot cache, reading the servers only where it cannot
 * say), then open the plan's journal and a new audit file. The returned units run the accounts.
 */
export async function prepareApply(request: ApplyRequest): Promise<PreparedApply> {
  const read = await readPlanFile(request.planFile);
  if ('diagnostic' in read) throw new MailshiftError(read.diagnostic);
  const { plan, sha256: planSha256 } = read;
  const manifestFile = await locateManifest(request.planFile, plan);
  const manifest = await readManifest(manifestFile, request.variables);
  if (hasErrors(manifest.diagnostics) || !manifest.settings) throw new MailshiftError(manifest.diagnostics);
  if (manifest.sha256 !== plan.manifest.sha256) {
    throw new MailshiftError(
      problem(
        'PLAN_STALE',
        `the manifest ${manifestFile} changed since this plan was made`,
        'make a new plan and review it: mailshift plan <manifest> --phase ' + plan.phase,
        { file: request.planFile },
      ),
    );
  }
  const phase = manifest.settings.phases.find((p): p is SyncPhase => p.name === plan.phase && p.kind === 'sync');
  if (!phase)
    throw new MailshiftError(
      problem('PLAN_STALE', `the manifest has no sync phase "${plan.phase}"`, 're-plan', { file: request.planFile }),
    );
  // Before the lock and any connection: a plan refused here leaves no trace on a server or in the audit.
  const refusal = checkPlan({ plan, settings: manifest.settings, phase, file: request.planFile });
  if (refusal) throw new MailshiftError(refusal);

  const state = migrationStateStore(manifestFile, plan.name, request.stateDir);
  const lock = await state.lock({ operator: operator(), pid: process.pid, host: hostname() });
  let journal: Journal | undefined;
  let audit: AuditWriter | undefined;
  try {
    // Under the lock: the audit log cannot change between this check and the apply's own record.
    const shownAs = shownPath(manifestFile);
    const auditDir = auditDirFor(manifestFile, plan.name);
    const log = await readAuditOutcomes(auditDir);
    const missing = await missingRequirements(
      { file: manifestFile, sha256: manifest.sha256, settings: manifest.settings },
      plan.phase,
      shownAs,
      log,
    );
    if (missing.length > 0 && !request.force)
      throw new MailshiftError(phaseOrderProblem(`apply phase "${plan.phase}"`, missing, shownAs));
    const unmetRequires = missing.map((requirement) => requirement.name);
    const outdating = gatesSince(plan, log);
    if (outdating.length > 0) throw new MailshiftError(outdatedProblem(plan, outdating, shownAs, request.planFile));
    const cutover = await cutoverScope(
      plan,
      cutoverOf(log, false),
      state,
      Boolean(request.force),
      shownAs,
      request.planFile,
    );
    const session = {
      manifestDir: dirname(resolve(manifestFile)),
      env: request.env,
      verbose: request.verbose,
      trace: request.trace,
    };
    const misnamed = await identityPreflight({
      plan,
      accounts: manifest.settings.accounts,
      state,
      session,
      concurrency: request.concurrency ?? 4,
      file: request.planFile,
    });
    if (misnamed) throw new MailshiftError(misnamed);
    journal = await state.journal(planSha256);
    const leftOut = leftOutIds(plan.accountsFailed);
    const applyId = randomUUID();
    audit = await openAudit(auditDir, {
      kind: 'apply',
      applyId,
      phase: plan.phase,
      planSha256,
      manifest: { path: plan.manifest.path, sha256: plan.manifest.sha256, git: plan.manifest.git },
      tool: request.tool,
      operator: operator(),
      startedAt: new Date().toISOString(),
      ...(unmetRequires.length > 0 || cutover.overridden > 0 ? { forced: true } : {}),
      ...(unmetRequires.length > 0 ? { unmetRequires } : {}),
      ...(cutover.overridden > 0 ? { cutoverOverride: cutover.overridden } : {}),
      ...(leftOut.length > 0 ? { accountsLeftOut: leftOut } : {}),
    });
    // Before any new action: what an apply killed between journal and audit left unaudited.
    await auditUnaudited(plan, planSha256, journal, log, audit);
    return assemble(
      plan,
      { applyId, unmetRequires, cutoverOverride: cutover.overridden, audit, journal, lock, state },
      {
        ...session,
        phase,
        settings: manifest.settings,
        uidMaps: cutover.uidMaps,
      },
    );
  } catch (error) {
    // An audit file opened here is sealed, not left looking like the file of a killed apply.
    await audit
      ?.finish({ result: 'failed', summary: { ...emptyCounts() }, failures: 0, endedAt: new Date().toISOString() })
      .catch(() => undefined);
    await journal?.close();
    await lock.release();
    throw error;
  }
}

function assemble(
  plan: Plan,
  run: {
    applyId: string;
    unmetRequires: string[];
    cutoverOverride: number;
    audit: AuditWriter;
    journal: Journal;
    lock: Lock;
    state: StateStore;
  },
  context: {
    manifestDir: string;
    env: NodeJS.ProcessEnv;
    verbose?: boolean;
    trace?: ProtocolTrace;
    phase: SyncPhase;
    settings: Settings;
    uidMaps: ReadonlyMap<string, UidMaps> | null;
  },
): PreparedApply {
  const { applyId, unmetRequires, cutoverOverride, audit, journal, lock, state } = run;
  const total = emptyCounts();
  // A dropped server fails hundreds of actions for one reason: the summary names it once, with the count.
  const failures = new Map<string, FailureReason>();
  const sink = journalSink(journal, audit, (account, reason) => {
    const key = `${account}\0${reason}`;
    const known = failures.get(key) ?? failures.set(key, { account, reason, actions: 0 }).get(key)!;
    known.actions++;
  });
  const stop = new StopSignal();
  // One gate per server for the whole apply: accounts on one server wait out its throttling together.
  const gates = new ServerGates();
  const throttled = { episodes: 0, waitedMs: 0 };
  const recordThrottle = async (episode: ThrottleEpisode) => {
    throttled.episodes++;
    throttled.waitedMs += episode.waitedMs;
    await audit.record(throttleAction(episode));
  };
  const pauses: QuotaPause[] = [];
  const recordPause = async (pause: QuotaPause) => {
    pauses.push(pause);
    await audit.record(quotaAction(pause));
  };
  const now = wallClock(context.env);
  const units = plan.accounts.map(
    (account): AccountUnit => ({
      id: account.id,
      folders: account.folders.length,
      async run(observer) {
        // After Ctrl-C / SIGTERM, an account that has not started does not log in.
        if (stop.stopped) return emptyCounts();
        const settings = context.settings.accounts.find((s) => s.id === account.id);
        if (!settings)
          throw new MailshiftError(
            problem('PLAN_STALE', `account ${account.id} is no longer in the manifest`, 're-plan'),
          );
        const { useSize } = sliceSettings(context.settings, account.id, context.phase.name).messages;
        // Counted into the total also when the account fails: the summary says what was done.
        const counts = emptyCounts();
        try {
          return await runAccount(
            account,
            {
              settings,
              useSize,
              manifestDir: context.manifestDir,
              env: context.env,
              verbose: context.verbose,
              trace: context.trace,
              sink,
              state,
              expungeSource: context.phase.expungeSource,
              cutover: context.uidMaps?.get(account.id) ?? null,
              stop,
              gates,
              recordThrottle,
              now,
              recordPause,
            },
            observer,
            counts,
          );
        } finally {
          addCounts(total, counts);
        }
      },
    }),
  );
  let finished: Promise<ApplyCounts> | undefined;
  return {
    plan,
    applyId,
    auditFile: audit.file,
    unmetRequires,
    cutoverOverride,
    units,
    interrupt() {
      stop.stop();
      setTimeout(() => stop.force(), STOP_GRACE_MS).unref();
    },
    get interrupted() {
      return stop.stopped;
    },
    failureReasons: () => [...failures.values()].sort((a, b) => b.actions - a.actions),
    throttling: () => ({ ...throttled }),
    pauses: () => [...pauses],
    finish(result) {
      finished ??= (async () => {
        try {
          const summary = { ...total } as unknown as Record<string, number>;
          await audit.finish({ result, summary, failures: total.failed, endedAt: new Date().toISOString() });
        } finally {
          await journal.close();
          await lock.release();
        }
        return total;
      })();
      return finished;
    },
  };
}

/** A throttle episode as an audit record: no action of the plan's, so no journal entry and no count. */
function throttleAction(episode: ThrottleEpisode): AuditAction {
  const asked = episode.askedMs === null ? 'no wait named' : `asked for ${episode.askedMs} ms`;
  return {
    account: episode.account,
    folder: episode.side === 'source' ? (episode.folder ?? null) : null,
    target: episode.side === 'target' ? (episode.folder ?? null) : null,
    op: 'throttle',
    result: 'done',
    reason: `${episode.side} server ${episode.server} said: ${episode.said} (${asked}); waited ${episode.waitedMs} ms`,
    server: episode.server,
    waitedMs: episode.waitedMs,
  };
}

/** A pause by a daily byte budget as an audit record (op 'quota'): no action of the plan's, so no journal entry and no count. */
function quotaAction(pause: QuotaPause): AuditAction {
  return {
    account: pause.account,
    folder: null,
    target: null,
    op: 'quota',
    result: 'done',
    reason: `paused by quota until ${pause.until}: the ${pause.side} moved ${pause.usedBytes} bytes in 24 h of its ${pause.budgetBytes} (maxBytesPerDay)`,
    side: pause.side,
    usedBytes: pause.usedBytes,
    budgetBytes: pause.budgetBytes,
    until: pause.until,
  };
}

/** A plan made before a gate that has been recorded since: it does not see the mailboxes as they are. */
function outdatedProblem(plan: Plan, gates: AuditOutcome[], shownAs: string, planFile: string) {
  const named = gates.map((gate) => `"${gate.phase}" (recorded ${gate.endedAt ?? gate.startedAt})`).join(' and ');
  return problem(
    'PLAN_OUTDATED',
    `the plan was made ${plan.createdAt}, before the gate ${named}: it does not see the mailboxes as they are now (mail that reached the new server, the cutover rule)`,
    `nothing was applied. Make a new plan and review it: mailshift plan ${shellWord(shownAs)} --phase ${plan.phase}`,
    { file: planFile },
  );
}

/**
 * After a manual gate, the cutover rule: every target deletion in the plan must take only mailshift's
 * copies, as the UID maps record them now. Refused otherwise, unless forced (then counted, audited).
 * The maps go on to the folder deletions, which check each folder's messages just before deleting.
 */
async function cutoverScope(
  plan: Plan,
  cutover: Cutover | null,
  state: StateStore,
  force: boolean,
  shownAs: string,
  planFile: string,
): Promise<{ uidMaps: Map<string, UidMaps> | null; overridden: number }> {
  if (cutover === null) return { uidMaps: null, overridden: 0 };
  const uidMaps = new Map<string, UidMaps>();
  for (const account of plan.accounts) uidMaps.set(account.id, await state.uidMaps(account.id));
  const breaches = cutoverBreaches(plan, (account) => uidMaps.get(account)!);
  if (breaches.length === 0) return { uidMaps, overridden: 0 };
  if (force) return { uidMaps: null, overridden: breaches.length };
  const first = breaches[0]!;
  throw new MailshiftError(
    problem(
      'CUTOVER',
      `the plan cannot be applied: ${first.what}, after ${sinceGate(cutover)} (${breaches.length} such ${breaches.length === 1 ? 'deletion' : 'deletions'}): after a gate, mail on the new server that mailshift did not copy is never deleted`,
      `nothing was applied. Make a new plan, which keeps such mail: mailshift plan ${shellWord(shownAs)} --phase ${plan.phase}. To delete it anyway, plan and apply with --force`,
      { file: planFile, account: first.account, folder: first.folder },
    ),
  );
}

/** Journal first (what re-runs rely on), then the audit record (what people read). */
function journalSink(
  journal: Journal,
  audit: AuditWriter,
  onFailure: (account: string, reason: string) => void,
): ActionSink {
  return {
    done: (key) => journal.has(key),
    async record(key, action, detail) {
      await journal.append(detail ? { key, result: action.result, detail } : { key, result: action.result });
      await audit.record(action);
      if (action.result === 'failed') onFailure(action.account, action.reason ?? 'no reason given');
    },
    doneDetails: (prefix) =>
      journal
        .entries()
        .filter((e) => e.result === 'done' && e.key.startsWith(prefix))
        .map((e) => e.detail ?? {}),
  };
}

/** The manifest a plan was made from: relative to the git root the plan file is in, or to the plan's folder. */
async function locateManifest(planFile: string, plan: Plan): Promise<string> {
  if (plan.manifest.relativeTo === 'repository') {
    const root = await repositoryRoot(resolve(planFile));
    if (root !== null) return join(root, plan.manifest.path);
  }
  return join(dirname(resolve(planFile)), plan.manifest.path);
}
