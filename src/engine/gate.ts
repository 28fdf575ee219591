// `mailshift gate`: record that a manual phase (switching the MX, say) is done. The record is an
// audit file of its own, chained like an apply's: who, when, and the operator's note.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditOutcome } from '../audit/outcomes.ts';
import { auditDirFor, openAudit } from '../audit/writer.ts';
import { MailshiftError, problem } from '../errors.ts';
import type { ManualPhase, Settings } from '../manifest/settings.ts';
import { closest } from '../manifest/suggest.ts';
import { migrationStateStore } from '../state/store.ts';
import { manifestReference } from './git.ts';
import { loadRunbook, type RunbookManifest } from './load-runbook.ts';
import { operator } from './operator.ts';
import { phaseOrderProblem } from './phase-order.ts';
import { shellWord, unmetRequirements } from './runbook.ts';

export interface GateRequest {
  manifest: RunbookManifest;
  phase: string;
  note: string | null;
  /** Record it although a requirement is not done, or the gate was recorded before; audited as forced. */
  force: boolean;
  stateDir: string | undefined;
  tool: string;
}

export type GateResult =
  | { recorded: true; gateId: string; file: string; forced: boolean; unmetRequires: string[] }
  | { recorded: false; earlier: AuditOutcome };

// Long enough for a change ticket and a sentence; a note is not a document.
const NOTE_LIMIT = 1000;

/** Record the gate under the migration's lock (the audit chain has one writer at a time), unless it is recorded already. */
export async function recordGate(request: GateRequest): Promise<GateResult> {
  const { manifest } = request;
  const phase = findManualPhase(manifest.settings, request.phase, manifest.file);
  const note = cleanNote(request.note);
  const state = migrationStateStore(manifest.file, manifest.settings.name, request.stateDir);
  const lock = await state.lock({ operator: operator(), pid: process.pid, host: hostname() });
  try {
    const runbook = await loadRunbook(manifest);
    const earlier = runbook.phases.find((candidate) => candidate.name === phase.name)!.gate;
    if (earlier && !request.force) return { recorded: false, earlier };
    const missing = unmetRequirements(runbook, phase.name);
    if (missing.length > 0 && !request.force)
      throw new MailshiftError(phaseOrderProblem(`record the gate "${phase.name}"`, missing, manifest.file));
    const forced = missing.length > 0 || earlier !== null;
    const unmetRequires = missing.map((requirement) => requirement.name);
    const dir = auditDirFor(manifest.file, manifest.settings.name);
    const reference = await manifestReference(manifest.file, dir);
    const gateId = randomUUID();
    const audit = await openAudit(dir, {
      kind: 'gate',
      applyId: gateId,
      phase: phase.name,
      planSha256: null,
      manifest: { path: reference.path, sha256: manifest.sha256, git: reference.git },
      tool: request.tool,
      operator: operator(),
      startedAt: new Date().toISOString(),
      ...(forced ? { forced: true, unmetRequires } : {}),
    });
    await audit.recordGate(note);
    await audit.finish({ result: 'ok', summary: {}, failures: 0, endedAt: new Date().toISOString() });
    return { recorded: true, gateId, file: audit.file, forced, unmetRequires };
  } finally {
    await lock.release();
  }
}

function findManualPhase(settings: Settings, name: string, manifestFile: string): ManualPhase {
  const phase = settings.phases.find((candidate) => candidate.name === name);
  const names = settings.phases.map((candidate) => candidate.name);
  if (!phase) {
    const suggestion = closest(name, names);
    throw new MailshiftError(
      problem(
        'USAGE',
        `the manifest has no phase "${name}"`,
        suggestion ? `did you mean ${suggestion}?` : `its phases are: ${names.join(', ')}`,
      ),
    );
  }
  if (phase.kind === 'sync') {
    const manifest = shellWord(manifestFile);
    throw new MailshiftError(
      problem(
        'USAGE',
        `phase "${name}" is a sync phase, not a manual gate: there is nothing to record by hand`,
        `run mailshift plan ${manifest} --phase ${name}, then mailshift apply the plan it writes`,
      ),
    );
  }
  return phase;
}

/**
 * The note as it goes into the log: exactly what the operator typed, minus control characters
 * (a terminal escape in a note would be replayed by every `mailshift audit`), within a size limit.
 */
function cleanNote(note: string | null): string | null {
  if (note === null) return null;
  const clean = note.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (clean.length > NOTE_LIMIT) {
    throw new MailshiftError(
      problem(
        'USAGE',
        `the note is ${clean.length} characters long; a gate note holds at most ${NOTE_LIMIT}`,
        'keep it to what happened and where the details are (a ticket number, a link)',
      ),
    );
  }
  return clean === '' ? null : clean;
}
