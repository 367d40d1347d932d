/**
 * A fixed number of simulation threads (trial-thread.ts), each running one trial at a time; requests
 * beyond that wait their turn. A thread that dies fails its trial (so BullMQ retries it) and is
 * replaced on the next request.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledModule } from '../../core/package-root.js';
import type { ThreadReply, ThreadRequest } from './thread-protocol.js';
import { TrialRefusal } from './trial-job.js';

/** The compiled thread script: next to this module in dist/, or in dist/ of the project root. */
export function threadScriptPath(): string {
  return fileURLToPath(compiledModule('dataset/queue/trial-thread.js', import.meta.url));
}

interface Pending {
  request: ThreadRequest;
  resolve: (r: { ms: number; bytes: Buffer }) => void;
  reject: (err: Error) => void;
}

interface Slot {
  thread: Worker | null;
  current: Pending | null;
}

export class ThreadPool {
  private readonly slots: Slot[];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    size: number,
    private readonly script = threadScriptPath(),
  ) {
    this.slots = Array.from({ length: size }, () => ({ thread: null, current: null }));
  }

  run(request: Omit<ThreadRequest, 'id'>): Promise<{ ms: number; bytes: Buffer }> {
    if (this.closed) return Promise.reject(new Error('thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { ...request, id: this.nextId++ }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.waiting.splice(0)) p.reject(new Error('thread pool is closed'));
    await Promise.all(this.slots.map((s) => s.thread?.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.current) continue;
      const pending = this.waiting.shift()!;
      slot.current = pending;
      (slot.thread ??= this.spawn(slot)).postMessage(pending.request);
    }
  }

  private spawn(slot: Slot): Worker {
    const thread = new Worker(this.script);
    const fail = (err: Error): void => {
      if (slot.thread !== thread) return;
      slot.thread = null;
      const pending = slot.current;
      slot.current = null;
      pending?.reject(new Error(`simulation thread died: ${err.message}`));
      if (!this.closed) this.dispatch();
    };
    thread.on('message', (reply: ThreadReply) => {
      const pending = slot.current;
      if (!pending || pending.request.id !== reply.id) return;
      slot.current = null;
      if ('error' in reply)
        pending.reject(reply.refused ? new TrialRefusal(reply.error) : new Error(reply.error));
      else
        pending.resolve({
          ms: reply.ms,
          bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength),
        });
      this.dispatch();
    });
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return thread;
  }
}
