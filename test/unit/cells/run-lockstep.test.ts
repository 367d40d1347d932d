import { describe, it, expect } from '@jest/globals';
import { describeNamedCell } from '../../../src/reference/cells/describe.js';
import { runLockstepProtocols } from '../../../src/reference/cells/run-lockstep.js';
import { runProtocol } from '../../../src/reference/cells/run-protocol.js';
import type { ProtocolDescription } from '../../../src/reference/neuron-oracle/exchange-format.js';
import { paperInputProtocol } from '../../../src/reference/neuron-oracle/paper-protocol.js';

const cell = describeNamedCell('l5pc-nmda');
const T = 40;
const protocol = (seed: number, amp: number): ProtocolDescription => ({
  ...paperInputProtocol(cell, 'nmda', T, seed, 0.03125, 'crank-nicolson'),
  record: [
    { name: 'soma', section: 0, x: 0.5 },
    { name: 'dend', section: 5, x: 0.5 },
  ],
  recordEvery: 0.25,
  iclamps: [{ section: 0, x: 0.5, delay: 10, dur: 20, amp }],
});

describe('protocols as the lanes of one engine (runLockstepProtocols)', () => {
  it('records, lane by lane, the traces of each protocol run alone, to the bit', () => {
    const protocols = [protocol(3, 0), protocol(4, 0.9)];
    const together = runLockstepProtocols(cell, protocols);
    expect(together.usedKernels).toBe(true);
    protocols.forEach((p, l) => {
      const alone = runProtocol(cell, p);
      for (const name of ['soma', 'dend']) {
        expect(together.traces[l][name].length).toBe(T / 0.25 + 1);
        expect(Array.from(together.traces[l][name])).toEqual(Array.from(alone.traces[name]));
      }
    });
    expect(Array.from(together.traces[0].soma)).not.toEqual(Array.from(together.traces[1].soma));
  });

  it('refuses protocols that differ in their stepping or record more than voltage', () => {
    const a = protocol(1, 0);
    expect(() => runLockstepProtocols(cell, [a, { ...a, dt: 0.025 }])).toThrow(
      'protocols in lockstep must share dt, method, tstop, recordEvery and recordings',
    );
    const cai = { ...a, record: [{ name: 'c', section: 0, x: 0.5, variable: 'cai' }] };
    expect(() => runLockstepProtocols(cell, [cai, cai])).toThrow(
      "protocols in lockstep record voltage only, not 'cai' (c)",
    );
    expect(() => runLockstepProtocols(cell, [])).toThrow('no protocols to run in lockstep');
  });
});
