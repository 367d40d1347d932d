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
}

export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['backward-euler', 'crank-nicolson'];

/**
 * Crank–Nicolson at 0.05 ms (20 substeps per ms, half the cost of 0.025 ms). Measured on six 3-s
 * trials per cell (`npm run validate`): 31/34 CVode spikes within ±0.5 ms, 3 missing and 3 extra,
 * as NEURON's fixed step, and better on every other figure (mean |lag| 0.109 against 0.181 ms,
 * subthreshold |ΔV| 0.0040 against 0.0076 mV); CN 0.0625 matches 30/34.
 */
export const DEFAULT_INTEGRATION: Readonly<IntegrationSetting> = Object.freeze({
  method: 'crank-nicolson',
  dt: 0.05,
});

/** NEURON's usual fixed step, the baseline the default is measured against. */
export const NEURON_FIXED_STEP: Readonly<IntegrationSetting> = Object.freeze({
  method: 'backward-euler',
  dt: 0.025,
});

/** Substeps per ms of a setting: its cost (an engine substep costs the same under either method). */
export function substepsPerMs(setting: IntegrationSetting): number {
  return Math.round(1 / setting.dt);
}

export function integrationLabel(s: IntegrationSetting): string {
  return `${s.method === 'backward-euler' ? 'BE' : 'CN'} ${s.dt}`;
}

export function checkMethod(method: string): IntegrationMethod {
  const m = INTEGRATION_METHODS.find((known) => known === method);
  if (!m)
    throw new RangeError(`unknown integration method '${method}' (${INTEGRATION_METHODS.join(' or ')})`);
  return m;
}

export function checkDt(dt: number): number {
  if (!(dt > 0 && Number.isFinite(dt) && Math.abs(1 / dt - Math.round(1 / dt)) < 1e-9))
    throw new RangeError(`dt must divide 1 ms into a whole number of substeps, got ${dt}`);
  return dt;
}

/** The setting a run uses: the given method and dt, each defaulting to DEFAULT_INTEGRATION's. */
export function resolveIntegration(given: { method?: string; dt?: number } = {}): IntegrationSetting {
  return {
    method: given.method === undefined ? DEFAULT_INTEGRATION.method : checkMethod(given.method),
    dt: given.dt === undefined ? DEFAULT_INTEGRATION.dt : checkDt(given.dt),
  };
}
