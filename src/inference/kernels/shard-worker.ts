/**
 * One shard of a ShardedBatch: a KernelBatch in a worker thread, fed through shared memory. The
 * parent posts the slot changes and a doorbell per step; the input CSR and idle flags are already
 * in the shared input buffers, and the outputs go back into the shared output buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StepModel } from '../step-model.js';
import { KernelBatch } from './kernel-batch.js';
import { ADD, type ShardInit, type ShardReply, type ShardRequest } from './shard-protocol.js';

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('shard-worker must run in a worker thread');
  const init = workerData as ShardInit;
  const model = await StepModel.load(init.manifest, init.stepPath);
  const batch = new KernelBatch(model, init.capacity);
  let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  let idle: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  let out: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let capacity = 0;
  const reply = (r: ShardReply): void => port.postMessage(r);
  port.on('message', (req: ShardRequest) => {
    void (async () => {
      try {
        if (req.dispose) {
          await batch.dispose();
          await model.dispose();
          port.close();
          return;
        }
        if (req.buffers) {
          words = new Uint32Array(req.buffers.input);
          idle = new Uint8Array(req.buffers.idle);
          out = new Float32Array(req.buffers.output);
          capacity = req.buffers.capacity;
        }
        for (let i = 0; i < req.ops.length; i++) {
          if (req.ops[i] === ADD) batch.addSlot();
          else batch.removeSlot(req.ops[++i]);
        }
        if (req.step) {
          const { n, bins, idsAt } = req.step;
          await batch.step({ offsets: words, ids: words.subarray(idsAt) }, idle, bins);
          out.set(batch.voltage.subarray(0, n * bins), 0);
          out.set(batch.spikeProb.subarray(0, n * bins), capacity);
        }
        reply({ done: true });
      } catch (err) {
        reply({ error: (err as Error).message });
      }
    })();
  });
  reply({ ready: true });
}

void serve();
