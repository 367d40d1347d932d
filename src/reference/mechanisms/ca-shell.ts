/**
 * Ca shell, CaDynamics_E2 (spec §3.3, §4.12): one state c = [Ca]i (mM) per compartment with Ca channels.
 *
 *   dc/dt = −(1e4·γ/(2F·δ))·i_Ca − (c − c_min)/τ_decay      [mM/ms; i_Ca in mA/cm², δ in µm]
 *
 * Linear in c for fixed i_Ca, advanced exactly over a step dt:
 *   c∞ = c_min − τ_decay·(1e4·γ/(2F·δ))·i_Ca,   c ← c∞ + (c − c∞)·e^(−dt/τ_decay).
 *
 * E_Ca by Nernst: E_Ca = 1000·(R·T/2F)·ln([Ca]o/[Ca]i) mV, T = 273.15 + θ, [Ca]o = 2 mM.
 */
import { naturalLog } from './natural-log.js';

export const FARADAY = 96485.33212; // C/mol
export const GAS_CONSTANT = 8.314462618; // J/(mol·K)
export const CA_OUT_MM = 2;

export interface CaShellParams {
  /** free fraction γ (dimensionless) */
  gamma: number;
  /** τ_decay, ms */
  decay: number;
  /** shell depth δ, µm */
  depth: number;
  /** c_min, mM */
  minCai: number;
}

export const CA_SHELL_DEFAULTS = { depth: 0.1, minCai: 1e-4, initCai: 5e-5 } as const;

/** RT/(2F) in mV at θ °C (12.0406 mV at 6.3 °C). */
export function nernstCaFactor(celsius: number): number {
  return (1000 * GAS_CONSTANT * (273.15 + celsius)) / (2 * FARADAY);
}

/**
 * E_Ca (mV) for [Ca]i (mM), given the factor RT/(2F) of nernstCaFactor; ln is ./natural-log.ts, which
 * the engine's WebAssembly kernels compute the same way.
 */
export function nernstCa(factor: number, cai: number): number {
  return factor * naturalLog(CA_OUT_MM / cai);
}

/** E_Ca (mV) for [Ca]i (mM) at θ °C. */
export function caReversal(cai: number, celsius: number): number {
  return nernstCa(nernstCaFactor(celsius), cai);
}

/** The influx factor 1e4·γ/(2F·δ): mA/cm² of Ca current → mM/ms of concentration change. */
export function caInfluxFactor(gamma: number, depth: number): number {
  return (1e4 * gamma) / (2 * FARADAY * depth);
}

/** The constants of the exact step of one shell over dt: e^(−dt/τ_decay) and τ_decay·(influx factor). */
export interface CaShellStepConstants {
  /** e^(−dt/τ_decay) */
  retain: number;
  /** τ_decay·1e4·γ/(2F·δ), mM per mA/cm² */
  gain: number;
}

export function caShellStepConstants(p: CaShellParams, dt: number): CaShellStepConstants {
  return { retain: Math.exp(-dt / p.decay), gain: p.decay * caInfluxFactor(p.gamma, p.depth) };
}

/** The exact step with precomputed constants: c∞ = c_min − gain·i_Ca, c ← c∞ + (c − c∞)·retain. */
export function caShellAdvance(c: number, iCa: number, minCai: number, gain: number, retain: number): number {
  const cInf = minCai - gain * iCa;
  return cInf + (c - cInf) * retain;
}

/** Exact update of one shell over dt with the Ca current density iCa (mA/cm²) held constant. */
export function caShellStep(c: number, iCa: number, p: CaShellParams, dt: number): number {
  const k = caShellStepConstants(p, dt);
  return caShellAdvance(c, iCa, p.minCai, k.gain, k.retain);
}
