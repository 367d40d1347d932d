/**
 * The mechanisms by the names every stage uses (cell models, cell descriptions for NEURON, records):
 * the density mechanisms a compartment may carry, the voltage-gated channels among them (SK is
 * Ca-gated, see ./sk.ts), and the parameters of the synapse types (./synapses.ts).
 */
import { CAHVA } from './cahva.js';
import { CALVA } from './calva.js';
import { ihChannel } from './ih.js';
import { IM } from './im.js';
import { KP } from './kp.js';
import { KT } from './kt.js';
import { KV31 } from './kv31.js';
import { NAP } from './nap.js';
import { NATA } from './nata.js';
import { NATS2 } from './nats2.js';
import type { ChannelDefinition } from './rate-helpers.js';

/** Density mechanisms (maximal conductance per compartment, S/cm²), by spec section. */
export type MechanismName =
  | 'NaTs2' // transient Na, soma/apical (spec 4.1)
  | 'NaTa' // transient Na, axonal (4.2)
  | 'NaP' // persistent Na (4.3)
  | 'KT' // transient K (4.4)
  | 'KP' // persistent K (4.5)
  | 'Kv31' // Kv3.1 (4.6)
  | 'SK' // Ca-activated K (4.7)
  | 'Im' // M current (4.8)
  | 'Ih' // HCN (4.9)
  | 'CaHVA' // (4.10)
  | 'CaLVA'; // (4.11)

export type SynapseKind = 'ampa-nmda' | 'ampa' | 'gaba-a';

/** A double-exponential synapse type (spec §5); the paper's are in ./synapses.ts. */
export interface SynapseParams {
  kind: SynapseKind;
  /** AMPA (or GABA_A) rise/decay, ms */
  tauRise: number;
  tauDecay: number;
  /** NMDA component (ampa-nmda only), ms */
  tauRiseNmda?: number;
  tauDecayNmda?: number;
  /** peak conductance, µS */
  gmax: number;
  /** reversal, mV */
  e: number;
  /** [Mg]o, mM (ampa-nmda only) */
  mg?: number;
}

export type VoltageGatedName = Exclude<MechanismName, 'SK'>;

export const VOLTAGE_GATED_NAMES: readonly VoltageGatedName[] = [
  'NaTs2',
  'NaTa',
  'NaP',
  'KT',
  'KP',
  'Kv31',
  'Im',
  'Ih',
  'CaHVA',
  'CaLVA',
];

export const MECHANISM_NAMES: readonly MechanismName[] = [...VOLTAGE_GATED_NAMES, 'SK'];

/** Channel definition by name; Ih takes its voltage shift V_s (mV). */
export function channelDefinition(name: VoltageGatedName, ihVShift = 0): ChannelDefinition {
  switch (name) {
    case 'NaTs2':
      return NATS2;
    case 'NaTa':
      return NATA;
    case 'NaP':
      return NAP;
    case 'KT':
      return KT;
    case 'KP':
      return KP;
    case 'Kv31':
      return KV31;
    case 'Im':
      return IM;
    case 'Ih':
      return ihChannel(ihVShift);
    case 'CaHVA':
      return CAHVA;
    case 'CaLVA':
      return CALVA;
  }
}
