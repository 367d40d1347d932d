/** Builds and starts the Nest application: HTTP on `port`, WebSocket stream on /stream. */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { defaultStreamingConfig, type StreamingConfig } from './config.js';
import { FrameWsAdapter } from './frame-parser.js';

export interface ListenOptions {
  /** 0 picks a free port */
  port: number;
  host?: string;
}

export interface StartOptions extends Partial<StreamingConfig>, ListenOptions {
  modelsDir: string;
  logLevels?: LogLevel[] | false;
}

export interface RunningServer {
  app: INestApplication;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The root module for these settings (tests compile it with providers swapped). */
export function serverModule(opts: Partial<StreamingConfig> & { modelsDir: string }) {
  return AppModule.forRoot({ ...defaultStreamingConfig(opts.modelsDir), ...opts });
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { port, host, logLevels = ['log', 'warn', 'error'], ...config } = opts;
  const app = await NestFactory.create(serverModule(config), { logger: logLevels });
  return listen(app, { port, host });
}

/** Attaches the WebSocket adapter to a created application and starts listening. */
export async function listen(
  app: INestApplication,
  { port, host = '0.0.0.0' }: ListenOptions,
): Promise<RunningServer> {
  app.useWebSocketAdapter(new FrameWsAdapter(app));
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
