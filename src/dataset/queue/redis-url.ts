/**
 * The `--queue` address: redis://[[USER]:PASSWORD@]HOST:PORT[/DB]. Parsed without touching the
 * network or BullMQ, so that the local path can validate options without loading either.
 */
export interface RedisAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** the address without the password, for messages */
  display: string;
}

export function parseRedisUrl(url: string): RedisAddress {
  const usage = `--queue must be redis://HOST:PORT[/DB], got '${url}'`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(usage);
  }
  if (parsed.protocol !== 'redis:' || parsed.hostname === '' || parsed.port === '')
    throw new RangeError(usage);
  const port = Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(dbText) || parsed.search !== '' || parsed.hash !== '') throw new RangeError(usage);
  const db = dbText === '' ? 0 : Number(dbText);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const address: RedisAddress = {
    host,
    port,
    db,
    display: `redis://${parsed.hostname}:${port}${db ? `/${db}` : ''}`,
  };
  if (parsed.username) address.username = decodeURIComponent(parsed.username);
  if (parsed.password) address.password = decodeURIComponent(parsed.password);
  return address;
}
