import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerServe(program: Command): void {
  program.command('serve').action(() => {
    throw new Error('serve: not built yet');
  });
}
