/**
 * One shard of a ShardedBatch: a KernelBatch in a worker thread, fed through shared memory. The
 * worker loops on its request counter (shard-protocol.ts) rather than on its event loop: it takes
 * each request from its port synchronously, applies the slot changes, steps (the CSR and idle flags
 * are already in the shared input buffers, the outputs go to the shared output buffer) and answers
 * by bumping the counter of answered requests.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { StepModel } from '../step-model.js';
import { KernelBatch } from './kernel-batch.js';
import {
  ANSWERED,
  FAILED,
  REQUESTED,
  WORKER_SPIN_MS,
  type ShardInit,
  type ShardReady,
  type ShardRequest,
  type ShardViews,
  carryOut,
  shardViews,
  spinWhile,
} from './shard-protocol.js';

async function serve(): Promise<void> {
  const parent = parentPort;
  if (!parent) throw new Error('shard-worker must run in a worker thread');
  const init = workerData as ShardInit;
  const control = new Int32Array(init.control);
  let model: StepModel;
  let batch: KernelBatch;
  try {
    model = await StepModel.load(init.manifest, init.stepPath);
    batch = new KernelBatch(model, init.capacity);
  } catch (err) {
    parent.postMessage({ error: (err as Error).message } satisfies ShardReady);
    return;
  }
  parent.postMessage({ ready: true } satisfies ShardReady);
  let views: ShardViews | null = null;
  let seen = 0;
  for (;;) {
    while (!spinWhile(control, REQUESTED, seen, WORKER_SPIN_MS)) Atomics.wait(control, REQUESTED, seen);
    // the request was posted before its counter moved
    let received = receiveMessageOnPort(init.port);
    while (!received) received = receiveMessageOnPort(init.port);
    const req = received.message as ShardRequest;
    seen++;
    if (req.dispose) break;
    try {
      if (req.buffers) views = shardViews(req.buffers);
      if (!views) throw new Error('a shard request came before its buffers');
      carryOut(batch, req.ops, req.step, views);
    } catch (err) {
      init.port.postMessage({ error: (err as Error).message });
      Atomics.store(control, FAILED, seen);
    }
    Atomics.store(control, ANSWERED, seen);
    Atomics.notify(control, ANSWERED);
  }
  // the parent waits for this thread's exit
  await batch.dispose();
  await model.dispose();
  init.port.close();
}

void serve();
