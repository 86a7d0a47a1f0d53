#!/usr/bin/env python3
"""Compare the micro-benchmarks of a build with the committed baseline (issue 17 item 6).

Runs build/release/benchmarks/sgym_micro (Google Benchmark) with repetitions, takes each
benchmark's median CPU time per iteration, and compares it with benchmarks/micro/baseline.json.
A benchmark more than --threshold (default 10 %) slower than its baseline is run again on its own,
--confirm times (default 2), and flagged as a regression only when every run was that much slower
(on a shared 2-vCPU VM one run in a few moves a cheap benchmark by 10-40 %; a slowdown of the code
repeats, a slow stretch of the machine does not). The exit status is 1 when any is flagged, 0
otherwise (2 on bad input). A benchmark report, not a test: timings depend on the machine and its
load, so record the baseline and compare on the same machine, quiet, in one sitting.

  scripts/micro-compare.py                     # run and compare
  scripts/micro-compare.py --record            # run and write the baseline (atomically)
  scripts/micro-compare.py --input run.json    # compare an existing sgym_micro JSON output (re-runs
                                               # only with --binary, the build that wrote it)
  scripts/micro-compare.py --filter 'env_step' # only some benchmarks
  scripts/micro-compare.py --confirm 0         # believe the first run (no re-runs)
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


def fail(message):
    """Exits with status 2 (bad input or a benchmark binary that failed), naming what went wrong."""
    print(f"micro-compare: {message}", file=sys.stderr)
    sys.exit(2)


def check_binary(binary):
    if not os.access(binary, os.X_OK):
        fail(f"no benchmark binary at {binary} (build the target sgym_micro; it needs Debian's libbenchmark-dev)")


def run(binary, flt, reps, min_time):
    check_binary(binary)
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={reps}",
           "--benchmark_report_aggregates_only=true", f"--benchmark_min_time={min_time}"]
    if flt:
        cmd.append(f"--benchmark_filter={flt}")
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if res.returncode != 0:
            raise ValueError(f"exit status {res.returncode}")
        return json.loads(res.stdout)
    except ValueError as e:  # json.JSONDecodeError is a ValueError
        fail(f"{' '.join(cmd)} failed ({e}): {res.stderr.strip()[-500:]}")


def exactly(name):
    """A filter matching only `name`: Google Benchmark's regular expressions (std::regex, extended)
    accept an escape only of . [ \\ ( ) * + ? { | ^ $ and refuse Python's escapes of '/', '-', '@',
    ']' or '}' (re.escape), so only those are escaped (']' and '}' alone are ordinary characters)."""
    return "^" + "".join("\\" + c if c in ".[\\()*+?{|^$" else c for c in name) + "$"


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".micro-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", help="the sgym_micro to run (default: build/release/benchmarks/sgym_micro); with "
                    "--input, the build that wrote it, for the re-runs")
    ap.add_argument("--baseline", default=os.path.join(ROOT, "benchmarks/micro/baseline.json"))
    ap.add_argument("--input", help="an sgym_micro JSON report to compare instead of running")
    ap.add_argument("--filter", default="", help="regex of benchmark names (Google Benchmark's filter)")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    ap.add_argument("--threshold", type=float, default=0.10, help="flag slowdowns above this fraction")
    ap.add_argument("--confirm", type=int, default=2,
                    help="re-runs of each benchmark over the threshold; flagged only if slower in every one")
    ap.add_argument("--record", action="store_true", help="write the run as the new baseline")
    a = ap.parse_args()
    if a.repetitions < 1 or a.min_time <= 0 or a.threshold <= 0 or a.confirm < 0:
        ap.error("--repetitions must be >= 1, --confirm >= 0, --min-time and --threshold > 0")
    # a report given with --input is re-run only with the binary named for it (the default build
    # may not be the one that wrote it)
    rerun = a.confirm > 0 and (not a.input or a.binary is not None)
    if a.binary is None:
        a.binary = os.path.join(ROOT, "build/release/benchmarks/sgym_micro")

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
    names = [n for n in sorted(set(base) | set(now)) if not (flt and not flt.search(n))]
    slow = lambda n: n in base and n in now and now[n] / base[n] > 1 + a.threshold
    # each benchmark over the threshold runs again on its own; its best run is what counts
    best = dict(now)
    runs = {n: 1 for n in now}
    suspects = [n for n in names if slow(n)]
    for name in suspects if rerun else []:
        for _ in range(a.confirm):
            again = medians(run(a.binary, exactly(name), a.repetitions, a.min_time)).get(name)
            if again is None:
                print(f"micro-compare: the re-run of {name} did not report it", file=sys.stderr)
                return 2
            best[name] = min(best[name], again)
            runs[name] += 1
            if again / base[name] <= 1 + a.threshold:
                break  # not slower this time: not a regression of the code
    regressions = 0
    print(f"| benchmark | baseline (ns) | now (ns) | best of runs (ns) | best / baseline | |")
    print("|---|---|---|---|---|---|")
    for name in names:
        b, n = base.get(name), now.get(name)
        if b is None or n is None:
            print(f"| {name} | {b and f'{b:.1f}' or '-'} | {n and f'{n:.1f}' or '-'} | | | "
                  f"{'new' if b is None else 'missing now'} |")
            continue
        r = best[name] / b
        if r > 1 + a.threshold:
            flag = "REGRESSION" + (f" (slower in {runs[name]} of {runs[name]} runs)" if runs[name] > 1 else
                                   " (not re-run)" if a.confirm > 0 else "")
        elif n / b > 1 + a.threshold:
            flag = f"not repeated ({runs[name]} runs)"
        else:
            flag = "faster" if r < 1 - a.threshold else ""
        regressions += flag.startswith("REGRESSION")
        print(f"| {name} | {b:.1f} | {n:.1f} | {best[name]:.1f} | {r:.2f} | {flag} |")
    repeated = sum(1 for n in suspects if runs[n] > 1)
    ctx = report.get("context", {})
    print(f"\n{regressions} regression(s) over {a.threshold:.0%} ({len(suspects)} over it in the first run, "
          f"{repeated} re-run); now: {ctx.get('host_name', '?')}, "
          f"{ctx.get('num_cpus', '?')} CPUs, load {ctx.get('load_avg', '?')}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
