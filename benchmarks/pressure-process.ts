/**
 * Starts a flood or a churn (stream-pressure.ts) in a client process of its own
 * (pressure-client.ts, compiled), 10 nice levels below this one, and resolves with its result.
 * Apart from the control session and the server, the pressure's own encoding, garbage collection
 * and socket work cost them nothing, and on a machine of few cores it does not keep them waiting
 * for a core (its rate is the server's to set anyway).
 */
import { fork } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import type { ChurnOptions, ChurnResult, FloodOptions, FloodResult } from './stream-pressure.js';

/** `script`: the compiled pressure-client.js to run */
export function pressureProcess(
  script: string,
  job: 'flood',
  url: string,
  options: FloodOptions,
): Promise<FloodResult>;
export function pressureProcess(
  script: string,
  job: 'churn',
  url: string,
  options: ChurnOptions,
): Promise<ChurnResult>;
export function pressureProcess(script: string, job: string, url: string, options: object): Promise<unknown> {
  const child = fork(script, [JSON.stringify({ job, url, options })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid !== undefined) setPriority(child.pid, Math.min(19, getPriority() + 10));
  return new Promise((ok, ko) => {
    let result: unknown;
    child.once('message', (m) => (result = m));
    child.once('error', ko);
    child.once('exit', (code) =>
      result === undefined ? ko(new Error(`the ${job} client exited with code ${code}`)) : ok(result),
    );
  });
}
