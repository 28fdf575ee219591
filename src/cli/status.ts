import { MailshiftError, problem } from '../errors.ts';
import { loadRunbook } from '../engine/load-runbook.ts';
import { renderStatusJson } from '../render/status-json.ts';
import { renderStatusText } from '../render/status-text.ts';
import type { Command } from './command.ts';
import { loadManifestFor } from './manifest-input.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'the runbook: each phase with its plan, last apply or gate, and the next command to run',
  usage: `mailshift status <manifest> [--format text|json]

Shows the manifest's phases in order: whether each is done (applied, or for a manual phase gated),
what it requires, its plan file (plans/<name>.<phase>.plan.json next to the manifest: when it was
made, what it changes, whether it was applied or is stale because the manifest changed), its last
apply (when, by whom, result, counts) or gate (when, by whom, note), and the next command to run.
It reads the audit log next to the manifest (committed to git, so every clone sees the same
runbook) and the plan files; no server is contacted and no secret is read.
  --format FORMAT  text (default) or json
Exit code: 0.`,
  options: { format: { type: 'string' } },
  async run({ positionals, values, options, io }) {
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new MailshiftError(
        problem(
          'USAGE',
          `--format ${String(format)} is not one of text, json`,
          'mailshift status <manifest> --format json',
        ),
      );
    const manifest = await loadManifestFor('status', positionals, options, io);
    const runbook = await loadRunbook(manifest);
    if (format === 'json') io.stdout(renderStatusJson(runbook));
    else if (!options.quiet) io.stdout(renderStatusText(runbook, { color: options.color }));
    return 0;
  },
};
