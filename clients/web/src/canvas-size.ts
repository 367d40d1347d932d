/** Keeps a canvas's backing store at its CSS size times the device pixel ratio. */
export interface CanvasSize {
  /** device pixels */
  width: number;
  height: number;
  dpr: number;
}

export function fitCanvas(canvas: HTMLCanvasElement): CanvasSize {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const width = Math.max(1, Math.round(rect.width * dpr));
  const height = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return { width, height, dpr };
}

export const COLORS = {
  reference: '#1f2328',
  twin: '#d9480f',
  exc: '#c92a2a',
  inh: '#1864ab',
  grid: '#e3e6ea',
  axis: '#57606a',
  background: '#ffffff',
} as const;
