/** Builds and starts the Nest application: HTTP on `port`, WebSocket stream on /stream. */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { ConsoleLogger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { STREAMING_CONFIG, defaultStreamingConfig, type StreamingConfig } from './config.js';
import { addressNote, boundStreamUrl, localStreamUrl } from './ops/listen-address.js';
import { StreamAdapter } from './ops/stream-adapter.js';

export interface ListenOptions {
  /** 0 picks a free port */
  port: number;
  /** address to bind (default 0.0.0.0: every IPv4 interface) */
  host?: string;
}

export interface StartOptions extends Partial<StreamingConfig>, ListenOptions {
  modelsDir: string;
  logLevels?: LogLevel[] | false;
  /** replaces Nest's console logger (tests capture the log with it) */
  logger?: LoggerService;
}

export interface RunningServer {
  app: INestApplication;
  port: number;
  /** the address actually bound, e.g. 0.0.0.0 or ::1 */
  address: string;
  /** a stream URL a client on this machine can connect to */
  url: string;
  /** the stream URL of the bound address, as the start-up line prints it */
  boundUrl: string;
  /** what the bound address means ("every IPv4 interface", "this machine only", …) */
  addressNote: string;
  close(): Promise<void>;
}

/** The root module for these settings (tests compile it with providers swapped). */
export function serverModule(opts: Partial<StreamingConfig> & { modelsDir: string }) {
  return AppModule.forRoot({ ...defaultStreamingConfig(opts.modelsDir), ...opts });
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { port, host, logLevels = ['log', 'warn', 'error'], logger, ...config } = opts;
  const consoleLogger =
    logLevels === false ? false : new ConsoleLogger({ logLevels, json: config.logFormat === 'json' });
  const app = await NestFactory.create(serverModule(config), { logger: logger ?? consoleLogger });
  return listen(app, { port, host });
}

/** Attaches the WebSocket adapter to a created application and starts listening. */
export async function listen(
  app: INestApplication,
  { port, host = '0.0.0.0' }: ListenOptions,
): Promise<RunningServer> {
  const config = app.get<StreamingConfig>(STREAMING_CONFIG);
  app.useWebSocketAdapter(new StreamAdapter(app, config.token));
  app.enableShutdownHooks();
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port: address.port,
    address: address.address,
    url: localStreamUrl(address),
    boundUrl: boundStreamUrl(address),
    addressNote: addressNote(address),
    close: () => app.close(),
  };
}
