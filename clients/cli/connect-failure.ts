/**
 * Why a stream URL could not be opened, in one line: nothing listens there, or a neurotwin server
 * listens but the WebSocket path is not its stream (the server drops upgrades on other paths, which
 * the client only sees as a hang-up, so the server's /health is asked).
 */
export const STREAM_PATH = '/stream';

export async function explainConnectFailure(url: string, reason: string): Promise<string> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return `'${url}' is not a URL; give one like ws://localhost:8080${STREAM_PATH}`;
  }
  const health = new URL('/health', target);
  health.protocol = target.protocol === 'wss:' ? 'https:' : 'http:';
  let isNeurotwin = false;
  try {
    const res = await fetch(health, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status?: unknown; models?: unknown };
    isNeurotwin = res.ok && body.status === 'ok' && typeof body.models === 'number';
  } catch {
    // nothing (or something else) answers there
  }
  if (isNeurotwin && target.pathname !== STREAM_PATH) {
    return `a neurotwin server answers at ${target.host}, but its stream is at ${STREAM_PATH}, not ${target.pathname} (try --url ws://${target.host}${STREAM_PATH})`;
  }
  if (isNeurotwin && /\b401\b/.test(reason))
    return `the neurotwin server at ${target.host} needs a token: give the one it was started with as --token or NEUROTWIN_TOKEN (${reason})`;
  if (isNeurotwin) return `the neurotwin server at ${target.host} refused the stream connection (${reason})`;
  return `server not reachable at ${url} (${reason}); start it with 'npx neurotwin serve', or point --url at its host and port`;
}
