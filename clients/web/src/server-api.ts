/** The HTTP side of the server the page was loaded from. */
import type { ModelSummary } from '../../../src/registry/registry.js';
import type { CellSummary } from '../../../src/streaming/dashboard/cell-views.js';
import type { CellMorphologyView } from '../../../src/reference/cells/cell-morphology.js';

export type { ModelSummary, CellSummary, CellMorphologyView };

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // not a JSON error body: keep the status line
    }
    throw new Error(`GET ${path}: ${message}`);
  }
  return (await res.json()) as T;
}

export const fetchModels = (): Promise<ModelSummary[]> => getJson('models');
export const fetchCell = (model: string): Promise<CellSummary> =>
  getJson(`models/${encodeURIComponent(model)}/cell`);
export const fetchMorphology = (model: string): Promise<CellMorphologyView> =>
  getJson(`models/${encodeURIComponent(model)}/morphology`);

/** ws(s)://host/stream of the page's own server, with the page's `?token=` passed on when it has one. */
export function streamUrl(): string {
  const { protocol, host, search } = window.location;
  const token = new URLSearchParams(search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/stream${query}`;
}
