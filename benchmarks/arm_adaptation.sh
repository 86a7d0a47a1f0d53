#!/usr/bin/env bash
# The motor-adaptation benchmark of cerebellar-reach on ArmReach-v0 (benchmarks/results/arm_adaptation.md):
# for the visuomotor rotation and the curl field, SEEDS seeds (default 10) of the schedule
#   baseline 40, perturbation 120, washout 40, perturbation 120, opposite 15, error clamp 100
# with the env's visual feedback delayed by 120 ms (visual_delay_ms; the tool's default). Prints, per
# perturbation, the signatures and the two-state fit per seed with the median [IQR], then the
# adaptation curve in 8-trial bins (mean over seeds); then the same with learning off (the control:
# online visual correction alone); then the curl schedule with force-channel clamps and the channel
# force over the clamp. Per-trial CSVs go to OUT (runs/arm_adaptation).
#   benchmarks/arm_adaptation.sh [SEEDS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-10}
out=${2:-runs/arm_adaptation}
tool=build/release/benchmarks/sgym_arm_adaptation
if [[ ! -x $tool ]]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/release -j2 --target sgym_arm_adaptation >/dev/null
mkdir -p "$out"
for pert in rotation curl; do
  echo "## $pert"
  echo
  "$tool" --perturbation "$pert" --seeds "$seeds" --csv "$out/$pert.csv"
  echo
  echo "| phase | trials | error e (deg) | adaptation x (deg) | two-state fit x | fit fast x_f | fit slow x_s |"
  echo "|---|---|---|---|---|---|---|"
  # 8-trial bins inside each phase block, means over seeds (columns: see the CSV header)
  awk -F, 'NR > 1 {
      if ($1 != seed) { seed = $1; block = 0; prev = "" }
      if ($3 != prev) { block++; start = $2; prev = $3 }
      bin = int(($2 - start) / 8); key = sprintf("%03d-%03d", block, bin)
      e = ($9 == 1) ? 0 : $8 - $10
      n[key]++; se[key] += e; sx[key] += $10; sf[key] += $11; sff[key] += $12; ss[key] += $13
      ph[key] = $3; if (!(key in lo) || $2 < lo[key]) lo[key] = $2; if ($2 > hi[key]) hi[key] = $2
    }
    END {
      for (k in n)
        printf "%s| %s | %d-%d | %.1f | %.1f | %.1f | %.1f | %.1f |\n", k, ph[k], lo[k], hi[k], se[k]/n[k], sx[k]/n[k], sf[k]/n[k], sff[k]/n[k], ss[k]/n[k]
    }' "$out/$pert.csv" | sort | cut -d'|' -f2- | sed 's/^/|/'
  echo
  echo "Timeouts (trials not held in the target), all seeds: $(awk -F, 'NR > 1 { n[$3]++; if ($5 == "timeout") t[$3]++ }
    END { for (k in n) printf "%s %d/%d; ", k, t[k], n[k] }' "$out/$pert.csv")"
  echo
done
for pert in rotation curl; do
  echo "## $pert, learning off (control)"
  echo
  "$tool" --perturbation "$pert" --learning off --seeds "$seeds" --csv "$out/$pert-off.csv"
  echo
done
for pert in rotation curl; do
  echo "## $pert, desired-state mossy input (mossy_input=desired_state fast_rate=0.04 slow_rate=0.006)"
  echo
  "$tool" --perturbation "$pert" --agent-opt mossy_input=desired_state --agent-opt fast_rate=0.04 \
    --agent-opt slow_rate=0.006 --seeds "$seeds" --csv "$out/$pert-state.csv"
  echo
  echo "Timeouts, all seeds: $(awk -F, 'NR > 1 { n[$3]++; if ($5 == "timeout") t[$3]++ }
    END { for (k in n) printf "%s %d/%d; ", k, t[k], n[k] }' "$out/$pert-state.csv")"
  echo
done
echo "## curl, channel clamps (clamp=channel, as Smith et al. 2006): clamp columns are the channel force in N"
echo
"$tool" --perturbation curl --env-opt clamp=channel --seeds "$seeds" --csv "$out/curl-channel.csv"
echo
echo "| clamp trials | channel force (N), mean over seeds |"
echo "|---|---|"
awk -F, 'NR > 1 && $3 == "clamp" {
    if ($1 != seed) { seed = $1; start = $2 }
    bin = int(($2 - start) / 8); n[bin]++; f[bin] += $14; if (bin > m) m = bin
  }
  END { for (b = 0; b <= m; b++) printf "| %d-%d | %.2f |\n", 8 * b + 1, ((8 * b + 8 > 100) ? 100 : 8 * b + 8), f[b] / n[b] }' "$out/curl-channel.csv"
