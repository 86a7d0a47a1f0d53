#!/usr/bin/env python3
"""Env steps per second from Python: sgym.make_vec (the C++ VectorEnv) for DelayMatchCategory-v0,
CurveTracing-v0 and BipedalWalker-v3 at 1, 16 and 256 envs, beside NeuroGym's DelayMatchCategory-v0
and Gymnasium's BipedalWalker-v3 (Box2D 2.3, pybox2d) in Gymnasium's SyncVectorEnv, all stepped with
uniformly random actions from Python (NeuroGym in a child process, see below).

NeuroGym and pybox2d are not dependencies of sgym: this script makes its own venvs, installs
sgym (from this checkout) and box2d (built with PyPI's swig) into build/bench-venv/ and re-runs
itself there; NeuroGym 2.3 pins gymnasium 0.29 and imports torch, so it goes into
build/bench-venv-neurogym/ and its row is timed there by the same code, in a child process:

    nice -n 10 python3 benchmarks/python_throughput.py            # prints a Markdown table
    python3 benchmarks/python_throughput.py --seconds 1 --sizes 1,16   # shorter

Measure on an otherwise idle machine; steps/s counts env steps (num_envs per vector step), the time
includes sampling the actions (one batched sample per step) and copying the results out.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import platform
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV = ROOT / "build" / "bench-venv"
PY = VENV / "bin" / "python"
NG_VENV = ROOT / "build" / "bench-venv-neurogym"
NG_PY = NG_VENV / "bin" / "python"


def setup() -> None:
    """sgym and Gymnasium's walker (PyPI box2d, Box2D 2.3, built with PyPI's swig) in build/bench-venv;
    NeuroGym in build/bench-venv-neurogym, because NeuroGym 2.3 pins gymnasium 0.29 (and imports
    torch) while sgym needs gymnasium 1.x."""
    for venv in (VENV, NG_VENV):
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(PY), "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + [str(ROOT)], check=True)
    subprocess.run(pip + ["swig"], check=True)
    subprocess.run(pip + ["box2d", "pygame"], check=True)  # gymnasium.envs.box2d imports pygame
    # NeuroGym 2.3 imports torch without declaring it (its CPU wheel is on the project's machines)
    subprocess.run([str(NG_PY), "-m", "pip", "install", "--quiet", "neurogym", "torch"], check=True)


def rate(step, batch: int, seconds: float) -> tuple[float, float]:
    """(steps/s, spread) over three timed blocks of `seconds` / 3 each, after a warm-up."""
    for _ in range(10):
        step()
    rates = []
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / 3:
            for _ in range(20):
                step()
            n += 20
        rates.append(n * batch / (time.perf_counter() - t0))
    mean = sum(rates) / len(rates)
    return mean, (max(rates) - min(rates)) / 2


def sgym_case(env_id: str, n: int, threads: int):
    import sgym

    venv = sgym.make_vec(env_id, n, num_threads=threads)
    venv.reset(seed=0)
    venv.action_space.seed(0)
    return lambda: venv.step(venv.action_space.sample())


def gym_case(make_one, n: int):
    import gymnasium

    venv = gymnasium.vector.SyncVectorEnv([make_one for _ in range(n)])
    venv.reset(seed=0)
    venv.action_space.seed(0)
    return lambda: venv.step(venv.action_space.sample())


def neurogym_dmc():
    import gymnasium
    import neurogym

    make = getattr(neurogym, "make", None) or gymnasium.make
    return make("DelayMatchCategory-v0")


def measure_neurogym(args) -> None:
    """One table row, run inside NeuroGym's venv (gymnasium 0.29): printed as TSV for the parent."""
    import gymnasium

    for n in [int(s) for s in args.sizes.split(",")]:
        mean, spread = rate(gym_case(neurogym_dmc, n), n, args.seconds)
        print(f"{n}\t{mean}\t{spread}\t{gymnasium.__version__}", flush=True)


def measure(args) -> None:
    import gymnasium

    sizes = [int(s) for s in args.sizes.split(",")]

    cases = [
        ("sgym DelayMatchCategory-v0", lambda n: sgym_case("DelayMatchCategory-v0", n, args.threads)),
        ("NeuroGym DelayMatchCategory-v0 (gymnasium {ng})", None),
        ("sgym CurveTracing-v0", lambda n: sgym_case("CurveTracing-v0", n, args.threads)),
        ("sgym BipedalWalker-v3", lambda n: sgym_case("BipedalWalker-v3", n, args.threads)),
        ("Gymnasium BipedalWalker-v3 (Box2D 2.3)", lambda n: gym_case(lambda: gymnasium.make("BipedalWalker-v3"), n)),
    ]
    print(f"Python {platform.python_version()}, gymnasium {gymnasium.__version__}, {os.cpu_count()} cores, "
          f"sgym num_threads={args.threads}, {args.seconds:g} s per cell (mean ± half-range of 3 blocks); "
          "Gymnasium's rows in SyncVectorEnv\n")
    print("| env | " + " | ".join(f"{n} env{'s' if n > 1 else ''}" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name, make in cases:
        cells = []
        if make is None:
            out = subprocess.run([str(NG_PY), __file__, "--neurogym-row", "--sizes", args.sizes,
                                  "--seconds", str(args.seconds)], check=True, capture_output=True, text=True).stdout
            rows = [line.split("\t") for line in out.strip().splitlines()]
            cells = [f"{float(m):,.0f} ± {float(sp):,.0f}" for _, m, sp, _ in rows]
            name = name.format(ng=rows[0][3])
        else:
            for n in sizes:
                mean, spread = rate(make(n), n, args.seconds)
                cells.append(f"{mean:,.0f} ± {spread:,.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,16,256", help="numbers of envs, comma-separated")
    parser.add_argument("--seconds", type=float, default=6.0, help="timed seconds per cell")
    parser.add_argument("--threads", type=int, default=1, help="sgym VectorEnv worker threads")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--neurogym-row", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.neurogym_row:
        measure_neurogym(args)
        return 0
    if not args.in_venv:
        setup()
        return subprocess.run([str(PY), __file__, "--in-venv", *sys.argv[1:]]).returncode
    measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
