import { scaffold } from '../init/scaffold.ts';
import type { Command } from './command.ts';

export const initCommand: Command = {
  name: 'init',
  summary: 'scaffold a migrations folder with a commented example manifest',
  usage: `mailshift init [DIR] [--name NAME] [--force]

Creates DIR (default: migrations) with a commented example manifest <NAME>.jsonnet
(default name: example-cutover) and a .gitignore that keeps secrets and local state out of git.
Existing files are never overwritten unless --force is given.`,
  options: { name: { type: 'string' }, force: { type: 'boolean' } },
  async run({ positionals, values, io, options }) {
    const dir = positionals[0] ?? 'migrations';
    const created = await scaffold(dir, {
      name: (values.name as string | undefined) ?? 'example-cutover',
      force: Boolean(values.force),
    });
    if (!options.quiet) {
      io.stdout(created.map((file) => `created ${file}\n`).join(''));
      io.stdout(`\nNext: edit ${created[0]}, then run\n  mailshift validate ${created[0]}\n`);
    }
    return 0;
  },
};
