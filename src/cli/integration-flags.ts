/**
 * The integration options of every command that runs a compartmental cell (simulate, generate,
 * serve, bench reference): --method, --dt and --spike-dt, with one wording and one parser.
 */
import type { Command } from 'commander';
import { DEFAULT_INTEGRATION, type GivenIntegration } from '../reference/integration.js';
import { positiveNumber } from './options.js';

export interface IntegrationFlags {
  method?: string;
  dt?: number;
  /** 'off': every bin at dt */
  spikeDt?: number | 'off';
}

/** --spike-dt: a substep in ms, or 'off' for every bin at --dt (commander reads a null as absent). */
function parseSpikeDt(value: string): number | 'off' {
  if (value.trim() === 'off') return 'off';
  return positiveNumber('spike-dt')(value);
}

/** Adds the three options to cmd; `subject` names what they integrate (e.g. 'a compartmental cell'). */
export function addIntegrationFlags(cmd: Command, subject: string): Command {
  return cmd
    .option(
      '--method <name>',
      `integrator of ${subject}: backward-euler | crank-nicolson (default ${DEFAULT_INTEGRATION.method})`,
    )
    .option(
      '--dt <ms>',
      `substep of ${subject}, ms, dividing 1 ms (default ${DEFAULT_INTEGRATION.dt}; given alone: every bin at it)`,
      positiveNumber('dt'),
    )
    .option(
      '--spike-dt <ms|off>',
      `fine substep of the bins around spikes, ms, dividing 1 ms (default ${DEFAULT_INTEGRATION.spikeDt ?? 'off'} unless --dt is given; off: none)`,
      parseSpikeDt,
    );
}

/** What the flags ask for (resolveIntegration fills the rest). */
export function givenIntegration(flags: IntegrationFlags): GivenIntegration {
  return { method: flags.method, dt: flags.dt, spikeDt: flags.spikeDt === 'off' ? null : flags.spikeDt };
}

/** Whether any of the three was given (a point neuron refuses them). */
export function anyIntegrationFlag(flags: IntegrationFlags): boolean {
  return flags.method !== undefined || flags.dt !== undefined || flags.spikeDt !== undefined;
}
