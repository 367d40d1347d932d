import type { Command } from 'commander';
import { cpus } from 'node:os';
import { parseInteger } from './options.js';

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalled?: number;
  quiet?: boolean;
}

/**
 * `neurotwin worker --queue redis://HOST:PORT`: simulates the trials that `generate --queue` puts on
 * the queue, until interrupted (SIGINT/SIGTERM: finish the trials in progress, then exit; a second
 * signal exits at once and the trials in progress go back to the queue).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'simulate the trials that `generate --queue` puts on a Redis queue (any number, on any machines)',
    )
    .requiredOption('--queue <url>', 'the Redis server of the queue: redis://HOST:PORT')
    .option(
      '--concurrency <k>',
      'trials simulated at once, one thread each (default: all cores)',
      parseInteger('concurrency', 1, 1024),
    )
    .option(
      '--lock-duration <ms>',
      'a trial whose worker stops renewing its lock this long is retried elsewhere (default 30000)',
      parseInteger('lock-duration', 1000, 3_600_000),
    )
    .option(
      '--stalled-interval <ms>',
      'how often to look for trials of dead workers (default: BullMQ default)',
      parseInteger('stalled-interval', 100, 3_600_000),
    )
    .option(
      '--max-stalled <n>',
      'times a trial may lose its worker before it fails (default 5)',
      parseInteger('max-stalled', 1, 1000),
    )
    .option('--quiet', 'no line per trial')
    .action(async (flags: WorkerFlags) => {
      // imported here so that the other commands never load bullmq
      const { startQueueWorker } = await import('../dataset/queue/queue-worker.js');
      const log = flags.quiet
        ? undefined
        : (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const handle = await startQueueWorker({
        url: flags.queue,
        concurrency: flags.concurrency ?? cpus().length,
        lockDuration: flags.lockDuration,
        stalledInterval: flags.stalledInterval,
        maxStalledCount: flags.maxStalled,
        log: (line) => log?.(line),
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          process.stderr.write(`worker ${handle.name}: ${signal}, finishing the trials in progress\n`);
          process.once('SIGINT', () => process.exit(130));
          process.once('SIGTERM', () => process.exit(143));
          void handle.close().then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
