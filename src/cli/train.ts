import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerTrain(program: Command): void {
  program.command('train').action(() => {
    throw new Error('train: not built yet');
  });
}
