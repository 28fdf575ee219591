// The cutover as a runbook: the manifest's phases in order, each with what the audit log says was
// done (applies, gates) and what its plan file holds, and the one command that moves it on. Pure:
// `status` renders it, and apply and gate check their phase's requirements against it.
import type { AuditOutcome } from '../audit/outcomes.ts';
import type { PhaseSettings } from '../manifest/settings.ts';
import type { AccountFailure, PlanSummary } from '../plan/types.ts';
import type { PlanHeaderRead } from './plan-header.ts';
import { doneAfter, gatesSince } from './plan-runbook.ts';

export interface RunbookInput {
  name: string;
  /** The manifest as commands should name it, and its SHA-256 now (a plan made from other bytes is stale). */
  manifest: { path: string; sha256: string };
  phases: readonly PhaseSettings[];
  /** The audit log, oldest first. */
  log: readonly AuditOutcome[];
  /** Each sync phase's default plan file: where it is, as commands name it, and what it holds. */
  plans: ReadonlyMap<string, { path: string; read: PlanHeaderRead }>;
}

/** done: applied (sync) or gated (manual); next: the first phase not done; blocked: a requirement is not done; ready: may go now. */
export type PhaseState = 'done' | 'next' | 'ready' | 'blocked';

export interface Requirement {
  phase: string;
  kind: 'sync' | 'manual';
  met: boolean;
}

export type PlanStatus =
  | { path: string; state: 'missing' }
  | { path: string; state: 'unreadable'; reason: string }
  | {
      path: string;
      /** stale: made from another version of the manifest, so apply would refuse it. */
      state: 'current' | 'stale';
      createdAt: string;
      sha256: string;
      summary: PlanSummary;
      /** An apply of exactly this plan file ended ok. */
      applied: boolean;
      /**
       * Required phases applied or gated after this plan was made: the mailboxes have moved on since
       * (a drain planned before the MX switch misses the mail that arrived after it).
       */
      outdatedBy: string[];
      /** Accounts the plan leaves out, as it lists them (they could not be planned): not done by applying it. */
      accountsFailed: AccountFailure[];
    };

/** One command that moves a phase on, and why it is that one. */
export interface Step {
  phase: string;
  action: 'plan' | 'apply' | 'gate';
  command: string;
  why: string;
}

export interface RunbookPhase {
  name: string;
  kind: 'sync' | 'manual';
  description: string | null;
  /** A manual phase's instruction (what the operator does by hand). */
  instruction: string | null;
  requires: Requirement[];
  state: PhaseState;
  /** Sync phases: the default plan file. */
  plan: PlanStatus | null;
  /** Sync phases: the latest apply, whatever its result. */
  lastApply: AuditOutcome | null;
  /** Manual phases: the latest gate that was recorded in full (null: pending). */
  gate: AuditOutcome | null;
  /** Null once the phase is done. */
  step: Step | null;
}

export interface Runbook {
  name: string;
  manifest: string;
  phases: RunbookPhase[];
  /** The first phase's step that is not done; null when the runbook is complete. */
  next: Step | null;
}

/** The runbook of a manifest's phases, given the audit log and the plan files. */
export function buildRunbook(input: RunbookInput): Runbook {
  const done = new Set(input.phases.filter((phase) => isDone(phase, input.log)).map((phase) => phase.name));
  const kinds = new Map(input.phases.map((phase) => [phase.name, phase.kind]));
  let nextFound = false;
  const phases = input.phases.map((phase): RunbookPhase => {
    const requires = phase.requires.map((name) => ({
      phase: name,
      kind: kinds.get(name) ?? 'sync',
      met: done.has(name),
    }));
    const ofPhase = input.log.filter(
      (entry) => entry.phase === phase.name && entry.kind === (phase.kind === 'sync' ? 'apply' : 'gate'),
    );
    const lastApply = phase.kind === 'sync' ? (ofPhase.at(-1) ?? null) : null;
    const plan = phase.kind === 'sync' ? planStatus(input, phase, ofPhase) : null;
    let state: PhaseState;
    if (done.has(phase.name)) state = 'done';
    else if (requires.some((requirement) => !requirement.met)) state = 'blocked';
    else state = nextFound ? 'ready' : 'next';
    if (state !== 'done') nextFound = true;
    return {
      name: phase.name,
      kind: phase.kind,
      description: phase.description,
      instruction: phase.kind === 'manual' ? phase.instruction : null,
      requires,
      state,
      plan,
      lastApply,
      gate: phase.kind === 'manual' ? (ofPhase.filter((entry) => entry.result === 'ok').at(-1) ?? null) : null,
      step:
        state === 'done'
          ? null
          : phase.kind === 'manual'
            ? gateStep(input, phase.name, phase.instruction)
            : syncStep(input, phase.name, plan!, lastApply),
    };
  });
  return {
    name: input.name,
    manifest: input.manifest.path,
    phases,
    next: phases.find((phase) => phase.step !== null)?.step ?? null,
  };
}

