/**
 * The operational settings of the server as one table: each has a `serve` flag and an environment
 * variable (the flag wins), a parser that refuses bad values with a one-line error naming the
 * setting, and the config field it sets. `serve` and `npm start` both read it.
 */
import { defaultOperationsConfig, type OperationKey, type StreamingConfig } from '../config.js';

export type OperationSettings = Partial<Pick<StreamingConfig, OperationKey>>;

export interface Setting {
  key: OperationKey;
  /** commander flag, e.g. '--max-sessions <n>' */
  flag: string;
  env: string;
  help: string;
  /** the config value of a flag's or variable's text; throws naming `source` */
  parse(text: string, source: string): StreamingConfig[OperationKey];
}

function count(min: number): (text: string, source: string) => number {
  return (text, source) => {
    const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`${source} must be an integer ≥ ${min}, got '${text}'`);
    return n;
  };
}

/** seconds in the text, milliseconds in the config; 0 turns the feature off */
function seconds(text: string, source: string): number {
  const s = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(s) || s < 0)
    throw new Error(`${source} must be a number of seconds ≥ 0 (0: off), got '${text}'`);
  return Math.round(s * 1000);
}

const d = defaultOperationsConfig();

export const OPERATION_SETTINGS: Setting[] = [
  {
    key: 'maxSessions',
    flag: '--max-sessions <n>',
    env: 'NEUROTWIN_MAX_SESSIONS',
    help: 'sessions open at once, server-wide (64)',
    parse: count(1),
  },
  {
    key: 'maxConnections',
    flag: '--max-connections <n>',
    env: 'NEUROTWIN_MAX_CONNECTIONS',
    help: `WebSocket connections open at once, server-wide (${d.maxConnections})`,
    parse: count(1),
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: '--max-connections-per-address <n>',
    env: 'NEUROTWIN_MAX_CONNECTIONS_PER_ADDRESS',
    help: `connections open at once from one remote address (${d.maxConnectionsPerAddress})`,
    parse: count(1),
  },
  {
    key: 'maxOpensPerMinute',
    flag: '--max-opens-per-minute <n>',
    env: 'NEUROTWIN_MAX_OPENS_PER_MINUTE',
    help: `session opens one connection may make in any 60 s (${d.maxOpensPerMinute})`,
    parse: count(1),
  },
  {
    key: 'idleTimeoutMs',
    flag: '--idle-timeout <s>',
    env: 'NEUROTWIN_IDLE_TIMEOUT_S',
    help: `close a connection with no frame either way for this long (${d.idleTimeoutMs / 1000} s; 0: never)`,
    parse: seconds,
  },
  {
    key: 'heartbeatMs',
    flag: '--heartbeat <s>',
    env: 'NEUROTWIN_HEARTBEAT_S',
    help: `ping interval; a connection missing a pong is dropped (${d.heartbeatMs / 1000} s; 0: off)`,
    parse: seconds,
  },
  {
    key: 'token',
    flag: '--token <token>',
    env: 'NEUROTWIN_TOKEN',
    help: 'require this token on /stream and /metrics (Authorization: Bearer … or ?token=); unset: none',
    parse: (text, source) => {
      if (text === '') return null;
      if (/\s/.test(text)) throw new Error(`${source} must not contain white space`);
      return text;
    },
  },
  {
    key: 'logFormat',
    flag: '--log-format <format>',
    env: 'NEUROTWIN_LOG_FORMAT',
    help: `log lines as text or json (${d.logFormat})`,
    parse: (text, source) => {
      if (text !== 'text' && text !== 'json')
        throw new Error(`${source} must be 'text' or 'json', got '${text}'`);
      return text;
    },
  },
];

/** The commander attribute name of a flag ('--max-sessions <n>' → 'maxSessions'). */
export function flagAttribute(flag: string): string {
  return flag
    .replace(/^--/, '')
    .replace(/ .*$/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The settings given by flags (texts by attribute name) or, failing that, by the environment;
 * settings given by neither are left out (the config defaults apply).
 */
export function operationSettings(
  env: NodeJS.ProcessEnv,
  flags: Record<string, string | undefined> = {},
): OperationSettings {
  const out: Record<string, unknown> = {};
  for (const s of OPERATION_SETTINGS) {
    const flagText = flags[flagAttribute(s.flag)];
    if (flagText !== undefined) out[s.key] = s.parse(flagText, s.flag.replace(/ .*$/, ''));
    else if (env[s.env] !== undefined) out[s.key] = s.parse(env[s.env]!, s.env);
  }
  return out as OperationSettings;
}
