/**
 * How compartmental cells are integrated when nobody says otherwise: the one setting that datasets
 * (`generate`), `simulate`, the streaming server's reference and `bench reference` use by default,
 * and the parsing of a user's --method / --dt.
 *
 * DEFAULT_INTEGRATION is chosen by measurement (test/validation/accuracy.ts, `npm run validate`):
 * the cheapest setting (fewest substeps per ms) whose spikes and voltages agree with NEURON's CVode
 * at tight tolerances at least as well as NEURON's fixed-step backward Euler at 0.025 ms does, on
 * every pooled figure. The validation tests check that it still meets that rule; `npm run validate`
 * measures every setting and fails when a cheaper one meets it too.
 */
import type { IntegrationMethod } from './cable/engine.js';

export type { IntegrationMethod } from './cable/engine.js';

export interface IntegrationSetting {
  method: IntegrationMethod;
  /** substep, ms; divides 1 ms into a whole number of substeps */
  dt: number;
  /**
   * spike-adaptive: the fine substep (ms, dividing 1 ms, below dt) of the bins around spikes
   * (cells/bin-stepper.ts); unset: every bin at dt
   */
  spikeDt?: number;
}

export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['backward-euler', 'crank-nicolson'];

/**
 * Spike-adaptive Crank–Nicolson: 0.125 ms (8 substeps per ms), bins around spikes redone at
 * 0.025 ms (cells/bin-stepper.ts). Chosen by `npm run validate` (benchmarks/results/
 * accuracy-vs-cvode.txt has the figures); it replaces fixed CN 0.05 (20 substeps per ms).
 */
export const DEFAULT_INTEGRATION: Readonly<IntegrationSetting> = Object.freeze({
  method: 'crank-nicolson',
  dt: 0.125,
  spikeDt: 0.025,
});

/** NEURON's usual fixed step, the baseline the default is measured against. */
export const NEURON_FIXED_STEP: Readonly<IntegrationSetting> = Object.freeze({
  method: 'backward-euler',
  dt: 0.025,
});

/**
 * Substeps per ms of a setting at its dt: its cost when fixed (an engine substep costs the same
 * under either method). A spike-adaptive setting takes more around spikes; its cost is measured.
 */
export function substepsPerMs(setting: IntegrationSetting): number {
  return Math.round(1 / setting.dt);
}

/** 'CN 0.05', or 'CN 0.125/0.025' for a spike-adaptive setting (coarse/fine substep, ms). */
export function integrationLabel(s: IntegrationSetting): string {
  return `${s.method === 'backward-euler' ? 'BE' : 'CN'} ${s.dt}${s.spikeDt !== undefined ? `/${s.spikeDt}` : ''}`;
}

export function checkMethod(method: string): IntegrationMethod {
  const m = INTEGRATION_METHODS.find((known) => known === method);
  if (!m)
    throw new RangeError(`unknown integration method '${method}' (${INTEGRATION_METHODS.join(' or ')})`);
  return m;
}

export function checkDt(dt: number, what = 'dt'): number {
  if (!(dt > 0 && Number.isFinite(dt) && Math.abs(1 / dt - Math.round(1 / dt)) < 1e-9))
    throw new RangeError(`${what} must divide 1 ms into a whole number of substeps, got ${dt}`);
  return dt;
}

export interface GivenIntegration {
  method?: string;
  dt?: number;
  /** the fine substep; null: none (every bin at dt) */
  spikeDt?: number | null;
}

/**
 * The setting a run uses: the given method and dt, each defaulting to DEFAULT_INTEGRATION's; the
 * given spikeDt, or DEFAULT_INTEGRATION's where dt is not given either (a given dt alone asks for
 * that fixed step), or none when spikeDt is null.
 */
export function resolveIntegration(given: GivenIntegration = {}): IntegrationSetting {
  const method = given.method === undefined ? DEFAULT_INTEGRATION.method : checkMethod(given.method);
  const dt = given.dt === undefined ? DEFAULT_INTEGRATION.dt : checkDt(given.dt);
  const spikeDt =
    given.spikeDt === null
      ? undefined
      : given.spikeDt !== undefined
        ? checkDt(given.spikeDt, 'spikeDt')
        : given.dt === undefined
          ? DEFAULT_INTEGRATION.spikeDt
          : undefined;
  if (spikeDt !== undefined && !(spikeDt < dt - 1e-12))
    throw new RangeError(`spikeDt (${spikeDt} ms) must be smaller than dt (${dt} ms)`);
  return spikeDt === undefined ? { method, dt } : { method, dt, spikeDt };
}
