import { Listr, type ListrTask } from 'listr2';
import type { ApplyCounts, ApplyObserver } from '../apply/outcome.ts';
import { formatBytes, plural } from './sizes.ts';

export interface ProgressUnit {
  id: string;
  folders: number;
  run(observer: ApplyObserver): Promise<ApplyCounts>;
}

/**
 * Run the account units as listr2 tasks: the live renderer on a terminal, its line renderer
 * otherwise (CI logs), silent with --quiet. Each task shows its folders and running counts.
 */
export async function runWithProgress(units: ProgressUnit[], options: { tty: boolean; quiet: boolean; concurrency: number }): Promise<Map<string, ApplyCounts | Error>> {
  const results = new Map<string, ApplyCounts | Error>();
  const tasks: ListrTask[] = units.map((unit) => ({
    title: `${unit.id}: ${plural(unit.folders, 'folder')}`,
    task: async (_, task) => {
      const started = Date.now();
      const active = new Set<string>();
      let done = 0;
      let last: ApplyCounts | null = null;
      let shownAt = 0;
      const show = (force = false) => {
        if (!force && Date.now() - shownAt < (options.tty ? 100 : 2000)) return;
        shownAt = Date.now();
        task.output = `${done}/${unit.folders} folders${last ? ` · ${countsLine(last, (Date.now() - started) / 1000)}` : ''}${active.size ? ` · now: ${[...active].slice(0, 3).join(', ')}` : ''}`;
      };
      try {
        const counts = await unit.run({
          folderStarted: (folder) => { active.add(folder); show(); },
          folderFinished: (folder) => { active.delete(folder); done++; show(); },
          progress: (counts) => { last = { ...counts }; show(); },
          note: (text) => { task.output = text; },
        });
        results.set(unit.id, counts);
        task.title = `${unit.id}: ${countsLine(counts, (Date.now() - started) / 1000)}`;
        if (counts.failed > 0) throw new Error(`${unit.id}: ${plural(counts.failed, 'action')} failed (see the audit log)`);
      } catch (error) {
        if (!results.has(unit.id)) results.set(unit.id, error as Error);
        throw error;
      }
    },
  }));
  const list = new Listr(tasks, {
    concurrent: options.concurrency,
    exitOnError: false,
    renderer: options.quiet ? 'silent' : options.tty ? 'default' : 'simple',
    rendererOptions: { collapseErrors: false },
    registerSignalListeners: false,
  } as ConstructorParameters<typeof Listr>[1]);
  await list.run().catch(() => undefined);
  return results;
}

/** "120 copied (2.1 MB, 150 msg/s, 2.4 MB/s) · 3 flags · 2 deleted on target · 1 failed" */
export function countsLine(counts: ApplyCounts, seconds: number): string {
  const rate = seconds > 0 ? `, ${Math.round(counts.messagesCopied / seconds)} msg/s, ${formatBytes(counts.bytesCopied / seconds)}/s` : '';
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
