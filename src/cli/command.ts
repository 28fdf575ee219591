import type { ParseArgsConfig } from 'node:util';
import type { CliIo, GlobalOptions } from './io.ts';

/** What a command gets: its positionals and option values, the global options and the outside world. */
export interface CommandContext {
  positionals: string[];
  values: Record<string, unknown>;
  options: GlobalOptions;
  io: CliIo;
}

/** One CLI command: parse → call core → render → exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(context: CommandContext): Promise<number>;
}
