/**
 * Server entry point: `node dist/src/main.js`. PORT (default 8080) and NEUROTWIN_MODELS (default
 * ./models) configure it.
 */
import { defaultModelsDir } from './registry/registry.js';
import { startServer } from './streaming/server.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be an integer in 0..65535, got '${process.env.PORT}'\n`);
  process.exit(2);
}

startServer({ port, modelsDir: defaultModelsDir() }).then(
  (server) =>
    process.stdout.write(`neurotwin: streaming on ${server.url} (models from ${defaultModelsDir()})\n`),
  (err: Error) => {
    process.stderr.write(`neurotwin: server failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
