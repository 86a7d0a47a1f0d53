#!/usr/bin/env bash
# Fuzzes the project's parsers with libFuzzer (clang, AddressSanitizer + UndefinedBehaviorSanitizer):
# env/agent options, bench suite files, agent checkpoints and trajectory files (fuzz/). Each target
# runs for SECONDS from the committed inputs in tests/fuzz/<target>/ plus a scratch corpus in
# build/fuzz/work/; a crash stops that target and leaves its input in build/fuzz/work/artifacts/.
# Copy such an input into tests/fuzz/<target>/ once fixed: ctest then replays it in every build.
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET ...]    (default 600 s for each of the four targets)
# Prints a Markdown table (executions, coverage, corpus, crashes) and writes it to build/fuzz/report.md.
# Not part of the test suite: run it by hand (benchmarks/results/fuzzing.md has the last report).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_options fuzz_suite fuzz_agent_state fuzz_trajectory)

# clang and its fuzzer runtime (Debian 12: clang 14, libclang-rt-14-dev)
need=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "fuzz: install ${need[*]} (apt-get install ${need[*]})" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=build/fuzz/work
mkdir -p "$work"
report=build/fuzz/report.md
{
  echo "| target | seconds | executions | exec/s | coverage (edges) | features | corpus | result |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$report"
status=0
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"
  artifacts="$work/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  # the checkpoint target writes one valid checkpoint per registered agent as extra seeds
  [ "$t" = fuzz_agent_state ] && export SGYM_FUZZ_SEED_DIR="$corpus" || unset SGYM_FUZZ_SEED_DIR
  echo "fuzz: $t for $secs s"
  set +e
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1 \
    "build/fuzz/fuzz/$t" "$corpus" "tests/fuzz/$t" -max_total_time="$secs" -rss_limit_mb=4096 \
    -malloc_limit_mb=2048 -timeout=30 -artifact_prefix="$artifacts" -print_final_stats=1 > "$work/$t.log" 2>&1
  code=$?
  set -e
  last=$(grep -E '^#[0-9]+' "$work/$t.log" | tail -n 1)
  execs=$(grep -E '^stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$work/$t.log" | awk '{print $2}')
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.*corp: ([0-9]+\/[0-9a-zA-Z]+).*/\1/p' <<<"$last")
  if [ "$code" -eq 0 ]; then result="no crash"; else result="**crash** (exit $code): $(ls "$artifacts" | head -n 3 | tr '\n' ' ')"; status=1; fi
  echo "| $t | $secs | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $result |" >> "$report"
done
cat "$report"
exit $status
