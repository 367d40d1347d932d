import { describe, it, expect } from '@jest/globals';
import {
  SpikeEventBank,
  SpikeEventDetector,
  calibrateThreshold,
  detectSpikeEvents,
  spikeTiming,
} from '../../../src/surrogate/spike-events.js';

/** A probability trace with a bump of `width` bins peaking at each of `peaks`. */
function bumps(length: number, peaks: number[], width = 4, height = 0.9): Float32Array {
  const p = new Float32Array(length).fill(0.001);
  for (const c of peaks)
    for (let k = c - width; k <= c + width; k++)
      if (k >= 0 && k < length) p[k] = Math.max(p[k], height * Math.exp(-((k - c) ** 2) / 4));
  return p;
}

describe('spike events', () => {
  it('one event per bump, at its upward crossing, however many bins stay above threshold', () => {
    const p = bumps(200, [50, 120]);
    const aboveBins = Array.from(p).filter((x) => x >= 0.2).length;
    expect(aboveBins).toBeGreaterThan(4); // the old flag counted every one of these
    expect(Array.from(detectSpikeEvents(p, { threshold: 0.2, refractoryBins: 3 }))).toEqual([48, 118]);
  });

  it('the refractory window merges a flicker around the threshold into one event', () => {
    const p = Float32Array.from([0, 0.5, 0.1, 0.5, 0.1, 0, 0, 0, 0.6, 0]);
    expect(Array.from(detectSpikeEvents(p, { threshold: 0.3, refractoryBins: 3 }))).toEqual([1, 8]);
    expect(Array.from(detectSpikeEvents(p, { threshold: 0.3, refractoryBins: 0 }))).toEqual([1, 3, 8]);
  });

  it('the streaming detector gives the batch result across chunk borders', () => {
    const p = bumps(300, [30, 31 + 8, 150, 290]);
    const rule = { threshold: 0.25, refractoryBins: 3 };
    const d = new SpikeEventDetector(rule);
    const streamed: number[] = [];
    for (let k = 0; k < p.length; k++) if (d.step(p[k])) streamed.push(k);
    expect(streamed).toEqual(Array.from(detectSpikeEvents(p, rule)));
    expect(() => new SpikeEventDetector({ threshold: 0, refractoryBins: 3 })).toThrow(/threshold/);
    expect(() => new SpikeEventDetector({ threshold: 0.5, refractoryBins: -1 })).toThrow(/refractory/);
  });

  it('a bank of streams steps each stream as its own detector would', () => {
    const rule = { threshold: 0.3, refractoryBins: 2 };
    const traces = [
      Float32Array.from([0, 0.5, 0.1, 0.5, 0.1, 0, 0, 0, 0.6, 0]),
      bumps(10, [2, 7], 1),
      new Float32Array(10).fill(0.9),
      Float32Array.from([0.31, 0.2, 0.31, 0.2, 0.31, 0.2, 0.31, 0.2, 0.31, 0.2]),
    ];
    const bank = new SpikeEventBank(rule, traces.length);
    const spikes = new Uint8Array(traces.length);
    const got: number[][] = traces.map(() => []);
    for (let k = 0; k < 10; k++) {
      bank.step(
        traces.map((t) => t[k]),
        spikes,
      );
      spikes.forEach((s, i) => s && got[i].push(k));
    }
    expect(got).toEqual(traces.map((t) => Array.from(detectSpikeEvents(t, rule))));
    expect(got[3]).toEqual([0, 4, 8]); // a flicker every other bin: events 3 bins apart at most
    expect(() => new SpikeEventBank({ threshold: 1.5, refractoryBins: 0 }, 2)).toThrow(/threshold/);
  });

  it('calibration finds a threshold whose event count equals the reference count', () => {
    // 3 reference spikes; the trace has 2 tall bumps and 3 small ones
    const p = new Float32Array(2000).fill(0.001);
    const tall = bumps(2000, [700, 1500], 4, 0.9);
    const small = bumps(2000, [900, 1100, 1300], 4, 0.1 + 0.2);
    for (let k = 0; k < p.length; k++) p[k] = Math.max(tall[k], small[k], p[k]);
    p[1100] = 0.5; // the middle small bump is taller than the other two small ones
    const labels = new Uint8Array(2000);
    for (const k of [700, 1100, 1500]) labels[k] = 1;
    const c = calibrateThreshold([{ spikeProb: p, labels }], 3, 500);
    expect(c.reference).toBe(3);
    expect(c.predicted).toBe(3);
    const events = Array.from(detectSpikeEvents(p, { threshold: c.threshold, refractoryBins: 3 }));
    expect(events.length).toBe(3);
    expect(() => calibrateThreshold([{ spikeProb: p, labels: new Uint8Array(2000) }])).toThrow(
      /no reference spikes/,
    );
  });

  it('precision and recall count one-to-one matches within the tolerance', () => {
    const p = bumps(2000, [600, 800, 1000]);
    const labels = new Uint8Array(2000);
    for (const k of [599, 805, 1200]) labels[k] = 1; // the event at 598 is 1 bin off; 798 is 7 off
    const events = Array.from(detectSpikeEvents(p, { threshold: 0.5, refractoryBins: 3 }));
    expect(events.length).toBe(3);
    const m = spikeTiming([{ spikeProb: p, labels }], { threshold: 0.5, refractoryBins: 3 }, 2, 500);
    expect(m.predictedSpikes).toBe(3);
    expect(m.referenceSpikes).toBe(3);
    expect(m.precision).toBeCloseTo(1 / 3, 6);
    expect(m.recall).toBeCloseTo(1 / 3, 6);
  });
});
