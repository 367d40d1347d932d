import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerSimulate(program: Command): void {
  program.command('simulate').action(() => {
    throw new Error('simulate: not built yet');
  });
}
