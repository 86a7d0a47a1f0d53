#!/usr/bin/env bash
# The main job: install what is missing, build Release, and run the TD dopamine critic on Pavlovian
# conditioning (Schultz, Dayan & Montague 1997). Prints a results table, including the RPE at the
# CS and at the reward early and late in training and on omission probes; outputs go to runs/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

out=runs/pavlovian-td-critic
rm -rf "$out"
build/release/cli/sgym run --env Pavlovian-v0 --agent td-critic \
  --env-opt probe_every=10 --episodes 500 --seed 1 --eval-every 100 \
  --record rpe,value --out "$out"

# the figures: learning curve and the RPE over steps and trials (gnuplot)
build/release/cli/sgym plot "$out"
