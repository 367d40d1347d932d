import { describe, it, expect } from '@jest/globals';
import { binOffsets, binTrains, emptyBins, findBadSynapse, flattenBins } from '../../../src/core/spikes.js';

describe('spike trains', () => {
  it('writes bins out one by one as time-sorted trains with their bin index', () => {
    const b = flattenBins([{ exc: [3, 1] }, {}, { exc: [2], inh: [0, 5] }]);
    expect(b.count).toBe(3);
    expect(Array.from(b.exc.times)).toEqual([0, 0, 2]);
    expect(Array.from(b.exc.ids)).toEqual([3, 1, 2]);
    expect(Array.from(b.excOffsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(b.inh.times)).toEqual([2, 2]);
    expect(Array.from(b.inhOffsets)).toEqual([0, 0, 0, 2]);
    expect(binTrains(b.exc, b.inh, 3)).toEqual(b);
  });

  it('indexes a train by bin and refuses spikes out of order or outside the trial', () => {
    const train = { times: Int32Array.from([0, 2, 2, 4]), ids: Int32Array.from([9, 8, 7, 6]) };
    expect(Array.from(binOffsets(train, 5))).toEqual([0, 1, 1, 3, 3, 4]);
    expect(() => binOffsets(train, 4)).toThrow('spike 3 at bin 4 is out of order or outside [0, 4)');
    const unsorted = { times: Int32Array.from([1, 0]), ids: Int32Array.from([0, 0]) };
    expect(() => binOffsets(unsorted, 2)).toThrow(/spike 1 at bin 0 is out of order/);
  });

  it('gives empty bins with an index of the right length', () => {
    const e = emptyBins(4);
    expect(e.count).toBe(4);
    expect(Array.from(e.excOffsets)).toEqual([0, 0, 0, 0, 0]);
    expect(e.exc.ids.length + e.inh.ids.length).toBe(0);
  });

  it('finds the first bin with an out-of-range synapse id', () => {
    expect(findBadSynapse(flattenBins([{ exc: [7] }, { inh: [3] }]), 8, 4)).toBeNull();
    expect(findBadSynapse(flattenBins([{ exc: [1] }, { exc: [8] }]), 8, 4)).toEqual({
      bin: 1,
      text: 'excitatory id 8 is not in [0, 8)',
    });
    expect(findBadSynapse(flattenBins([{ exc: [0] }, { exc: [9] }, { inh: [4] }]), 8, 4)?.bin).toBe(1);
    expect(findBadSynapse(flattenBins([{ exc: [0] }, { inh: [4] }, { exc: [9] }]), 8, 4)).toEqual({
      bin: 1,
      text: 'inhibitory id 4 is not in [0, 4)',
    });
    expect(findBadSynapse(flattenBins([{ exc: [-1] }]), 8, 4)?.text).toBe(
      'excitatory id -1 is not in [0, 8)',
    );
  });
});
