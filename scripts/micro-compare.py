#!/usr/bin/env python3
"""Compare the micro-benchmarks of a build with the committed baseline (issue 17 item 6).

Runs build/release/benchmarks/sgym_micro (Google Benchmark) with repetitions, takes each
benchmark's median CPU time per iteration, and compares it with benchmarks/micro/baseline.json.
A benchmark more than --threshold (default 10 %) slower than its baseline is flagged as a
regression; the exit status is 1 when any is flagged, 0 otherwise (2 on bad input). A benchmark
report, not a test: timings depend on the machine and its load, so record the baseline and compare
on the same machine, quiet, in one sitting.

  scripts/micro-compare.py                     # run and compare
  scripts/micro-compare.py --record            # run and write the baseline (atomically)
  scripts/micro-compare.py --input run.json    # compare an existing sgym_micro JSON output
  scripts/micro-compare.py --filter 'env_step' # only some benchmarks
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def medians(report):
    """name -> median cpu_time in ns, from a Google Benchmark JSON report."""
    out = {}
    for b in report.get("benchmarks", []):
        unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                out[b["run_name"]] = b["cpu_time"] * unit
        elif b.get("run_type", "iteration") == "iteration" and b["name"] not in out:
            out[b["name"]] = b["cpu_time"] * unit  # no repetitions: the single run
    return out


def run(binary, flt, reps, min_time):
    if not os.access(binary, os.X_OK):
        sys.exit(f"micro-compare: no benchmark binary at {binary} (build the target sgym_micro; "
                 "it needs Debian's libbenchmark-dev)")
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={reps}",
           "--benchmark_report_aggregates_only=true", f"--benchmark_min_time={min_time}"]
    if flt:
        cmd.append(f"--benchmark_filter={flt}")
    res = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(res.stdout)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".micro-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/release/benchmarks/sgym_micro"))
    ap.add_argument("--baseline", default=os.path.join(ROOT, "benchmarks/micro/baseline.json"))
    ap.add_argument("--input", help="an sgym_micro JSON report to compare instead of running")
    ap.add_argument("--filter", default="", help="regex of benchmark names (Google Benchmark's filter)")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    ap.add_argument("--threshold", type=float, default=0.10, help="flag slowdowns above this fraction")
    ap.add_argument("--record", action="store_true", help="write the run as the new baseline")
    a = ap.parse_args()
    if a.repetitions < 1 or a.min_time <= 0 or a.threshold <= 0:
        ap.error("--repetitions must be >= 1, --min-time and --threshold > 0")

    if a.input:
        try:
            with open(a.input) as f:
                report = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            print(f"micro-compare: cannot read {a.input}: {e}", file=sys.stderr)
            return 2
    else:
        report = run(a.binary, a.filter, a.repetitions, a.min_time)
    now = medians(report)
    if not now:
        print("micro-compare: the report holds no benchmark", file=sys.stderr)
        return 2
    if a.record:
        write_atomic(a.baseline, json.dumps(report, indent=1) + "\n")
        print(f"micro-compare: wrote {len(now)} benchmarks to {a.baseline}")
        return 0
    try:
        with open(a.baseline) as f:
            base = medians(json.load(f))
    except (OSError, json.JSONDecodeError) as e:
        print(f"micro-compare: cannot read the baseline {a.baseline}: {e} (record one with --record)",
              file=sys.stderr)
        return 2

    flt = re.compile(a.filter) if a.filter else None
    regressions = 0
    print(f"| benchmark | baseline (ns) | now (ns) | now / baseline | |")
    print("|---|---|---|---|---|")
    for name in sorted(set(base) | set(now)):
        if flt and not flt.search(name):
            continue
        b, n = base.get(name), now.get(name)
        if b is None or n is None:
            print(f"| {name} | {b and f'{b:.1f}' or '-'} | {n and f'{n:.1f}' or '-'} | | "
                  f"{'new' if b is None else 'missing now'} |")
            continue
        r = n / b
        flag = "REGRESSION" if r > 1 + a.threshold else ("faster" if r < 1 - a.threshold else "")
        regressions += flag == "REGRESSION"
        print(f"| {name} | {b:.1f} | {n:.1f} | {r:.2f} | {flag} |")
    ctx = report.get("context", {})
    print(f"\n{regressions} regression(s) over {a.threshold:.0%}; now: {ctx.get('host_name', '?')}, "
          f"{ctx.get('num_cpus', '?')} CPUs, load {ctx.get('load_avg', '?')}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
