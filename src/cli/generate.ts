import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerGenerate(program: Command): void {
  program.command('generate').action(() => {
    throw new Error('generate: not built yet');
  });
}
