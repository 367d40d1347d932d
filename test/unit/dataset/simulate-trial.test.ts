import { describe, it, expect } from '@jest/globals';
import { simulateTrial, trialSpikeTimes } from '../../../src/dataset/simulate-trial.js';
import { integrateAndFireBatch } from '../../../src/reference/integrate-and-fire/batch.js';
import { spikeLabels } from '../../../src/core/conventions.js';

describe('one trial', () => {
  it('drops a spike in the last bin only under the I&F spike-bin convention', () => {
    expect(trialSpikeTimes([3, 9], 10, 'spike-bin')).toEqual([3]);
    expect(trialSpikeTimes([3, 9.7, 10.2], 10, 'half-bin-offset')).toEqual([3, 9.7]);
  });

  it('matches the batch I&F on the trial inputs, with labels from the spike times', () => {
    const T = 3000;
    let spikes = 0;
    for (const seed of [21, 22]) {
      const trial = simulateTrial('if', seed, T);
      const exc = Array.from({ length: 80 }, () => new Uint8Array(T));
      const inh = Array.from({ length: 20 }, () => new Uint8Array(T));
      trial.exc.times.forEach((t, i) => (exc[trial.exc.ids[i]][t] = 1));
      trial.inh.times.forEach((t, i) => (inh[trial.inh.ids[i]][t] = 1));
      const batch = integrateAndFireBatch(exc, inh, T);
      expect(Array.from(trial.spikeTimes)).toEqual(batch.spikeBins);
      let worst = 0;
      for (let t = 0; t < T; t++)
        worst = Math.max(worst, Math.abs(trial.somaVoltage[t] - Math.fround(batch.voltage[t])));
      expect(worst).toBeLessThan(1e-4);
      expect(trial.spikeLabels).toEqual(spikeLabels(trial.spikeTimes, T, 'spike-bin'));
      expect(trial.generator).toMatchObject({ preset: 'if-paper', groups: ['all'] });
      spikes += trial.spikeTimes.length;
    }
    expect(spikes).toBeGreaterThan(0);
  });

  it('names unknown cells', () => {
    expect(() => simulateTrial('l5pc-x', 1, 100)).toThrow(/unknown cell 'l5pc-x'/);
  });
});
