/**
 * Server entry point: `node dist/src/main.js` (npm start). PORT (default 8080), NEUROTWIN_MODELS
 * (default ./models) and NEUROTWIN_DEFAULT_MODEL (default if-paper, '' for none) configure it.
 */
import { defaultModelsDir } from './registry/registry.js';
import { defaultModelId, servingNote } from './streaming/config.js';
import { startServer } from './streaming/server.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be an integer in 0..65535, got '${process.env.PORT}'\n`);
  process.exit(2);
}

const modelsDir = defaultModelsDir();
const defaultModel = defaultModelId();
startServer({ port, modelsDir, defaultModel: defaultModel || null }).then(
  (server) =>
    process.stdout.write(`neurotwin: streaming on ${server.url} (${servingNote(modelsDir, defaultModel)})\n`),
  (err: Error) => {
    process.stderr.write(`neurotwin: server failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
