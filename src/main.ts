/**
 * Server entry point: `node dist/src/main.js` (npm start). PORT (default 8080), NEUROTWIN_HOST
 * (default 0.0.0.0), NEUROTWIN_MODELS (default ./models), NEUROTWIN_DEFAULT_MODEL (default
 * if-paper, '' for none) and the operational variables of src/streaming/ops/settings.ts
 * (NEUROTWIN_TOKEN, NEUROTWIN_MAX_SESSIONS, …) configure it.
 */
import { defaultModelsDir } from './registry/registry.js';
import { defaultModelId, servingNote } from './streaming/config.js';
import { operationSettings, type OperationSettings } from './streaming/ops/settings.js';
import { startServer } from './streaming/server.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be an integer in 0..65535, got '${process.env.PORT}'\n`);
  process.exit(2);
}

let operations: OperationSettings;
try {
  operations = operationSettings(process.env);
} catch (err) {
  process.stderr.write(`neurotwin: ${(err as Error).message}\n`);
  process.exit(2);
}

const modelsDir = defaultModelsDir();
const defaultModel = defaultModelId();
const host = process.env.NEUROTWIN_HOST ?? '0.0.0.0';
startServer({ port, host, modelsDir, defaultModel: defaultModel || null, ...operations }).then(
  (server) =>
    process.stdout.write(
      `neurotwin: streaming on ${server.boundUrl} (${server.addressNote}${operations.token ? '; token required' : ''}; ${servingNote(modelsDir, defaultModel)})\n`,
    ),
  (err: Error) => {
    process.stderr.write(`neurotwin: server failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
