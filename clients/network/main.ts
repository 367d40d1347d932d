/**
 * Example: a balanced network of twins, shaped like a PyNN script. An excitatory and an inhibitory
 * population of one twin model, random projections between them (1-5 ms delays), the paper's input
 * statistics as external drive; spikes (SONATA layout) and a few voltages written to HDF5, and a
 * spike raster rendered to PNG. The twins have no refractoriness of their own (a twin's spike
 * probability stays above threshold while its input does), so recurrent excitation runs away
 * (hundreds of Hz) once a neuron has more than about one excitatory partner; the defaults stay
 * below that.
 *   node dist/clients/network/main.js [--model if-paper] [--neurons 500] [--connectivity 0.003]
 *        [--duration 1000] [--inh-weight 8] [--png raster.png] [--h5 network.h5]
 */
import { writeFileSync } from 'node:fs';
import { Network } from '../../src/network/index.js';
import { rasterPng } from './png.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const model = arg('model', 'if-paper');
  const n = Number(arg('neurons', '500'));
  const p = Number(arg('connectivity', '0.003'));
  const duration = Number(arg('duration', '1000'));
  const inhWeight = Number(arg('inh-weight', '8'));
  const nExc = Math.round(0.8 * n);

  const net = new Network({ seed: 1 });
  const exc = await net.twins('exc', { model, size: nExc });
  const inh = await net.twins('inh', { model, size: n - nExc });
  const rule = { kind: 'fixed-probability' as const, p };
  const delay: [number, number] = [1, 5];
  for (const target of [exc, inh]) {
    net.connect(exc, target, { rule, synapse: 'exc', weight: 1, delay });
    net.connect(inh, target, { rule, synapse: 'inh', weight: inhWeight, delay });
    net.drive(target, { kind: 'paper' });
  }
  const spikes = [net.recordSpikes(exc), net.recordSpikes(inh)];
  net.recordVoltage(exc, [0, 1, 2, 3]);

  const r = await net.run(duration);
  const h5 = arg('h5', 'network.h5');
  const png = arg('png', 'raster.png');
  await net.write(h5, process.argv.join(' '));
  writeFileSync(
    png,
    rasterPng(
      spikes.map((s, k) => ({
        size: k === 0 ? nExc : n - nExc,
        times: s.times.subarray(0, s.count),
        neurons: s.neurons.subarray(0, s.count),
      })),
      duration,
    ),
  );
  await net.dispose();
  const rate = (count: number, size: number) => (count / size / (duration / 1000)).toFixed(2);
  process.stdout.write(
    `${n} twins of ${model} (${nExc} exc, ${n - nExc} inh), p ${p}: ${duration} ms in ${r.wallSeconds.toFixed(2)} s ` +
      `(real-time factor ${r.realTimeFactor.toFixed(3)})\n` +
      `rates: exc ${rate(r.spikes.exc, nExc)} Hz, inh ${rate(r.spikes.inh, n - nExc)} Hz; wrote ${h5} and ${png}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`network example: ${err.message}\n`);
  process.exit(1);
});
