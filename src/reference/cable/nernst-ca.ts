/** E_Ca by Nernst (mechanisms/ca-shell.ts) from the present [Ca]i, before the Ca channels use it. */
import { nernstCa, nernstCaFactor } from '../mechanisms/ca-shell.js';
import type { Mechanism } from './mechanism.js';
import type { CaIon } from './membrane.js';

export class NernstCa implements Mechanism {
  readonly name = 'NernstCa';
  /** RT/(2F), mV */
  readonly factor: number;

  constructor(
    private readonly ca: CaIon,
    celsius: number,
    private readonly lanes: number,
  ) {
    this.factor = nernstCaFactor(celsius);
  }

  /** E_Ca at a node of a lane from its present [Ca]i, mV. */
  at(node: number, lane = 0): number {
    return nernstCa(this.factor, this.ca.cai[node * this.lanes + lane]);
  }

  initialise(): void {
    this.addCurrents();
  }

  addCurrents(): void {
    const { slots, cai, eca } = this.ca;
    const factor = this.factor;
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      eca[i] = nernstCa(factor, cai[i]);
    }
  }

  advance(): void {
    // E_Ca is an assigned variable: recomputed from [Ca]i at the start of every substep
  }
}
