/**
 * The voltage-gated channels by the names used in cell descriptions (SK is Ca-gated and handled
 * apart, see ./sk.ts).
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

/** The mechanisms of a cell by their names in cell descriptions and NMODL files. */
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
