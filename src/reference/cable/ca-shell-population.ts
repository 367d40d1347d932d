/**
 * The Ca shell (mechanisms/ca-shell.ts) as a mechanism: it clears the Ca current density before the
 * Ca channels add theirs, and after the solve advances [Ca]i exactly with that current (moved to the
 * half step first under Crank–Nicolson: i_Ca + g_Ca·δ).
 */
import type { CaShellModel } from './cell-model.js';
import { caShellAdvance, caShellStepConstants } from '../mechanisms/ca-shell.js';
import type { Mechanism } from './mechanism.js';
import { repeatPerLane, type CaIon, type Membrane } from './membrane.js';

export class CaShellPopulation implements Mechanism {
  readonly name = 'CaShell';
  /** e^(−dt/τ_decay) and τ_decay·(influx factor) per slot of ca.slots */
  private readonly retain: Float64Array;
  private readonly gain: Float64Array;
  private readonly minCai: number;
  private readonly initCai: number;
  private readonly halfStep: boolean;

  constructor(
    shell: CaShellModel,
    private readonly ca: CaIon,
    private readonly membrane: Membrane,
  ) {
    const nodes = ca.nodes;
    const retain = new Float64Array(nodes.length);
    const gain = new Float64Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) {
      const i = nodes[k];
      const c = caShellStepConstants(
        { gamma: shell.gamma[i], decay: shell.decay[i], depth: shell.depth, minCai: shell.minCai },
        membrane.dt,
      );
      retain[k] = c.retain;
      gain[k] = c.gain;
    }
    this.retain = membrane.store.place(repeatPerLane(retain, membrane.lanes));
    this.gain = membrane.store.place(repeatPerLane(gain, membrane.lanes));
    this.minCai = shell.minCai;
    this.initCai = shell.initCai;
    this.halfStep = membrane.method === 'crank-nicolson';
  }

  initialise(): void {
    this.ca.cai.fill(this.initCai);
    this.ca.iCa.fill(0);
  }

  addCurrents(): void {
    const { slots, iCa, gCa } = this.ca;
    const kernels = this.membrane.kernels;
    if (kernels) {
      kernels.caShellClear(
        slots.length,
        slots.byteOffset,
        iCa.byteOffset,
        gCa.byteOffset,
        this.membrane.lanes,
      );
      return;
    }
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      iCa[i] = 0;
      gCa[i] = 0;
    }
  }

  advance(): void {
    const { slots, cai, iCa, gCa } = this.ca;
    const { retain, gain, minCai } = this;
    const dv = this.membrane.dv;
    const halfStep = this.halfStep;
    const kernels = this.membrane.kernels;
    if (kernels) {
      kernels.caShellAdvance(
        slots.length,
        slots.byteOffset,
        cai.byteOffset,
        iCa.byteOffset,
        gCa.byteOffset,
        dv.byteOffset,
        retain.byteOffset,
        gain.byteOffset,
        minCai,
        halfStep ? 1 : 0,
        this.membrane.lanes,
      );
      return;
    }
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      if (halfStep) iCa[i] += gCa[i] * dv[i];
      cai[i] = caShellAdvance(cai[i], iCa[i], minCai, gain[s], retain[s]);
    }
  }
}
