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
  ) {
    this.factor = nernstCaFactor(celsius);
  }

  /** E_Ca at node i from its present [Ca]i, mV. */
  at(i: number): number {
    return nernstCa(this.factor, this.ca.cai[i]);
  }

  initialise(): void {
    this.addCurrents();
  }

  addCurrents(): void {
    const { nodes, cai, eca } = this.ca;
    const factor = this.factor;
    for (let k = 0; k < nodes.length; k++) {
      const i = nodes[k];
      eca[i] = nernstCa(factor, cai[i]);
    }
  }

  advance(): void {
    // E_Ca is an assigned variable: recomputed from [Ca]i at the start of every substep
  }
}
