#!/usr/bin/env bash
# bg-cerebellum-walker on BipedalWalker-v3: learning curves, final-policy evaluation and ablations.
# Writes benchmarks/results/bg-cerebellum-walker.md and bg-cerebellum-walker.svg; per-episode CSVs go
# to OUT (default runs/bg-cerebellum-walker).
#
# Protocol (sgym_walker_learning, benchmarks/walker_learning.cpp), for each condition and seed S = 1..SEEDS:
#   agent seed S; TRAIN training episodes, the first from env.reset(seed=S), the others continuing the
#   env's RNG (new terrain and push each episode); then EVAL evaluation episodes with training off (no
#   perturbation, no learning) on a second env whose first reset is seeded with 1000000 + S.
#   Conditions: full (defaults), no-cerebellum (cerebellum=false), no-cpg (cpg=false), and the initial
#   policy of the full agent (TRAIN = 0) on the same evaluation terrains.
# Runs one after another on one thread.
#   benchmarks/bg_cerebellum_walker.sh [SEEDS=10] [TRAIN=400] [EVAL=100] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-10}
train=${2:-400}
eval_episodes=${3:-100}
out=${4:-runs/bg-cerebellum-walker}
block=20  # learning-curve bin, episodes
tool=build/release/benchmarks/sgym_walker_learning
[[ -f build/release/build.ninja ]] || cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j2 --target sgym_walker_learning > /dev/null
mkdir -p "$out" benchmarks/results
md=benchmarks/results/bg-cerebellum-walker.md
svg=benchmarks/results/bg-cerebellum-walker.svg

declare -A opts=([full]="" [no-cerebellum]="--agent-opt cerebellum=false" [no-cpg]="--agent-opt cpg=false")
conditions=(full no-cerebellum no-cpg)
start=$(date +%s)
for c in "${conditions[@]}"; do
  # shellcheck disable=SC2086
  "$tool" --seeds "$seeds" --train "$train" --eval "$eval_episodes" ${opts[$c]} \
    --curve "$out/$c-train.csv" --eval-csv "$out/$c-eval.csv" > "$out/$c.log"
done
"$tool" --seeds "$seeds" --train 0 --eval "$eval_episodes" --eval-csv "$out/initial-eval.csv" > "$out/initial.log"
wall=$(( $(date +%s) - start ))

# quantiles as numpy's default (linear interpolation) of the numbers on stdin: q25 median q75
quartiles() {
  sort -g | awk '{ v[NR - 1] = $1 }
    function q(p,   h, lo) { h = p * (NR - 1); lo = int(h); return v[lo] + (h - lo) * (v[lo + (lo + 1 < NR)] - v[lo]) }
    END { printf "%.1f %.1f %.1f\n", q(0.25), q(0.5), q(0.75) }'
}

