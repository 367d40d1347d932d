import { Command } from 'commander';
import { registerSimulate } from './simulate.js';
import { registerGenerate } from './generate.js';
import { registerTrain } from './train.js';
import { registerEvaluate } from './evaluate.js';
import { registerExport } from './export.js';
import { registerBench } from './bench.js';
import { registerServe } from './serve.js';
import { packageVersion } from './version.js';
import { registerWorker } from './worker.js';
import { registerNetwork } from './network.js';

const program = new Command();
program
  .name('neurotwin')
  .description('Detailed reference neurons, their deep-network twins, and a live millisecond stream of both.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError();

registerSimulate(program);
registerGenerate(program);
registerTrain(program);
registerEvaluate(program);
registerExport(program);
registerBench(program);
registerServe(program);
registerWorker(program);
registerNetwork(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`neurotwin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
