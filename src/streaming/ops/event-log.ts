/**
 * Structured log lines: an event name and its fields, written through Nest's logger as
 * `event key=value …` text or, with `--log-format json`, as an object (one JSON line per event).
 */
import { Logger } from '@nestjs/common';
import type { LogFormat } from '../config.js';

export type LogFields = Record<string, string | number | boolean | null>;

export class EventLog {
  private readonly logger: Logger;

  constructor(
    context: string,
    private readonly format: LogFormat,
  ) {
    this.logger = new Logger(context);
  }

  info(event: string, fields: LogFields = {}): void {
    this.logger.log(this.render(event, fields));
  }

  warn(event: string, fields: LogFields = {}): void {
    this.logger.warn(this.render(event, fields));
  }

  private render(event: string, fields: LogFields): string | object {
    if (this.format === 'json') return { event, ...fields };
    const parts = [event];
    for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${textValue(value)}`);
    return parts.join(' ');
  }
}

/** A value as one token: quoted (JSON string rules) when it holds spaces, quotes or '='. */
function textValue(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value;
}
