/** E_Ca by Nernst (mechanisms/ca-shell.ts) from the present [Ca]i, before the Ca channels use it. */
import { CA_OUT_MM, nernstCa, nernstCaFactor } from '../mechanisms/ca-shell.js';
import type { Mechanism } from './mechanism.js';
import type { CaIon } from './membrane.js';
import type { CableKernels } from './wasm-kernels.js';

export class NernstCa implements Mechanism {
  readonly name = 'NernstCa';
  /** RT/(2F), mV */
  readonly factor: number;

  constructor(
    private readonly ca: CaIon,
    celsius: number,
    private readonly lanes: number,
    private readonly kernels: CableKernels | null,
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
    if (this.kernels) {
      this.kernels.nernstCa(
        slots.length,
        slots.byteOffset,
        cai.byteOffset,
        eca.byteOffset,
        factor,
        CA_OUT_MM,
      );
      return;
    }
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      eca[i] = nernstCa(factor, cai[i]);
    }
  }

  advance(): void {
    // E_Ca is an assigned variable: recomputed from [Ca]i at the start of every substep
  }
}
