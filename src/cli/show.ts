import { MailshiftError, problem } from '../errors.ts';
import { readPlanFile } from '../engine/plan-file.ts';
import type { Command } from './command.ts';
import { MARKDOWN_OPTIONS, MARKDOWN_USAGE, markdownView, planFormat, renderPlan } from './plan-format.ts';

export const showCommand: Command = {
  name: 'show',
  summary: 'render a saved plan (markdown is the pull-request comment)',
  usage: `mailshift show <planfile> [--format text|markdown|json] [--full | --max-chars N]

Prints a plan written by \`mailshift plan\`: text for a terminal (default), markdown for a
pull-request comment, json (the canonical plan file).
${MARKDOWN_USAGE}`,
  options: { format: { type: 'string' }, ...MARKDOWN_OPTIONS },
  async run({ positionals, values, options, io }) {
    const format = planFormat(values.format);
    const markdown = markdownView(values, format);
    if (positionals.length !== 1)
      throw new MailshiftError(
        problem('USAGE', 'show takes one plan file', 'mailshift show plans/acme.presync.plan.json'),
      );
    const read = await readPlanFile(positionals[0]!);
    if ('diagnostic' in read) throw new MailshiftError(read.diagnostic);
    io.stdout(renderPlan(read.plan, format, options, { ...markdown, planPath: positionals[0]! }));
    return 0;
  },
};
