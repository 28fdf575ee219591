import { Listr, type ListrTask } from 'listr2';
import type { ApplyCounts } from '../apply/outcome.ts';
import type { QuotaPause } from '../apply/daily-budget.ts';
import type { ApplyEvent, ApplyListener } from '../engine/apply-events.ts';
import { formatBytes, plural } from './sizes.ts';

// The views of an apply: they listen to the engine's events and schedule nothing (the engine runs
// the accounts: engine/run-accounts.ts).

export interface ApplyView {
  listen: ApplyListener;
  /** Resolves once everything is shown (listr2 has drawn its last frame). */
  done(): Promise<void>;
}

interface Shown {
  folders: number;
  started: number;
  active: Set<string>;
  done: number;
  last: ApplyCounts | null;
  shownAt: number;
  output?: (text: string) => void;
  title?: (text: string) => void;
  settle?: { resolve(): void; reject(error: Error): void };
  outcome?: { error: Error | null };
}

/**
 * One listr2 task per account: the live renderer on a terminal, its line renderer otherwise (CI
 * logs), silent with --quiet. Each task shows its folders and running counts as the events come.
 */
export function listrApplyView(
  accounts: ReadonlyArray<{ id: string; folders: number }>,
  options: { tty: boolean; quiet: boolean },
): ApplyView {
  const shown = new Map<string, Shown>(
    accounts.map((a) => [
      a.id,
      { folders: a.folders, started: Date.now(), active: new Set(), done: 0, last: null, shownAt: 0 },
    ]),
  );
  const show = (state: Shown, force = false) => {
    if (!state.output || (!force && Date.now() - state.shownAt < (options.tty ? 100 : 2000))) return;
    state.shownAt = Date.now();
    const counts = state.last ? ` · ${countsLine(state.last, (Date.now() - state.started) / 1000)}` : '';
    const now = state.active.size ? ` · now: ${[...state.active].slice(0, 3).join(', ')}` : '';
    state.output(`${state.done}/${state.folders} folders${counts}${now}`);
  };
  const settle = (state: Shown, error: Error | null) => {
    state.outcome = { error };
    if (state.settle) error ? state.settle.reject(error) : state.settle.resolve();
  };
  const tasks: ListrTask[] = accounts.map(({ id, folders }) => ({
    title: `${id}: ${plural(folders, 'folder')}`,
    task: (_, task) =>
      new Promise<void>((resolve, reject) => {
        const state = shown.get(id)!;
        state.output = (text) => {
          task.output = text;
        };
        state.title = (text) => {
          task.title = text;
        };
        state.settle = { resolve, reject };
        if (state.outcome) settle(state, state.outcome.error);
      }),
  }));
  // Concurrent: every account's row is shown at once. The tasks run no work, they wait for the
  // engine's events about it.
  const list = new Listr(tasks, {
    concurrent: true,
    exitOnError: false,
    renderer: options.quiet ? 'silent' : options.tty ? 'default' : 'simple',
    rendererOptions: { collapseErrors: false },
    registerSignalListeners: false,
  } as ConstructorParameters<typeof Listr>[1]);
  const running = list.run().then(
    () => undefined,
    () => undefined,
  );
  const listen = (event: ApplyEvent) => {
    const state = 'account' in event ? shown.get(event.account) : undefined;
    if (!state) return;
    if (event.type === 'account_started') {
      state.started = Date.now();
    } else if (event.type === 'folder_started') {
      state.active.add(event.folder);
      show(state);
    } else if (event.type === 'folder_finished') {
      state.active.delete(event.folder);
      state.done++;
      show(state);
    } else if (event.type === 'progress') {
      state.last = event.counts;
      show(state);
    } else if (event.type === 'retry') {
      state.output?.(event.message);
    } else if (event.type === 'throttled') {
      state.output?.(`${event.server} throttled ${event.account}: waited ${formatWait(event.waitedMs)}`);
    } else if (event.type === 'paused') {
      state.output?.(pauseLine(event));
    } else if (event.type === 'account_finished') {
      state.title?.(`${event.account}: ${countsLine(event.counts, (Date.now() - state.started) / 1000)}`);
      settle(
        state,
        event.counts.failed > 0
          ? new Error(`${event.account}: ${plural(event.counts.failed, 'action')} failed (see the audit log)`)
          : null,
      );
    } else if (event.type === 'account_failed') {
      settle(state, new Error(event.errors.map((e) => e.message).join('; ')));
    }
  };
  return { listen, done: () => running };
}

/** `apply --format json`: each event as one line of JSON. */
export function jsonApplyView(write: (text: string) => void): ApplyView {
  return { listen: (event) => write(`${JSON.stringify(event)}\n`), done: async () => {} };
}

/** "120 copied (2.1 MB, 150 msg/s, 2.4 MB/s) · 3 flags · 2 deleted on target · 1 failed" */
export function countsLine(counts: ApplyCounts, seconds: number): string {
  const rate =
    seconds > 0
      ? `, ${Math.round(counts.messagesCopied / seconds)} msg/s, ${formatBytes(counts.bytesCopied / seconds)}/s`
      : '';
  const parts = [`${counts.messagesCopied} copied (${formatBytes(counts.bytesCopied)}${rate})`];
  if (counts.foldersCreated) parts.push(`${plural(counts.foldersCreated, 'folder')} created`);
  if (counts.flagUpdates) parts.push(`${plural(counts.flagUpdates, 'flag update')}`);
  if (counts.targetDeletes) parts.push(`${counts.targetDeletes} deleted on target`);
  if (counts.foldersDeleted) parts.push(`${plural(counts.foldersDeleted, 'folder')} deleted`);
  if (counts.sourceDeletes) parts.push(`${counts.sourceDeletes} deleted on source`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  return parts.join(' · ');
}

/** "throttled 3 times, waited 4 m 10 s": the throttle episodes of an apply, for its summary. */
export function throttleLine(throttling: { episodes: number; waitedMs: number }): string {
  return `throttled ${throttling.episodes === 1 ? 'once' : `${throttling.episodes} times`}, waited ${formatWait(throttling.waitedMs)}`;
}

/** "alice: paused by quota until 2026-12-08T09:12:00Z (source: 2.5 GB of 2.5 GB in 24 h)" */
export function pauseLine(pause: QuotaPause): string {
  return `${pause.account}: paused by quota until ${pause.until} (${pause.side}: ${formatBytes(pause.usedBytes)} of ${formatBytes(pause.budgetBytes)} in 24 h)`;
}

/** A wait as people read it: 1.5 s, 4 m 10 s, 2 h 5 m. */
export function formatWait(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} m`;
}
