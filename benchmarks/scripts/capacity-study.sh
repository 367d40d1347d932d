#!/usr/bin/env bash
# The paper's complexity result on our own data: how the best spike AUC grows with depth (and, at
# full depth, with width), for the L5PC with NMDA and AMPA-only. The factored input (synapses →
# channels → learned kernels) is the same kind throughout; depth = hidden layers = the 1×1 mixing
# layer + the dilated causal layers (none, 1, 2, 4); width = the synaptic channels and hidden units.
# Every run has the same data, seed and budget. Resumable: finished runs are skipped.
#   benchmarks/scripts/capacity-study.sh [EPOCHS] [STEPS_PER_EPOCH]   (TABLE_ONLY=1: only the table of finished runs)
# Needs data/l5pc/{nmda,ampa}-{train-01,train-02,valid,test}.h5 (see the model manifests' commands).
# Writes data/study/<run>/ (models), <run>.json (test metrics) and docs/capacity-study.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-16}
STEPS=${2:-60}
OUT=data/study
mkdir -p "$OUT"
dilations() { case $1 in 1) echo '[]' ;; 2) echo '[1]' ;; 3) echo '[1,2]' ;; 5) echo '[1,2,4,8]' ;; esac; }
# run name, cell, hidden layers, channels, width; the extremes of depth first, so that an
# interrupted study already shows the trend; the wide runs last (NMDA, the cell still short of its targets)
RUNS="nmda-depth1:nmda:1:24:32 ampa-depth1:ampa:1:24:32 nmda-depth5:nmda:5:24:32 ampa-depth5:ampa:5:24:32
nmda-depth3:nmda:3:24:32 ampa-depth3:ampa:3:24:32 nmda-depth2:nmda:2:24:32 ampa-depth2:ampa:2:24:32
nmda-depth5-c48w64:nmda:5:48:64"
for run in $RUNS; do
  IFS=: read -r name cell depth channels width <<<"$run"
  model=$OUT/$name
  [ -s "$model.json" ] || [ -n "${TABLE_ONLY:-}" ] && continue
  params="{\"dilations\":$(dilations "$depth"),\"channels\":$channels,\"width\":$width}"
  node bin/neurotwin.js train --arch factored --arch-params "$params" \
    --data data/l5pc/$cell-train-01.h5 --data data/l5pc/$cell-train-02.h5 --valid data/l5pc/$cell-valid.h5 \
    --out "$model" --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --patience 4 --seed 21 >"$model.log" 2>&1
  node bin/neurotwin.js evaluate --model "$model" --data data/l5pc/$cell-test.h5 --json >"$model.json.tmp" 2>>"$model.log"
  mv "$model.json.tmp" "$model.json"
done
node --input-type=module - "$OUT" "$EPOCHS" "$STEPS" $RUNS <<'JS'
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
const [dir, epochs, steps, ...runs] = process.argv.slice(2);
const rows = runs
  .map((r) => r.split(':'))
  .filter(([name]) => existsSync(`${dir}/${name}.json`))
  .map(([name, cell, depth, channels, width]) => {
    const m = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
    const manifest = JSON.parse(readFileSync(`${dir}/${name}/manifest.json`, 'utf8'));
    const params = manifest.architecture.parameterCount;
    return { cell, depth: +depth, channels, width, auc: m.spikeAuc, rmse: m.somaRmse, params, trials: m.scoredTrials };
  })
  .sort((a, b) => a.cell.localeCompare(b.cell) * -1 || a.depth - b.depth || a.params - b.params);
const lines = [
  '# Capacity study: how the best spike AUC grows with depth and width',
  '',
  `Made by \`benchmarks/scripts/capacity-study.sh ${epochs} ${steps}\`: factored input (synapses → channels → per-channel`,
  'kernels), hidden layers = 1 + dilated layers, width = channels and hidden units; each run trained on 0.333 simulated',
  `hours (train-01 + train-02) with seed 21, ${epochs} epochs × ${steps} steps at most (patience 4), scored on the 120-trial`,
  'test set of its cell (trials with spikes in the valid range, as `neurotwin evaluate`).',
  '',
  '| cell | hidden layers | channels / units | parameters | test trials | spike AUC | soma RMSE (mV) |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| l5pc-${r.cell} | ${r.depth} | ${r.channels} / ${r.width} | ${r.params.toLocaleString('en')} | ${r.trials} | ${r.auc.toFixed(4)} | ${r.rmse.toFixed(3)} |`,
  ),
];
writeFileSync('docs/capacity-study.md.tmp', lines.join('\n') + '\n');
renameSync('docs/capacity-study.md.tmp', 'docs/capacity-study.md');
console.log(lines.join('\n'));
JS
# the table as the repository's formatter writes it (CI checks formatting)
npx prettier --write docs/capacity-study.md >/dev/null
