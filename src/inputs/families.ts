/**
 * Input families outside a cell's training statistics, made by rewriting its paper generator
 * config (same synapse groups and spatial weights, other temporal statistics). Used to see how a
 * twin fares on input it never saw.
 *   paper            the config unchanged
 *   no-inhibition    excitation as in the paper, no inhibitory spikes
 *   poisson-<R>      stationary input, every group at R Hz per synapse on average (exc and inh)
 *   fast-modulation  the paper's counts, but rates held for 5–10 ms and smoothed by 2–4 ms
 *                    (the paper's holds and smoothing are 25 ms and longer)
 *   slow-modulation  the paper's counts, held for 0.5–2 s and smoothed by 200–400 ms
 *   only-<group>     the paper's statistics on one group (e.g. only-apical), the others silent
 */
import type { PatternGeneratorConfig, SynapseGroup } from './paper-pattern.js';

/** Counts are spikes per 100 ms over a group. */
const COUNT_WINDOW_S = 0.1;
/** An inhibitory Δ this negative leaves only the generator's negative-count floor (~no spikes). */
const NO_SPIKES_DELTA = -1e12;

export function inputFamilyNames(config: PatternGeneratorConfig): string[] {
  return [
    'paper',
    'no-inhibition',
    'poisson-<Hz>',
    'fast-modulation',
    ...config.groups.map((g) => `only-${g.name}`),
  ];
}

export function inputFamily(config: PatternGeneratorConfig, family: string): PatternGeneratorConfig {
  const named = (
    groups: SynapseGroup[],
    extra: Partial<PatternGeneratorConfig> = {},
  ): PatternGeneratorConfig => ({
    ...config,
    ...extra,
    preset: `${config.preset}+${family}`,
    groups,
  });
  if (family === 'paper') return config;
  if (family === 'no-inhibition')
    return named(config.groups.map((g) => ({ ...g, inhDelta: [NO_SPIKES_DELTA, NO_SPIKES_DELTA] })));
  if (family === 'fast-modulation')
    return named(config.groups, { holdOptionsMs: [5, 10], sigmaOptionsMs: [2, 4], jitterMs: 0 });
  if (family === 'slow-modulation')
    return named(config.groups, {
      holdOptionsMs: [500, 1000, 2000],
      sigmaOptionsMs: [200, 400],
      jitterMs: 0,
    });
  const poisson = /^poisson-(\d+(?:\.\d+)?)$/.exec(family);
  if (poisson) {
    const hz = Number(poisson[1]);
    if (!(hz >= 0 && hz <= 500)) throw new RangeError(`input family '${family}': rate must be 0..500 Hz`);
    const groups = config.groups.map((g): SynapseGroup => {
      const e = hz * g.excIds.length * COUNT_WINDOW_S;
      const i = hz * g.inhIds.length * COUNT_WINDOW_S;
      return { ...g, excCount: [e, e], inhDelta: [i - e, i - e] };
    });
    // one interval longer than any trial: constant rates, so smoothing changes nothing
    return named(groups, { holdOptionsMs: [1e9], sigmaOptionsMs: [1], jitterMs: 0, noise: [1, 1] });
  }
  const only = /^only-(.+)$/.exec(family);
  if (only) {
    if (!config.groups.some((g) => g.name === only[1]))
      throw new RangeError(
        `input family '${family}': '${config.preset}' has no group '${only[1]}' (groups: ${config.groups.map((g) => g.name).join(', ')})`,
      );
    return named(
      config.groups.map((g) =>
        g.name === only[1] ? g : { ...g, excCount: [0, 0], inhDelta: [NO_SPIKES_DELTA, NO_SPIKES_DELTA] },
      ),
    );
  }
  throw new RangeError(`unknown input family '${family}' (known: ${inputFamilyNames(config).join(', ')})`);
}
