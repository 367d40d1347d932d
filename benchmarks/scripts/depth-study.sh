#!/usr/bin/env bash
# The paper's complexity result on our own data: how the best spike AUC grows with depth, for the
# L5PC with NMDA and AMPA-only. The factored input (synapses → channels → learned kernels) is held
# fixed; depth = hidden layers = the 1×1 mixing layer + the dilated causal layers (none, 1, 2, 4).
# Every run has the same data, seed and budget. Resumable: finished runs are skipped.
#   benchmarks/scripts/depth-study.sh [EPOCHS] [STEPS_PER_EPOCH]   (TABLE_ONLY=1: only the table of finished runs)
# Needs data/l5pc/{nmda,ampa}-{train-01,train-02,valid,test}.h5 (see the model manifests' commands).
# Writes data/study/<cell>-depth<D>/ (models), <cell>-depth<D>.json (test metrics) and docs/depth-study.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-16}
STEPS=${2:-60}
OUT=data/study
mkdir -p "$OUT"
dilations() { case $1 in 1) echo '[]' ;; 2) echo '[1]' ;; 3) echo '[1,2]' ;; 5) echo '[1,2,4,8]' ;; esac; }
# the extremes first, so that an interrupted study already shows the trend
for depth in 1 5 3 2; do
  for cell in nmda ampa; do
    model=$OUT/$cell-depth$depth
    [ -s "$model.json" ] || [ -n "${TABLE_ONLY:-}" ] && continue
    node bin/neurotwin.js train --arch factored --arch-params "{\"dilations\":$(dilations $depth)}" \
      --data data/l5pc/$cell-train-01.h5 --data data/l5pc/$cell-train-02.h5 --valid data/l5pc/$cell-valid.h5 \
      --out "$model" --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --patience 4 --seed 21 >"$model.log" 2>&1
    node bin/neurotwin.js evaluate --model "$model" --data data/l5pc/$cell-test.h5 --json >"$model.json.tmp" 2>>"$model.log"
    mv "$model.json.tmp" "$model.json"
  done
done
node --input-type=module - "$OUT" "$EPOCHS" "$STEPS" <<'JS'
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
const [dir, epochs, steps] = process.argv.slice(2);
const depths = [1, 2, 3, 5];
const done = (cell, d) => existsSync(`${dir}/${cell}-depth${d}.json`);
const row = (cell) =>
  depths.filter((d) => done(cell, d)).map((d) => {
    const m = JSON.parse(readFileSync(`${dir}/${cell}-depth${d}.json`, 'utf8'));
    const manifest = JSON.parse(readFileSync(`${dir}/${cell}-depth${d}/manifest.json`, 'utf8'));
    return { d, auc: m.spikeAuc, rmse: m.somaRmse, params: manifest.architecture.parameterCount, trials: m.scoredTrials };
  });
const lines = [
  '# Depth study: how the best spike AUC grows with depth',
  '',
  `Made by \`benchmarks/scripts/depth-study.sh ${epochs} ${steps}\`: factored input held fixed, hidden layers = 1 + dilated layers,`,
  `each trained on 0.333 simulated hours (train-01 + train-02) with seed 21, ${epochs} epochs × ${steps} steps at most (patience 4),`,
  'scored on the 120-trial test set of its cell (trials with spikes in the valid range, as `neurotwin evaluate`).',
  '',
  '| cell | hidden layers | parameters | test trials | spike AUC | soma RMSE (mV) |',
  '|---|---|---|---|---|---|',
];
for (const cell of ['nmda', 'ampa'])
  for (const r of row(cell))
    lines.push(`| l5pc-${cell} | ${r.d} | ${r.params.toLocaleString("en")} | ${r.trials} | ${r.auc.toFixed(4)} | ${r.rmse.toFixed(3)} |`);
writeFileSync('docs/depth-study.md.tmp', lines.join('\n') + '\n');
renameSync('docs/depth-study.md.tmp', 'docs/depth-study.md');
console.log(lines.join('\n'));
JS
# the table as the repository's formatter writes it (CI checks formatting)
npx prettier --write docs/depth-study.md >/dev/null
