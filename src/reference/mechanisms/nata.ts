/**
 * Transient Na, axonal variant NaTa_t (spec §4.2): the NaTs2_t equations (./nats2.ts) shifted by
 * −6 mV, i.e. activation centred at −38 mV and inactivation at −66 mV.
 *   i = ḡ m³ h (V − E_Na)   [mA/cm²]
 */
import { transientNaChannel } from './nats2.js';

export const NATA = transientNaChannel('NaTa', -38, -66);
