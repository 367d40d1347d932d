import type { Command } from 'commander';
import { resolve } from 'node:path';
import { integrationLabel, resolveIntegration } from '../reference/integration.js';
import { defaultModelsDir } from '../registry/registry.js';
import { defaultModelId, servingNote } from '../streaming/config.js';
import { OPERATION_SETTINGS, operationSettings } from '../streaming/ops/settings.js';
import { startServer } from '../streaming/server.js';
import { addIntegrationFlags, givenIntegration, type IntegrationFlags } from './integration-flags.js';

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got '${text}'`);
  return port;
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('Run the streaming server (HTTP /health, /models; WebSocket /stream)')
    .option(
      '--port <n>',
      'port to listen on (0 picks a free one)',
      parsePort,
      Number(process.env.PORT ?? 8080),
    )
    .option('--models <dir>', 'models directory (env NEUROTWIN_MODELS)', defaultModelsDir())
    .option(
      '--host <addr>',
      'address to bind (env NEUROTWIN_HOST; 127.0.0.1: this machine only)',
      process.env.NEUROTWIN_HOST ?? '0.0.0.0',
    )
    .option(
      '--default-model <id>',
      "model served to a client that names none ('' for none; env NEUROTWIN_DEFAULT_MODEL)",
      defaultModelId(),
    );
  addIntegrationFlags(serve, 'compartmental reference cells');
  for (const s of OPERATION_SETTINGS) serve.option(s.flag, `${s.help} (env ${s.env})`);
  serve.action(
    async (
      opts: {
        port: number;
        models: string;
        host: string;
        defaultModel: string;
      } & IntegrationFlags &
        Record<string, string | undefined>,
    ) => {
      const integration = resolveIntegration(givenIntegration(opts));
      const operations = operationSettings(process.env, opts);
      const modelsDir = resolve(opts.models);
      const server = await startServer({
        port: opts.port,
        host: opts.host,
        modelsDir,
        defaultModel: opts.defaultModel || null,
        referenceIntegration: integration,
        ...operations,
      });
      process.stdout.write(
        `neurotwin: streaming on ${server.boundUrl} (${server.addressNote}${operations.token ? '; token required' : ''}; ${servingNote(modelsDir, opts.defaultModel)}; compartmental references ${integrationLabel(integration)} ms)\n`,
      );
    },
  );
}
