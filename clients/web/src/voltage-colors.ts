/** A perceptually ordered colour scale for membrane voltage, from rest (blue) to spike (red). */
const STOPS: [number, [number, number, number]][] = [
  [-85, [37, 52, 148]],
  [-70, [44, 127, 184]],
  [-55, [65, 182, 196]],
  [-35, [161, 218, 180]],
  [-15, [254, 204, 92]],
  [10, [253, 141, 60]],
  [40, [227, 26, 28]],
];

export const VOLTAGE_MIN = STOPS[0][0];
export const VOLTAGE_MAX = STOPS[STOPS.length - 1][0];
export const COLOR_LEVELS = 64;

/** CSS colour of level i of COLOR_LEVELS, evenly spaced over [VOLTAGE_MIN, VOLTAGE_MAX]. */
export const VOLTAGE_COLORS: readonly string[] = Array.from({ length: COLOR_LEVELS }, (_, i) => {
  const v = VOLTAGE_MIN + ((VOLTAGE_MAX - VOLTAGE_MIN) * i) / (COLOR_LEVELS - 1);
  let s = 1;
  while (s < STOPS.length - 1 && STOPS[s][0] < v) s++;
  const [v0, c0] = STOPS[s - 1];
  const [v1, c1] = STOPS[s];
  const t = Math.min(1, Math.max(0, (v - v0) / (v1 - v0)));
  const c = c0.map((x, j) => Math.round(x + t * (c1[j] - x)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
});

export function voltageLevel(v: number): number {
  const t = (v - VOLTAGE_MIN) / (VOLTAGE_MAX - VOLTAGE_MIN);
  return Math.min(COLOR_LEVELS - 1, Math.max(0, Math.round(t * (COLOR_LEVELS - 1))));
}
