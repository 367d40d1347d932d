import type { Command } from 'commander';

// PLACEHOLDER: replaced by the stage that owns this sub-command.
export function registerExport(program: Command): void {
  program.command('export').action(() => {
    throw new Error('export: not built yet');
  });
}
