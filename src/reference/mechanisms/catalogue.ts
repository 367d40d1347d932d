/**
 * The voltage-gated channels by the names used in cell descriptions (SK is Ca-gated and handled
 * apart, see ./sk.ts).
 */
import type { MechanismName } from '../neuron-oracle/exchange-format.js';
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
