"""scripts/micro-compare.py (issue 17 item 6): a benchmark over the threshold is re-run, and only a
slowdown that repeats is flagged. The benchmark binary here is a stand-in that reports times from
a script, one entry per call, so what the gate decides can be checked without timing anything."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "micro-compare.py")


def report(times):
    """A Google Benchmark JSON report with one median per benchmark (ns)."""
    return {"context": {"host_name": "test", "num_cpus": 2, "load_avg": [0.0]},
            "benchmarks": [{"name": f"{n}_median", "run_name": n, "run_type": "aggregate",
                            "aggregate_name": "median", "cpu_time": t, "time_unit": "ns"}
                           for n, t in times.items()]}


@pytest.fixture
def bench(tmp_path):
    """Writes a baseline and a stand-in sgym_micro whose k-th call reports calls[k] (the benchmarks
    its --benchmark_filter selects); returns a function running micro-compare against them."""
    def setup(baseline, calls, *args):
        (tmp_path / "baseline.json").write_text(json.dumps(report(baseline)))
        (tmp_path / "calls.json").write_text(json.dumps(calls))
        fake = tmp_path / "sgym_micro"
        fake.write_text(textwrap.dedent(f"""\
            #!{sys.executable}
            import json, os, re, sys
            d = {str(tmp_path)!r}
            calls = json.load(open(os.path.join(d, "calls.json")))
            log = os.path.join(d, "log.txt")
            k = sum(1 for _ in open(log)) if os.path.exists(log) else 0
            flt = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--benchmark_filter=")), "")
            # Google Benchmark (std::regex, extended) refuses an escape of anything but . [ \\ ( ) * + ? {{ | ^ $
            if any(flt[i] == "\\\\" and flt[i + 1] not in ".[\\\\()*+?{{|^$" for i in range(len(flt) - 1)):
                sys.exit("Could not compile benchmark re: Invalid escape in regular expression")
            open(log, "a").write(flt + "\\n")
            print(json.dumps({{"context": {{}}, "benchmarks": [
                {{"name": n + "_median", "run_name": n, "run_type": "aggregate", "aggregate_name": "median",
                  "cpu_time": t, "time_unit": "ns"}} for n, t in calls[k].items() if re.search(flt, n)]}}))
            """))
        fake.chmod(0o755)
        r = subprocess.run([sys.executable, SCRIPT, "--binary", str(fake), "--baseline", str(tmp_path / "baseline.json"),
                            *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        log = (tmp_path / "log.txt").read_text().split("\n")[:-1] if (tmp_path / "log.txt").exists() else []
        return r, log
    return setup


def row(out, name):
    return next(line for line in out.splitlines() if line.startswith(f"| {name} |"))


def test_a_slowdown_that_repeats_is_flagged_one_that_does_not_is_not(bench):
    base = {"env_step/A": 100.0, "env_step/B": 100.0, "env_step/C": 100.0}
    calls = [{"env_step/A": 130.0, "env_step/B": 105.0, "env_step/C": 130.0},  # the whole suite
             {"env_step/A": 125.0}, {"env_step/A": 140.0},                     # A again, twice: still slow
             {"env_step/C": 95.0}]                                             # C again: not slow
    r, log = bench(base, calls)
    assert r.returncode == 1, r.stderr
    assert "REGRESSION (slower in 3 of 3 runs)" in row(r.stdout, "env_step/A")
    assert "| 125.0 | 1.25 |" in row(r.stdout, "env_step/A")  # the best run counts
    assert "not repeated (2 runs)" in row(r.stdout, "env_step/C")
    assert "REGRESSION" not in row(r.stdout, "env_step/B") and "not repeated" not in row(r.stdout, "env_step/B")
    assert "1 regression(s)" in r.stdout
    # the re-runs ran A alone, then C alone (a regex matching exactly one name)
    assert log == ["", "^env_step/A$", "^env_step/A$", "^env_step/C$"]


def test_names_are_escaped_as_posix_expressions_and_a_failing_binary_is_named(bench):
    name = "agent_learn/np-actor-critic@Arm.Reach-v0[x]{2}"
    base = {name: 100.0}
    r, log = bench(base, [{name: 130.0}, {name: 90.0}])
    assert r.returncode == 0, r.stdout + r.stderr
    assert log[1] == r"^agent_learn/np-actor-critic@Arm\.Reach-v0\[x]\{2}$"
    r, _ = bench(base, [{name: 130.0}])  # the stand-in fails at the re-run (no entry for it)
    assert r.returncode == 2 and "failed" in r.stderr and "sgym_micro" in r.stderr


def test_a_re_run_that_does_not_report_the_benchmark_is_an_error(bench):
    r, _ = bench({"env_step/A": 100.0}, [{"env_step/A": 130.0}, {"env_step/B": 100.0}])
    assert r.returncode == 2 and "did not report" in r.stderr


def test_an_input_report_is_re_run_only_with_its_binary(tmp_path):
    (tmp_path / "baseline.json").write_text(json.dumps(report({"env_step/A": 100.0})))
    (tmp_path / "now.json").write_text(json.dumps(report({"env_step/A": 130.0})))
    r = subprocess.run([sys.executable, SCRIPT, "--baseline", str(tmp_path / "baseline.json"), "--input",
                        str(tmp_path / "now.json")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 1, r.stderr
    assert "REGRESSION (not re-run)" in row(r.stdout, "env_step/A")


def test_without_re_runs_every_slow_benchmark_is_flagged(bench):
    base = {"env_step/A": 100.0, "env_step/C": 100.0}
    r, log = bench(base, [{"env_step/A": 130.0, "env_step/C": 111.0}], "--confirm", "0")
    assert r.returncode == 1, r.stderr
    assert "2 regression(s)" in r.stdout
    assert len(log) == 1


def test_nothing_repeats_nothing_is_flagged(bench):
    base = {"agent_learn/X@Y": 10.0}
    r, _ = bench(base, [{"agent_learn/X@Y": 14.0}, {"agent_learn/X@Y": 10.5}], "--confirm", "3")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "not repeated (2 runs)" in row(r.stdout, "agent_learn/X@Y")


def test_bad_options_name_the_option(bench):
    r, _ = bench({"a": 1.0}, [{"a": 1.0}], "--confirm", "-1")
    assert r.returncode == 2 and "--confirm" in r.stderr