# learning curve: per seed, the mean return of each block of episodes; then median and IQR over seeds
curve() {
  local csv=$1
  local nblocks=$(( train / block ))
  for ((b = 0; b < nblocks; ++b)); do
    read -r q1 med q3 < <(awk -F, -v b="$b" -v n="$block" 'NR > 1 && int(($2 - 1) / n) == b { s[$1] += $3 / n }
      END { for (k in s) print s[k] }' "$csv" | quartiles)
    echo "$(( b * block + block / 2 )) $med $q1 $q3"
  done
}

# evaluation: per-seed means over EVAL episodes -> mean ± sd over seeds, median [IQR]; pooled episodes ->
# mean, share with return > 0, share reaching the finish (ended before the limit with return > 200)
evaluation() {
  local csv=$1
  local per_seed
  per_seed=$(awk -F, 'NR > 1 { s[$1] += $3; n[$1]++ } END { for (k in s) print s[k] / n[k] }' "$csv")
  read -r q1 med q3 < <(echo "$per_seed" | quartiles)
  read -r m sd < <(echo "$per_seed" | awk '{ s += $1; ss += $1 * $1 } END { m = s / NR; printf "%.1f %.1f\n", m, sqrt(ss / NR - m * m) }')
  read -r best < <(echo "$per_seed" | sort -g | tail -1 | awk '{ printf "%.1f", $1 }')
  read -r pm pos fin fell < <(awk -F, 'NR > 1 { s += $3; n++; p += ($3 > 0); if ($4 < 1600) { if ($3 > 200) f++; else d++ } }
    END { printf "%.1f %.0f %.0f %.0f\n", s / n, 100 * p / n, 100 * f / n, 100 * d / n }' "$csv")
  echo "| $m ± $sd | $med [$q1, $q3] | $best | $pm | $pos % | $fin % | $fell % |"
}

for c in "${conditions[@]}"; do curve "$out/$c-train.csv" > "$out/$c-curve.dat"; done

gnuplot <<EOF
set terminal svg size 760,440 font "sans,12" background rgb "white"
set output "$svg"
set title "bg-cerebellum-walker on BipedalWalker-v3: training return (median and IQR over $seeds seeds)"
set xlabel "training episode"
set ylabel "return per episode (mean over $block-episode bins)"
set key bottom right
set grid
set yrange [-130:*]
plot "$out/full-curve.dat" using 1:3:4 with filledcurves fc rgb "#1f77b4" fs transparent solid 0.2 notitle, \
     "$out/full-curve.dat" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "full (CPG + BG + cerebellum)", \
     "$out/no-cerebellum-curve.dat" using 1:3:4 with filledcurves fc rgb "#ff7f0e" fs transparent solid 0.2 notitle, \
     "$out/no-cerebellum-curve.dat" using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "no cerebellum", \
     "$out/no-cpg-curve.dat" using 1:3:4 with filledcurves fc rgb "#2ca02c" fs transparent solid 0.2 notitle, \
     "$out/no-cpg-curve.dat" using 1:2 with lines lw 2 lc rgb "#2ca02c" title "no CPG (reactive linear policy)", \
     127.1 with lines dt 2 lc rgb "#555555" title "biped-heuristic (127, 100 seeds)"
EOF

# keep the delayed-feedback section (benchmarks/bg_cerebellum_walker_delay.sh writes it)
delay_section=$(sed -n '/<!-- delay:begin -->/,/<!-- delay:end -->/p' "$md" 2>/dev/null || true)
steps_total=$(cat "$out"/*.log | awk '/^steps/ { s += $2 } END { print s }')
cpu=$(lscpu | grep 'Model name' | sed 's/Model name: *//')
{
  echo "# bg-cerebellum-walker on BipedalWalker-v3"
  echo
  echo "Generated by \`benchmarks/bg_cerebellum_walker.sh $seeds $train $eval_episodes\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "(the agent: docs/agents/bg-cerebellum-walker.md). Machine: $(nproc) cores ($cpu), shared with other jobs"
  echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)); $steps_total env steps in $wall s wall, one thread."
  echo
  echo "**Protocol.** For each condition and seed S = 1..$seeds: agent seed S; $train training episodes on"
  echo "BipedalWalker-v3 (TimeLimit 1600 steps), the first from env.reset(seed=S), the later ones continuing the env's"
  echo "RNG (new terrain and initial push every episode); then $eval_episodes evaluation episodes with training off"
  echo "(no perturbation, no learning, forward model frozen) on a second env first reset with seed 1000000 + S."
  echo "\"initial policy\" is the full agent evaluated on the same terrains before any training."
  echo
  echo "## Final-policy return ($eval_episodes evaluation episodes per seed, $seeds seeds)"
  echo
  echo "| condition | mean ± sd of the per-seed means | median [IQR] of the per-seed means | best seed | mean over all episodes | return > 0 | reached the finish | fell |"
  echo "|---|---|---|---|---|---|---|---|"
  for c in initial full no-cerebellum no-cpg; do
    label=$c
    [[ $c == initial ]] && label="initial policy (full, untrained)"
    echo "| $label $(evaluation "$out/$c-eval.csv")"
  done
  echo
  echo "\"reached the finish\": ended before the 1600-step limit with return > 200; \"fell\": ended before the limit"
  echo "otherwise (hull contact or x < 0: reward -100). Points of comparison: biped-heuristic 127.1 ± 123.5 over"
  echo "100 seeds (benchmarks/results/biped-heuristic.md); TD3 (backprop, 1M steps) about 306; the community's"
  echo "\"solved\" threshold is 300."
  echo
  echo "## Learning curves"
  echo
  echo "![training return, median and IQR over seeds](bg-cerebellum-walker.svg)"
  echo
  echo "Training return (with exploration) per $block-episode bin: per seed the bin's mean, then median [IQR] over the $seeds seeds."
  echo
  echo "| episodes | full | no cerebellum | no CPG |"
  echo "|---|---|---|---|"
  paste -d' ' "$out/full-curve.dat" "$out/no-cerebellum-curve.dat" "$out/no-cpg-curve.dat" |
    awk -v n="$block" '{ printf "| %d-%d | %.1f [%.1f, %.1f] | %.1f [%.1f, %.1f] | %.1f [%.1f, %.1f] |\n", $1 - n / 2 + 1, $1 + n / 2, $2, $3, $4, $6, $7, $8, $10, $11, $12 }'
  echo
  echo "## Per-seed evaluation means"
  echo
  echo "| seed | initial | full | no cerebellum | no CPG |"
  echo "|---|---|---|---|---|"
  for ((s = 1; s <= seeds; ++s)); do
    row="| $s"
    for c in initial full no-cerebellum no-cpg; do
      row+=" | $(awk -F, -v s="$s" 'NR > 1 && $1 == s { t += $3; n++ } END { printf "%.1f", t / n }' "$out/$c-eval.csv")"
    done
    echo "$row |"
  done
  if [[ -n $delay_section ]]; then
    echo
    echo "$delay_section"
  fi
} > "$md"
echo "wrote $md and $svg"
