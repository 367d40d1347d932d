/**
 * Self time per function of a V8 .cpuprofile (from `node --cpu-prof`), largest first.
 * Usage: node dist/benchmarks/scripts/cpu-profile-summary.js FILE.cpuprofile [top=15]
 */
import { readFileSync } from 'node:fs';
import { fail, numberArg, scriptArgs } from './script-args.js';

const USAGE =
  'Usage: node dist/benchmarks/scripts/cpu-profile-summary.js FILE.cpuprofile [top=15]\n' +
  'Self time per function of a V8 .cpuprofile (from `node --cpu-prof`), largest first.';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText] = scriptArgs(USAGE, {}, 2).positionals;
if (!file) fail('no profile file given (see --help)');
const top = numberArg('top', topText, 15, { min: 1, integer: true });
let profile: Profile;
try {
  profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
} catch (err) {
  fail(
    `${file}: ${(err as { code?: string }).code === 'ENOENT' ? 'no such file' : 'not a JSON CPU profile'}`,
  );
}
if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples))
  throw new Error(`${file}: not a V8 CPU profile (no nodes/samples)`);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, k) => {
  const us = profile.timeDeltas[k] ?? 0;
  const frame = byId.get(id)?.callFrame;
  const where = frame
    ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}`
    : '?';
  self.set(where, (self.get(where) ?? 0) + us);
  total += us;
});
for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${where}`);
}
console.log(`(${(total / 1e6).toFixed(1)} s sampled)`);
