/**
 * The pressure of `npm run bench:flood` in a process of its own, apart from the control session:
 * the flooder's (or the churn's) own encoding, garbage collection and socket work then cost the
 * control nothing, and the control's lag is the server's. Started with one JSON argument,
 * {job: 'flood' | 'churn', url, options}; it sends the job's result to its parent and exits.
 */
import { churn, flood, type ChurnOptions, type FloodOptions } from './stream-pressure.js';

type Job =
  { job: 'flood'; url: string; options: FloodOptions } | { job: 'churn'; url: string; options: ChurnOptions };

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const result =
  job.job === 'flood'
    ? await flood(job.url, job.options)
    : job.job === 'churn'
      ? await churn(job.url, job.options)
      : null;
if (result === null)
  throw new Error(`pressure-client: unknown job ${JSON.stringify((job as { job?: unknown }).job)}`);
process.send!(result, () => process.exit(0));
