/** The operational settings: flags win over the environment, bad values fail naming the setting. */
import { describe, it, expect } from '@jest/globals';
import { flagAttribute, operationSettings } from '../../../src/streaming/ops/settings.js';
import { presentedToken, tokenMatches } from '../../../src/streaming/ops/token.js';

describe('operation settings', () => {
  it('reads the environment, and a flag overrides its variable', () => {
    const env = { NEUROTWIN_MAX_SESSIONS: '10', NEUROTWIN_IDLE_TIMEOUT_S: '2.5', NEUROTWIN_TOKEN: 'abc' };
    expect(operationSettings(env)).toEqual({ maxSessions: 10, idleTimeoutMs: 2500, token: 'abc' });
    expect(operationSettings(env, { maxSessions: '3', heartbeat: '0', logFormat: 'json' })).toEqual({
      maxSessions: 3,
      idleTimeoutMs: 2500,
      heartbeatMs: 0,
      token: 'abc',
      logFormat: 'json',
    });
    expect(operationSettings({ NEUROTWIN_TOKEN: '' })).toEqual({ token: null });
    expect(flagAttribute('--max-connections-per-address <n>')).toBe('maxConnectionsPerAddress');
  });

  it.each([
    [{ NEUROTWIN_MAX_SESSIONS: '0' }, {}, "NEUROTWIN_MAX_SESSIONS must be an integer ≥ 1, got '0'"],
    [
      {},
      { maxConnectionsPerAddress: '2.5' },
      "--max-connections-per-address must be an integer ≥ 1, got '2.5'",
    ],
    [{}, { idleTimeout: '-1' }, "--idle-timeout must be a number of seconds ≥ 0 (0: off), got '-1'"],
    [{ NEUROTWIN_LOG_FORMAT: 'xml' }, {}, "NEUROTWIN_LOG_FORMAT must be 'text' or 'json', got 'xml'"],
    [{}, { token: 'a b' }, '--token must not contain white space'],
  ])('refuses %j %j', (env, flags, message) => {
    expect(() => operationSettings(env, flags)).toThrow(message);
  });
});

describe('token', () => {
  const req = (url: string, authorization?: string) => ({
    url,
    headers: authorization === undefined ? {} : { authorization },
  });
  it('takes the Bearer header first, else the query parameter', () => {
    expect(presentedToken(req('/stream', 'Bearer t1'))).toBe('t1');
    expect(presentedToken(req('/stream?token=t2'))).toBe('t2');
    expect(presentedToken(req('/stream?token=t2', 'Bearer t1'))).toBe('t1');
    expect(presentedToken(req('/stream?token=t2', 'Basic t1'))).toBeNull();
    expect(presentedToken(req('/stream'))).toBeNull();
  });
  it('matches only the exact token', () => {
    expect(tokenMatches('secret', 'secret')).toBe(true);
    expect(tokenMatches('secret', 'secreT')).toBe(false);
    expect(tokenMatches('secret', 'secret2')).toBe(false);
    expect(tokenMatches('secret', '')).toBe(false);
    expect(tokenMatches('secret', null)).toBe(false);
  });
});
