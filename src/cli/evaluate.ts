import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerEvaluate(program: Command): void {
  program.command('evaluate').action(() => {
    throw new Error('evaluate: not built yet');
  });
}
