/** Builds and starts the Nest application: HTTP on `port`, WebSocket stream on /stream. */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { defaultStreamingConfig, type StreamingConfig } from './config.js';
import { frameParser } from './frame-parser.js';
import { StreamingModule } from './streaming.module.js';

export interface StartOptions extends Partial<StreamingConfig> {
  modelsDir: string;
  /** 0 picks a free port */
  port: number;
  host?: string;
  logLevels?: LogLevel[] | false;
}

export interface RunningServer {
  app: INestApplication;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { port, host = '0.0.0.0', logLevels = ['log', 'warn', 'error'], ...rest } = opts;
  const config: StreamingConfig = { ...defaultStreamingConfig(opts.modelsDir), ...rest };
  const app = await NestFactory.create(StreamingModule.forRoot(config), { logger: logLevels });
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: frameParser }));
  app.enableShutdownHooks();
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port: address.port,
    url: `ws://127.0.0.1:${address.port}/stream`,
    close: () => app.close(),
  };
}
