import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerBench(program: Command): void {
  program.command('bench').action(() => {
    throw new Error('bench: not built yet');
  });
}
