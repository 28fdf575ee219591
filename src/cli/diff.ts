import { MailshiftError, problem } from '../errors.ts';
import { readPlanFile } from '../engine/plan-file.ts';
import { renderPlanDiff } from '../render/plan-diff.ts';
import type { Command } from './command.ts';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what changed between two plans',
  usage: `mailshift diff <old-plan> <new-plan>

A unified diff of the two plans' canonical forms (createdAt left out), then how the summary
counts changed. Exit 0 whether or not they differ, 1 on error.`,
  options: {},
  async run({ positionals, io }) {
    if (positionals.length !== 2)
      throw new MailshiftError(
        problem('USAGE', 'diff takes two plan files', 'mailshift diff old.plan.json new.plan.json'),
      );
    const [oldRead, newRead] = await Promise.all([readPlanFile(positionals[0]!), readPlanFile(positionals[1]!)]);
    if ('diagnostic' in oldRead) throw new MailshiftError(oldRead.diagnostic);
    if ('diagnostic' in newRead) throw new MailshiftError(newRead.diagnostic);
    io.stdout(renderPlanDiff(oldRead.plan, newRead.plan, { old: positionals[0]!, new: positionals[1]! }).text);
    return 0;
  },
};