/** A sync phase is applied once an apply of it ended ok; a manual phase once its gate was recorded. Interrupted or failed applies do not count. */
function isDone(phase: PhaseSettings, log: readonly AuditOutcome[]): boolean {
  const kind = phase.kind === 'sync' ? 'apply' : 'gate';
  return log.some((entry) => entry.phase === phase.name && entry.kind === kind && entry.result === 'ok');
}

function planStatus(
  input: RunbookInput,
  { name: phase, requires }: PhaseSettings,
  applies: readonly AuditOutcome[],
): PlanStatus {
  const file = input.plans.get(phase);
  const path = file?.path ?? '';
  const read = file?.read ?? { state: 'missing' };
  if (read.state === 'missing') return { path, state: 'missing' };
  if (read.state === 'unreadable') return { path, state: 'unreadable', reason: read.reason };
  const { header, sha256 } = read;
  if (header.name !== input.name || header.phase !== phase) {
    return { path, state: 'unreadable', reason: `it is a plan of ${header.name}'s phase ${header.phase}` };
  }
  return {
    path,
    state: header.manifest.sha256 === input.manifest.sha256 ? 'current' : 'stale',
    createdAt: header.createdAt,
    sha256,
    summary: header.summary,
    applied: applies.some((entry) => entry.planSha256 === sha256 && entry.result === 'ok'),
    accountsFailed: Array.isArray(header.accountsFailed) ? header.accountsFailed : [],
    // A gate recorded since outdates the plan whether required or not: apply refuses it (PLAN_OUTDATED).
    outdatedBy: unique([
      ...requires.filter((required) =>
        input.log.some(
          (entry) => entry.phase === required && entry.result === 'ok' && doneAfter(entry, header.createdAt),
        ),
      ),
      ...gatesSince(header, input.log).map((gate) => gate.phase),
    ]),
  };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function syncStep(input: RunbookInput, phase: string, plan: PlanStatus, lastApply: AuditOutcome | null): Step {
  const replan = (why: string): Step => ({
    phase,
    action: 'plan',
    command: `mailshift plan ${shellWord(input.manifest.path)} --phase ${phase}`,
    why,
  });
  if (plan.state === 'missing') return replan('no plan yet');
  if (plan.state === 'unreadable') return replan(`the plan file cannot be used: ${plan.reason}`);
  if (plan.state === 'stale') return replan('the manifest changed since the plan was made, so apply would refuse it');
  if (plan.outdatedBy.length > 0)
    return replan(
      `the plan was made before ${plan.outdatedBy.join(' and ')} was done, so it does not see the mailboxes as they are now`,
    );
  const apply = (why: string): Step => ({
    phase,
    action: 'apply',
    command: `mailshift apply ${shellWord(plan.path)}`,
    why,
  });
  if (lastApply?.planSha256 === plan.sha256) {
    if (lastApply.result === 'failed')
      return apply('the last apply of this plan had failures; running it again retries them');
    if (lastApply.result === 'paused')
      return apply(
        'the last apply of this plan was paused by a daily byte budget (maxBytesPerDay; mailshift audit says until when); running it again once the budget allows goes on',
      );
    if (lastApply.result !== 'ok')
      return apply(
        'the last apply of this plan did not finish (interrupted, or still running); running it again finishes the work',
      );
  }
  return apply(
    `the plan made ${plan.createdAt} is not applied yet: review it (mailshift show ${shellWord(plan.path)}), then apply it`,
  );
}

function gateStep(input: RunbookInput, phase: string, instruction: string): Step {
  const sentence = /[.!?]$/.test(instruction.trim()) ? instruction.trim() : `${instruction.trim()}.`;
  return {
    phase,
    action: 'gate',
    command: `mailshift gate ${shellWord(input.manifest.path)} ${phase} --note "…"`,
    why: `a manual step: ${sentence} Record it once done.`,
  };
}

/** The phases `phase` requires that are not done yet, each with the step that would do it. */
export function unmetRequirements(runbook: Runbook, phase: string): RunbookPhase[] {
  const unmet = new Set(
    runbook.phases
      .find((candidate) => candidate.name === phase)
      ?.requires.filter((requirement) => !requirement.met)
      .map((requirement) => requirement.phase),
  );
  return runbook.phases.filter((candidate) => unmet.has(candidate.name));
}

/** A path or word as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
