#!/usr/bin/env python3
"""Backprop baselines: Stable-Baselines3 PPO on SaccadeAntisaccade-v0, DelayMatchCategory-v0 and
CurveTracing-v0, PPO and SAC on BipedalWalker-v3, all through sgym's Gymnasium envs, with each task's
criterion defined as on the bio-plausible agent's results page; writes one Markdown table beside the
bio-plausible agents' numbers (benchmarks/results/baselines.md).

This is a benchmark, not a test. Stable-Baselines3 and PyTorch are not dependencies of sgym: the script
makes its own venv (build/baselines-venv/), installs sgym from this checkout, torch==2.13.0 (CPU),
stable-baselines3 into it and re-runs itself there:

    nice -n 19 python3 benchmarks/baselines.py --seeds 5 --jobs 2          # every task, default budgets
    python3 benchmarks/baselines.py --quick --seeds 1                      # smoke run, tiny budgets
    python3 benchmarks/baselines.py --tasks saccade,dmc --seeds 5          # a subset
    python3 benchmarks/baselines.py --report-only                          # table from the saved runs

Each run (task, algorithm, seed) writes one JSON file into --out (default build/baselines-runs/; the
flags follow `sgym experiment`'s: --quick, --jobs N, --out DIR; the table goes to --report FILE);
a run whose file exists is not run again (delete it to re-run), so an interrupted benchmark resumes.
The table is written from all run files of the selected tasks. Memory for the two memory tasks is
frame stacking: the policy sees every frame of the current trial (stack = the longest trial, zero
padded, one trial per episode), an MLP with the whole trial's history as input.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV = ROOT / "build" / "baselines-venv"
PY = VENV / "bin" / "python"
TASKS = ("saccade", "dmc", "curve", "walker")
EVAL_SEED_BASE = 1_000_000  # held-out env seeds: EVAL_SEED_BASE + seed (training envs use seed + i)


# ----------------------------------------------------------------------------------------------
# setup


def setup() -> None:
    """build/baselines-venv with sgym (from this checkout), torch 2.13.0 (CPU build) and SB3."""
    if not PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(PY), "-m", "pip", "install", "--quiet"]
    # torch first and pinned: a plain `torch` requirement would pull a multi-GB CUDA build
    subprocess.run(pip + ["torch==2.13.0"], check=True)
    subprocess.run(pip + ["stable-baselines3", "torch==2.13.0"], check=True)
    if subprocess.run([str(PY), "-c", "import sgym"], capture_output=True).returncode != 0:
        subprocess.run(pip + [str(ROOT)], check=True)


# ----------------------------------------------------------------------------------------------
# task settings (the bio agents' protocols; see the results pages named in PAGES)

SACCADE_OPTS = {"max_wait_steps": 9, "max_go_steps": 7}  # augment-saccade.md: the replication's judged counts
SACCADE_TYPES = ("pro_left", "pro_right", "anti_left", "anti_right")
DMC_OPTS = {"noise_sd": 0.0, "abort_reward": -1.0}  # augment-dmc.md: both differ from the env defaults
CURVE_OPTS = {"grid_px": 15, "fixation_reward": 0.2, "abort_reward": -1.0, "fixation_ms": 0.0, "curves_ms": 50.0}

# budgets: (full, quick)
BUDGETS = {
    "saccade": {"max_trials": (25_000, 300)},        # AuGMEnT's cap (augment-saccade.md)
    "dmc": {"max_trials": (20_000, 200), "probe_every": (1_000, 100), "probe_trials": (200, 50),
            "final_trials": (1_200, 100)},
    "curve": {"stage_cap": (30_000, 200), "max_steps": (400_000, 3_000), "test_trials": (100, 20)},
    "walker": {"ppo_steps": (5_000_000, 2_000), "sac_steps": (500_000, 2_000), "eval_episodes": (100, 1)},  # zoo budgets
}

PPO_COGNITIVE = dict(n_steps=256, batch_size=256, n_epochs=4, learning_rate=3e-4, gamma=0.99, gae_lambda=0.95,
                     ent_coef=0.01, clip_range=0.2)
N_ENVS_COGNITIVE = 8
# rl-baselines3-zoo hyperparams (DLR-RM/rl-baselines3-zoo, hyperparams/ppo.yml and sac.yml, BipedalWalker-v3)
PPO_WALKER = dict(n_steps=2048, batch_size=64, gae_lambda=0.95, gamma=0.999, n_epochs=10, ent_coef=0.0,
                  learning_rate=3e-4, clip_range=0.18)
N_ENVS_PPO_WALKER = 32
SAC_WALKER = dict(learning_rate=7.3e-4, buffer_size=300_000, batch_size=256, ent_coef="auto", gamma=0.98, tau=0.02,
                  train_freq=64, gradient_steps=64, learning_starts=10_000, use_sde=True)
SAC_WALKER_POLICY = dict(log_std_init=-3, net_arch=[400, 300])


PROGRESS: pathlib.Path | None = None  # the running job's progress file (<run>.progress)
OVERRIDES: dict[tuple[str, str], int] = {}  # from --saccade-trials, --dmc-trials, --curve-steps, --walker-steps


def budget(task: str, key: str, quick: bool):
    if OVERRIDES.get((task, key)):
        return OVERRIDES[(task, key)]
    return BUDGETS[task][key][1 if quick else 0]


# ----------------------------------------------------------------------------------------------
# helpers that run inside the venv


def make_env(env_id: str, options: dict, stack: int = 0):
    import gymnasium
    import sgym

    env = sgym.make(env_id, **options)
    if stack:
        env = gymnasium.wrappers.FrameStackObservation(env, stack, padding_type="zero")
    return env


def make_vec(env_id: str, options: dict, n: int, seed: int, stack: int = 0):
    from stable_baselines3.common.vec_env import DummyVecEnv

    venv = DummyVecEnv([lambda: make_env(env_id, options, stack) for _ in range(n)])
    venv.seed(seed)  # member i: seed + i
    return venv


def trial_stack(env_id: str, options: dict) -> int:
    """Frames in the longest trial (one trial per episode): the frame stack that holds the whole trial."""
    return make_env(env_id, options).unwrapped.max_episode_steps


def run_trials(model, venv, n_trials: int, vecnorm=None) -> list[dict]:
    """Deterministic policy on `venv` until `n_trials` trials ended (in order of completion); each
    ended trial's info. The venv must be freshly seeded."""
    import numpy as np

    obs = venv.reset()
    done_trials: list[dict] = []
    while len(done_trials) < n_trials:
        action, _ = model.predict(obs if vecnorm is None else vecnorm.normalize_obs(obs), deterministic=True)
        obs, _, _, infos = venv.step(np.asarray(action))
        for info in infos:
            if info.get("trial_outcome"):
                done_trials.append({k: info[k] for k in ("trial_outcome", "condition", "target_length") if k in info})
    return done_trials[:n_trials]


def trial_callback_class():
    from stable_baselines3.common.callbacks import BaseCallback

    class TrialCallback(BaseCallback):
        """Hands every ended training trial (in the order the vector env reports them) to `on_trial`,
        which returns False to stop training."""

        def __init__(self, on_trial):
            super().__init__()
            self.on_trial = on_trial
            self.trials = 0
            self.stop = False
            self.t0 = time.perf_counter()

        def _on_step(self) -> bool:
            for info in self.locals["infos"]:
                if info.get("trial_outcome") and not self.stop:
                    self.trials += 1
                    if self.on_trial(info, self.trials, self.num_timesteps) is False:
                        self.stop = True
                    if PROGRESS and self.trials % 500 == 0:  # where an unfinished run got to
                        write_atomic(PROGRESS, json.dumps({"trials": self.trials, "steps": int(self.num_timesteps),
                                                           "seconds": time.perf_counter() - self.t0}))
            return not self.stop

    return TrialCallback


def ppo(env, seed: int, **overrides):
    from stable_baselines3 import PPO

    kw = dict(PPO_COGNITIVE)
    kw.update(overrides)
    return PPO("MlpPolicy", env, seed=seed, verbose=0, device="cpu", **kw)


def train_until_stopped(model, on_trial):
    """Trains until `on_trial` (called with each ended trial's info, the trial count and the env steps)
    returns False; (the callback, seconds)."""
    cb = trial_callback_class()(on_trial)
    t0 = time.perf_counter()
    model.learn(total_timesteps=10**9, callback=cb)
    return cb, time.perf_counter() - t0


# ----------------------------------------------------------------------------------------------
# tasks: each returns a JSON-able dict


def task_saccade(seed: int, quick: bool) -> dict:
    """augment-saccade.md's criterion: after every trial, the fraction correct over the last 50 trials
    of each type (each window starts as 50 failures); when all four are >= 90 % training stops and a
    greedy check (one trial of each type, deterministic policy) decides whether the network converged.
    Cap 25,000 trials."""
    from collections import deque

    env_id, opts = "SaccadeAntisaccade-v0", SACCADE_OPTS
    stack = trial_stack(env_id, opts)
    venv = make_vec(env_id, opts, N_ENVS_COGNITIVE, seed, stack)
    model = ppo(venv, seed)
    cap = budget("saccade", "max_trials", quick)
    windows = {t: deque([0] * 50, maxlen=50) for t in SACCADE_TYPES}
    state: dict[str, Any] = {"criterion_trial": None, "criterion_steps": None}

    def on_trial(info, n, steps):
        windows[info["condition"]].append(1 if info["trial_outcome"] == "correct" else 0)
        if all(sum(w) >= 45 for w in windows.values()):
            state["criterion_trial"], state["criterion_steps"] = n, steps
            return False
        return n < cap

    cb, train_s = train_until_stopped(model, on_trial)
    greedy = None
    if state["criterion_trial"] is not None:
        greedy = {}
        for k, t in enumerate(SACCADE_TYPES):
            check = make_vec(env_id, {**opts, "condition": t}, 1, EVAL_SEED_BASE + seed + k, stack)
            greedy[t] = run_trials(model, check, 1)[0]["trial_outcome"]
    final = run_trials(model, make_vec(env_id, opts, N_ENVS_COGNITIVE, EVAL_SEED_BASE + seed, stack), 1000)
    return {
        "trials": cb.trials, "steps": int(model.num_timesteps), "train_seconds": train_s,
        "met_criterion": state["criterion_trial"] is not None,
        "converged": greedy is not None and all(v == "correct" for v in greedy.values()),
        "trials_to_criterion": state["criterion_trial"], "steps_to_criterion": state["criterion_steps"],
        "greedy_check": greedy, "final_accuracy": sum(t["trial_outcome"] == "correct" for t in final) / len(final),
        "final_trials": len(final), "frame_stack": stack, "cap": cap,
    }


def task_dmc(seed: int, quick: bool) -> dict:
    """augment-dmc.md's criterion: every 1,000 training trials a greedy probe of 200 trials on a separate
    env with its own seed; trials to 90 % = the first probe >= 90 %. Training stops there (or at the
    trial cap); the final greedy accuracy is over 1,200 held-out trials."""
    env_id, opts = "DelayMatchCategory-v0", DMC_OPTS
    stack = trial_stack(env_id, opts)
    venv = make_vec(env_id, opts, N_ENVS_COGNITIVE, seed, stack)
    model = ppo(venv, seed)
    cap = budget("dmc", "max_trials", quick)
    every, n_probe = budget("dmc", "probe_every", quick), budget("dmc", "probe_trials", quick)
    state: dict[str, Any] = {"criterion_trial": None, "criterion_steps": None, "probes": []}

    def probe_accuracy(env_seed: int, n: int) -> float:
        done = run_trials(model, make_vec(env_id, opts, N_ENVS_COGNITIVE, env_seed, stack), n)
        return sum(t["trial_outcome"] == "correct" for t in done) / n

    def on_trial(info, n, steps):
        if n % every == 0:
            acc = probe_accuracy(2 * EVAL_SEED_BASE + 1000 * seed + n // every, n_probe)
            state["probes"].append([n, steps, acc])
            if acc >= 0.9:
                state["criterion_trial"], state["criterion_steps"] = n, steps
                return False
        return n < cap

    cb, train_s = train_until_stopped(model, on_trial)
    return {
        "trials": cb.trials, "steps": int(model.num_timesteps), "train_seconds": train_s,
        "met_criterion": state["criterion_trial"] is not None,
        "trials_to_criterion": state["criterion_trial"], "steps_to_criterion": state["criterion_steps"],
        "probes": state["probes"], "final_accuracy": probe_accuracy(EVAL_SEED_BASE + seed, budget("dmc", "final_trials", quick)),
        "final_trials": budget("dmc", "final_trials", quick), "frame_stack": stack, "cap": cap,
    }


def curve_stage_opts(L: int) -> dict:
    lo = 5 if L >= 5 else 2  # curve-tracing.hpp: stages from 5 px draw 5..L px, shorter ones 2..L px
    return {**CURVE_OPTS, "min_length_px": lo, "max_length_px": L, "split": "train",
            "balance": "ranks" if lo >= 5 else "none"}


def task_curve(seed: int, quick: bool) -> dict:
    """curve-tracing.md's curriculum (benchmarks/curve_tracing.hpp): stages L = 2..9; a stage ends when
    >= 85 of the last 100 judged trials (not aborted) with a target curve of length L were correct and a
    greedy check (100 trials of length L, training shapes) is >= 85 %; otherwise training goes on with a
    new window; after 30,000 trials in a stage the curriculum fails. Tests on held-out shapes."""
    from collections import deque

    env_id = "CurveTracing-v0"
    cap, max_steps = budget("curve", "stage_cap", quick), budget("curve", "max_steps", quick)
    n_test = budget("curve", "test_trials", quick)
    model = None
    stages: list[dict] = []
    total_trials, passed_all = 0, False
    t0 = time.perf_counter()
    for L in range(2, 10):
        venv = make_vec(env_id, curve_stage_opts(L), N_ENVS_COGNITIVE, seed + 100 * L)
        if model is None:
            model = ppo(venv, seed)
        else:
            model.set_env(venv)
        window: deque = deque(maxlen=100)
        st = {"length": L, "trials": 0, "checks": [], "passed": False, "steps_at_start": int(model.num_timesteps)}

        def on_trial(info, n, steps, L=L, st=st, window=window):
            st["trials"] = n
            if info["trial_outcome"] != "aborted" and int(info["target_length"]) == L:
                window.append(1 if info["trial_outcome"] == "correct" else 0)
                if len(window) == 100 and sum(window) >= 85:
                    check_opts = {**CURVE_OPTS, "min_length_px": L, "max_length_px": L, "split": "train",
                                  "balance": "ranks" if L >= 5 else "none"}
                    done = run_trials(model, make_vec(env_id, check_opts, N_ENVS_COGNITIVE, 3 * EVAL_SEED_BASE + 1000 * L + n), 100)
                    ok = sum(t["trial_outcome"] == "correct" for t in done)
                    st["checks"].append([n, ok])
                    window.clear()
                    if ok >= 85:
                        st["passed"] = True
                        return False
            return n < cap

        cb = trial_callback_class()(on_trial)
        remaining = max_steps - int(model.num_timesteps)
        if remaining > 0:
            model.learn(total_timesteps=remaining, callback=cb, reset_num_timesteps=False)
        st["steps_at_end"] = int(model.num_timesteps)
        total_trials += st["trials"]
        stages.append(st)
        if not st["passed"]:
            break
    else:
        passed_all = True
    train_s = time.perf_counter() - t0
    tests = {}
    for length in (2, 3, 5, 9, 13):
        opts = {**CURVE_OPTS, "min_length_px": length, "max_length_px": length, "split": "heldout",
                "balance": "ranks" if length >= 5 else "none"}
        done = run_trials(model, make_vec(env_id, opts, N_ENVS_COGNITIVE, EVAL_SEED_BASE + 100 * seed + length), n_test)
        tests[str(length)] = sum(t["trial_outcome"] == "correct" for t in done) / n_test
    last = stages[-1]
    return {
        "trials": total_trials, "steps": int(model.num_timesteps), "train_seconds": train_s,
        "stage_reached": last["length"], "passed_curriculum": passed_all, "stages": stages,
        "stopped_by": "criterion" if passed_all else ("stage cap" if last["trials"] >= cap else "step budget"),
        "test_accuracy": tests, "test_trials": n_test, "stage_cap": cap, "max_steps": max_steps,
    }


def walker_eval(model, seed: int, episodes: int, vecnorm=None) -> list[float]:
    import numpy as np

    env = make_env("BipedalWalker-v3", {})
    returns = []
    obs, _ = env.reset(seed=EVAL_SEED_BASE + seed)
    for _ in range(episodes):
        total, done = 0.0, False
        while not done:
            o = obs[None] if vecnorm is None else vecnorm.normalize_obs(obs[None])
            action, _ = model.predict(o, deterministic=True)
            obs, r, term, trunc, _ = env.step(np.asarray(action[0], dtype=np.float32))
            total += float(r)
            done = term or trunc
        returns.append(total)
        obs, _ = env.reset()  # later terrains continue the eval env's stream, as bg-cerebellum-walker.md
    return returns


def task_walker(seed: int, quick: bool, algo: str) -> dict:
    from stable_baselines3 import PPO, SAC
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import VecNormalize

    steps = budget("walker", f"{algo}_steps", quick)
    episodes = budget("walker", "eval_episodes", quick)
    returns: list[list[float]] = []

    class Episodes(BaseCallback):
        def _on_step(self) -> bool:
            for info in self.locals["infos"]:
                if "episode" in info:
                    returns.append([self.num_timesteps, float(info["episode"]["r"])])
            return True

    from stable_baselines3.common.monitor import Monitor
    from stable_baselines3.common.vec_env import DummyVecEnv

    def monitored():
        return Monitor(make_env("BipedalWalker-v3", {}))

    vecnorm = None
    if algo == "ppo":
        venv = DummyVecEnv([monitored] * N_ENVS_PPO_WALKER)
        venv.seed(seed)
        venv = vecnorm = VecNormalize(venv, norm_obs=True, norm_reward=True, gamma=PPO_WALKER["gamma"])
        model = PPO("MlpPolicy", venv, seed=seed, verbose=0, device="cpu", **PPO_WALKER)
    else:
        venv = DummyVecEnv([monitored])
        venv.seed(seed)
        model = SAC("MlpPolicy", venv, seed=seed, verbose=0, device="cpu", policy_kwargs=SAC_WALKER_POLICY, **SAC_WALKER)
    t0 = time.perf_counter()
    model.learn(total_timesteps=steps, callback=Episodes())
    train_s = time.perf_counter() - t0
    if vecnorm is not None:
        vecnorm.training = False
    final = walker_eval(model, seed, episodes, vecnorm)
    return {"steps": int(model.num_timesteps), "train_seconds": train_s, "training_episodes": len(returns),
            "training_returns": returns, "eval_returns": final, "eval_mean": statistics.fmean(final)}


# ----------------------------------------------------------------------------------------------
# running


def run_one(job: tuple) -> str:
    task, algo, seed, args = job
    OVERRIDES.update(args["overrides"])
    out = pathlib.Path(args["runs"]) / f"{task}-{algo}-{seed}{'-quick' if args['quick'] else ''}.json"
    if out.exists():
        return f"{out.name}: exists, skipped"
    import torch

    global PROGRESS
    PROGRESS = out.with_suffix(".progress")
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    if task == "saccade":
        res = task_saccade(seed, args["quick"])
    elif task == "dmc":
        res = task_dmc(seed, args["quick"])
    elif task == "curve":
        res = task_curve(seed, args["quick"])
    else:
        res = task_walker(seed, args["quick"], algo)
    import gymnasium
    import stable_baselines3

    res.update({"task": task, "algo": algo, "seed": seed, "quick": args["quick"], "wall_seconds": time.perf_counter() - t0,
                "versions": {"python": platform.python_version(), "torch": torch.__version__,
                             "stable_baselines3": stable_baselines3.__version__, "gymnasium": gymnasium.__version__}})
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(res, indent=1))
    os.replace(tmp, out)
    return f"{out.name}: {res['wall_seconds']:.0f} s"


def jobs_for(args) -> list[tuple]:
    shared = {"runs": args.runs, "quick": args.quick, "overrides": dict(OVERRIDES)}
    jobs = []
    for task in args.tasks:
        if task == "walker":
            for algo in args.walker_algos:
                jobs += [(task, algo, s, shared) for s in range(1, args.walker_seeds + 1)]
        else:
            jobs += [(task, "ppo", s, shared) for s in range(1, args.seeds + 1)]
    return jobs


def run_all(args) -> None:
    pathlib.Path(args.runs).mkdir(parents=True, exist_ok=True)
    jobs = jobs_for(args)
    if args.jobs > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(args.jobs, maxtasksperchild=1) as pool:
            for msg in pool.imap_unordered(run_one, jobs):
                print(msg, flush=True)
    else:
        for job in jobs:
            print(run_one(job), flush=True)


# ----------------------------------------------------------------------------------------------
# the table


def med_iqr(xs: list[float], fmt: str = "{:,.0f}") -> str:
    if not xs:
        return "—"
    if len(xs) == 1:
        return fmt.format(xs[0])
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return f"{fmt.format(statistics.median(xs))} [{fmt.format(q[0])} – {fmt.format(q[2])}]"


def mean_sd(xs: list[float], fmt: str = "{:.1f}") -> str:
    if not xs:
        return "—"
    if len(xs) == 1:
        return fmt.format(xs[0])
    return f"{fmt.format(statistics.fmean(xs))} ± {fmt.format(statistics.stdev(xs))}"


def load_runs(args) -> dict[tuple[str, str], list[dict]]:
    """Every run file of the selected tasks in --out and the --also-runs directories."""
    runs: dict[tuple[str, str], list[dict]] = {}
    files = [f for d in [args.runs, *args.also_runs] for f in sorted(pathlib.Path(d).glob("*.json"))]
    for f in files:
        if args.quick != f.name.endswith("-quick.json"):
            continue
        r = json.loads(f.read_text())
        if r["task"] in args.tasks:
            runs.setdefault((r["task"], r["algo"]), []).append(r)
    for v in runs.values():
        v.sort(key=lambda r: (r.get("cap", 0), r["seed"]))
    return runs


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def report(args) -> str:
    runs = load_runs(args)
    lines: list[str] = []
    w = lines.append
    versions = next((r[0]["versions"] for r in runs.values()), {})
    w("<!-- generated by benchmarks/baselines.py; do not edit the tables by hand -->")
    w("# Backprop baselines beside the bio-plausible agents")
    w("")
    w("Stable-Baselines3 " + versions.get("stable_baselines3", "?") + " (PyTorch " + versions.get("torch", "?")
      + ", CPU, one thread per run; gymnasium " + versions.get("gymnasium", "?") + ", Python "
      + versions.get("python", "?") + ") through `sgym.make`. The command that wrote this table (each run it "
      "reads is a file written by a run with the same budgets; a run is skipped when its file exists):")
    w("")
    w("```sh")
    shown = [a for a in sys.argv[1:] if a not in ("--in-venv", "--report-only")]
    w("nice -n 19 " + " ".join(["python3", "benchmarks/baselines.py"] + shown))
    w("```")
    w("")
    if args.quick:
        w("**`--quick`: smoke-test budgets, not results.**")
        w("")
    w("| task | agent | seeds | sample efficiency (criterion as on the bio page) | final score (held-out seeds) | env steps | wall time | source |")
    w("|---|---|---|---|---|---|---|---|")

    def wall(rs):
        return f"{statistics.fmean(r['wall_seconds'] for r in rs) / 60:.1f} min / run"

    def steps(rs):
        return med_iqr([r["steps"] for r in rs])

    rs = runs.get(("saccade", "ppo"), [])
    if rs:
        conv = [r for r in rs if r["converged"]]
        met = [r for r in rs if r["met_criterion"]]
        w(f"| SaccadeAntisaccade-v0 (shaping on, 9/7 judged) | PPO + trial frame stack ({rs[0]['frame_stack']}) | {len(rs)} | "
          f"converged {len(conv)}/{len(rs)} (met 90 % {len(met)}/{len(rs)}, cap {rs[0]['cap']:,} trials); trials to criterion {med_iqr([r['trials_to_criterion'] for r in conv])}, "
          f"env steps {med_iqr([r['steps_to_criterion'] for r in conv])} | greedy accuracy {med_iqr([100 * r['final_accuracy'] for r in rs], '{:.1f}')} % "
          f"({rs[0]['final_trials']} trials) | {steps(rs)} | {wall(rs)} | this page |")
    w("| SaccadeAntisaccade-v0 (same) | AuGMEnT | 10,000 | converged 90.46 % (met 90 % 99.51 %); trials to criterion 4,011 [3,139 – 5,133] | — | 3.40 × 10⁸ for the 10,000 (34,000 per network on average) | 222 s for all 10,000 (2 threads) | [augment-saccade.md](augment-saccade.md) |")
    dmc = runs.get(("dmc", "ppo"), [])
    for cap in sorted({r["cap"] for r in dmc}):  # one row per trial cap
        rs = [r for r in dmc if r["cap"] == cap]
        met = [r for r in rs if r["met_criterion"]]
        w(f"| DelayMatchCategory-v0 (`noise_sd=0 abort_reward=-1`, boundary 45°) | PPO + trial frame stack ({rs[0]['frame_stack']}) | {len(rs)} | "
          f"reached 90 % {len(met)}/{len(rs)} (cap {rs[0]['cap']:,} trials); trials to 90 % {med_iqr([r['trials_to_criterion'] for r in met])}, "
          f"env steps {med_iqr([r['steps_to_criterion'] for r in met])} | greedy accuracy at stop {med_iqr([100 * r['final_accuracy'] for r in rs], '{:.1f}')} % "
          f"({rs[0]['final_trials']} trials) | {steps(rs)} | {wall(rs)} | this page |")
    w("| DelayMatchCategory-v0 (same) | AuGMEnT | 20 | reached 90 % 19/20; trials to 90 % 17,000 [7,500 – 28,000] | greedy accuracy after 100,000 trials 94.1 % [49.7 – 100] (1,200 trials) | — | 593 s for all 20 × 200,000 trials (2 threads) | [augment-dmc.md](augment-dmc.md) |")
    rs = runs.get(("curve", "ppo"), [])
    if rs:
        done = [r for r in rs if r["passed_curriculum"]]
        reached = ", ".join(f"{r['stage_reached']} px" + ("" if r["passed_curriculum"] else f" ({r['stopped_by']})") for r in rs)
        acc = "; ".join(f"{L} px {med_iqr([100 * r['test_accuracy'][L] for r in rs], '{:.0f}')} %" for L in ("5", "9", "13"))
        w(f"| CurveTracing-v0 (curriculum 2→9 px, 1 distractor) | PPO (no stack: the gaze channel makes the frame sufficient) | {len(rs)} | "
          f"completed {len(done)}/{len(rs)} (stage cap {rs[0]['stage_cap']:,} trials, {rs[0]['max_steps']:,} steps per run); stage reached: {reached}; training trials {med_iqr([r['trials'] for r in rs])} | "
          f"held-out shapes, {rs[0]['test_trials']} trials per length: {acc} (chance 50 %) | {steps(rs)} | {wall(rs)} | this page |")
    w("| CurveTracing-v0 (same, stage cap 30,000) | augment-recurrent (RELEARNN rule) | 16 | completed 13/16; training trials 10,744 [8,380 – 12,982] | held-out shapes, 100 trials per length: 5 px 98.0 [94.3 – 100] %, 9 px 97.0 [95.0 – 99.0] %, 13 px 97.5 [94.5 – 99.2] % | — | 636 s for the 48 networks of the experiment (2 threads) | [curve-tracing.md](curve-tracing.md) |")
    for algo, label in (("ppo", "PPO (zoo hyperparameters)"), ("sac", "SAC (zoo hyperparameters)")):
        rs = runs.get(("walker", algo), [])
        if rs:
            means = [r["eval_mean"] for r in rs]
            n_ep = len(rs[0]["eval_returns"])
            zoo = BUDGETS["walker"][f"{algo}_steps"][0]
            how = f"mean ± sd of per-seed means, {n_ep} episodes each" if len(rs) > 1 else f"mean of {n_ep} episodes"
            w(f"| BipedalWalker-v3 (sgym, Box2D 2.4) | {label}, **{rs[0]['steps']:,} steps = {100 * rs[0]['steps'] / zoo:.1f} % of the zoo's "
              f"{zoo:,}** | {len(rs)} | — (final return at the budget) | {mean_sd(means)} ({how}) | {steps(rs)} | {wall(rs)} | this page |")
    w("| BipedalWalker-v3 (same) | bg-cerebellum-walker (no-cerebellum / full) | 10 | — (300 training episodes) | 262.9 ± 35.5 / 215.7 ± 123.4 (100 episodes each) | ≤ 480,000 per seed (300 episodes × ≤ 1,600 steps) | 4,709 s for all 40 runs (load ≈ 10) | [bg-cerebellum-walker.md](bg-cerebellum-walker.md) |")
    w("| BipedalWalker-v3 (same) | biped-heuristic (scripted, no learning) | 100 episodes | — | 116.1 ± 132.9 | 0 | — | [biped-heuristic.md](biped-heuristic.md) |")
    w("| BipedalWalker-v3 (Gymnasium, Box2D 2.3) | rl-baselines3-zoo TD3 / SAC / PPO, one run each | 1 | — | 306.0 ± 56.9 (1 M steps) / 297.7 ± 33.1 (500 k) / 213.3 ± 129.5 (5 M) | 1 M / 500 k / 5 M | — | zoo `benchmark.md` |")
    w("")
    w(PROTOCOL)
    return "\n".join(lines)


PROTOCOL = """\
Sample efficiency counts what the bio agent's page counts, over the runs that met the criterion
(median [IQR]); "env steps" is every env step a run took in training (to its criterion or its cap),
not counting greedy probes and checks. Final scores are greedy (deterministic policy) on envs seeded
1,000,000 + seed (training envs: seed + member index), never trained on. Wall time is per run, one
torch thread, under `nice -n 19` on a 2-core machine shared with C++ builds: it is a ceiling, not a speed.

## Protocol

- **Runs.** One process per (task, algorithm, seed); seeds 1..N; SB3 `seed=S`; training envs in a
  `DummyVecEnv` of 8 `sgym.make` envs (walker PPO: 32; SAC: 1), member i seeded S + i.
- **PPO on the cognitive tasks**: SB3 `MlpPolicy` (two tanh layers of 64), `n_steps=256` per env
  (2,048 per update), `batch_size=256`, `n_epochs=4`, `learning_rate=3e-4`, `gamma=0.99`,
  `gae_lambda=0.95`, `ent_coef=0.01`, `clip_range=0.2`; set once, not tuned per task or on evaluation seeds.
- **Memory.** SaccadeAntisaccade-v0 (the rule and the cue are off at go) and DelayMatchCategory-v0
  (the sample is off for the 1 s delay) need memory. The baseline uses **frame stacking**, not a
  recurrent policy: Gymnasium's `FrameStackObservation` with the stack as long as the longest trial
  (23 and 56 frames) and zero padding, one trial per episode, so the MLP sees the whole trial so far.
  This is perfect memory handed to the network (AuGMEnT must learn what to store in its memory units).
  CurveTracing-v0 needs none (its gaze channel marks the FP after it goes off).
- **SaccadeAntisaccade-v0** as [augment-saccade.md](augment-saccade.md): `max_wait_steps=9 max_go_steps=7`,
  shaping on (fixation reward 0.2), one trial per episode. After every training trial, the fraction correct over the last
  50 trials of each of the four types (each window starts as 50 failures); when all four are >= 90 %
  training stops and a greedy check plays one trial of each type: the run converged only if all four are
  correct. Cap 25,000 trials (AuGMEnT's) unless the row says otherwise. Final score: greedy accuracy over 1,000 held-out trials.
- **DelayMatchCategory-v0** as [augment-dmc.md](augment-dmc.md): `noise_sd=0 abort_reward=-1`, boundary 45°,
  one trial per episode. Every 1,000 training trials a greedy probe of 200 trials on a separate env with
  its own seed; trials to 90 % = the first probe >= 90 %. **Training stops at that probe** (AuGMEnT went on
  to 100,000 trials); cap 20,000 trials unless the row says otherwise. Final score: greedy accuracy over 1,200 held-out trials at the stop.
  The retraining phase (boundary 135°) and the category tuning index were not run for PPO.
- **CurveTracing-v0** as [curve-tracing.md](curve-tracing.md) (benchmarks/curve_tracing.hpp): grid 15,
  `fixation_ms=0 curves_ms=50 fixation_reward=0.2 abort_reward=-1`, one distractor, training shapes;
  stages L = 2..9 px (2..L px with `balance=none` below 5 px, 5..L px with `balance=ranks` from 5 px); a
  stage ends when >= 85 of the last 100 judged trials with a target curve of L px were correct and a greedy
  check of 100 trials of L px is >= 85 %; 30,000 trials in a stage fail the curriculum. A step budget per run
  (400,000 unless the row says otherwise) also ends it. Tests: greedy, held-out shapes, curves of exactly L px.
- **BipedalWalker-v3**: rl-baselines3-zoo's tuned hyperparameters (DLR-RM/rl-baselines3-zoo,
  `hyperparams/ppo.yml`: `normalize`, 32 envs, `n_steps=2048`, `batch_size=64`, `gamma=0.999`,
  `gae_lambda=0.95`, `n_epochs=10`, `ent_coef=0`, `lr=3e-4`, `clip_range=0.18`, budget 5 M;
  `hyperparams/sac.yml`: `lr=7.3e-4`, buffer 300,000, `batch_size=256`, `ent_coef=auto`, `gamma=0.98`,
  `tau=0.02`, `train_freq=gradient_steps=64`, `learning_starts=10,000`, gSDE, `log_std_init=-3`,
  `net_arch=[400, 300]`, budget 500 k), **at the reduced budget in the table**. Evaluation: deterministic
  policy (PPO with the frozen observation normalisation), episodes from `reset(seed=1,000,000 + S)` on,
  later terrains continuing that env's stream, as in [bg-cerebellum-walker.md](bg-cerebellum-walker.md).
- **Box2D caveat.** sgym's BipedalWalker-v3 runs on Box2D 2.4 (Debian's libbox2d); Gymnasium's, on which
  the zoo scores were measured, on Box2D 2.3 (pybox2d). Same terrain generator and reward, different
  solver versions: trajectories differ, and the zoo's scores are a reference, not a measurement on this env.
  The zoo's numbers (its `benchmark.md`) are one trained agent each, evaluated for about 150,000 steps.
"""


def write_atomic(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny budgets (a smoke run; its runs are kept apart)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per cognitive task (default 5)")
    parser.add_argument("--walker-seeds", type=int, default=5, help="seeds per walker algorithm (default 5)")
    parser.add_argument("--walker-algos", default="ppo,sac", help="comma-separated: ppo, sac")
    parser.add_argument("--walker-ppo-steps", type=int, default=0, help="walker PPO training steps (default 5 M, the zoo's)")
    parser.add_argument("--walker-sac-steps", type=int, default=0, help="walker SAC training steps (default 500 k, the zoo's)")
    parser.add_argument("--walker-eval-episodes", type=int, default=0, help="held-out evaluation episodes per walker run (default 100)")
    parser.add_argument("--saccade-trials", type=int, default=0, help="saccade trial cap (default 25,000, AuGMEnT's)")
    parser.add_argument("--dmc-trials", type=int, default=0, help="DMC trial cap (default 20,000)")
    parser.add_argument("--curve-steps", type=int, default=0, help="curve-tracing step budget per run (default 400,000)")
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated subset of " + ",".join(TASKS))
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes; one torch thread each)")
    parser.add_argument("--out", default=str(ROOT / "build" / "baselines-runs"),
                        help="output directory: one JSON file per run (as sgym experiment's --out DIR)")
    parser.add_argument("--runs", help=argparse.SUPPRESS)  # the former name of --out (deprecated)
    parser.add_argument("--report", default=str(ROOT / "benchmarks" / "results" / "baselines.md"),
                        help="Markdown table (written from all run files of the selected tasks)")
    parser.add_argument("--report-only", action="store_true", help="write the table from the saved runs, run nothing")
    parser.add_argument("--also-runs", action="append", default=[], help="more run directories for the table (repeatable)")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs is not None:
        print("baselines.py: --runs is deprecated, use --out (the runs directory; the table is --report)", file=sys.stderr)
        args.out = args.runs
    if args.out.endswith(".md"):
        parser.error(f"--out is the directory of run files (the Markdown table is --report), got {args.out!r}")
    args.runs = args.out
    args.tasks = [t for t in args.tasks.split(",") if t]
    bad = [t for t in args.tasks if t not in TASKS]
    if bad:
        parser.error(f"--tasks: unknown {bad}; valid: {', '.join(TASKS)}")
    args.walker_algos = [a for a in args.walker_algos.split(",") if a]
    bad = [a for a in args.walker_algos if a not in ("ppo", "sac")]
    if bad:
        parser.error(f"--walker-algos: unknown {bad}; valid: ppo, sac")
    if min(args.seeds, args.walker_seeds, args.jobs) < 1:
        parser.error("--seeds, --walker-seeds and --jobs must be >= 1")
    for flag, key in (("walker_ppo_steps", ("walker", "ppo_steps")), ("walker_sac_steps", ("walker", "sac_steps")), ("walker_eval_episodes", ("walker", "eval_episodes")),
                      ("saccade_trials", ("saccade", "max_trials")), ("dmc_trials", ("dmc", "max_trials")),
                      ("curve_steps", ("curve", "max_steps"))):
        if getattr(args, flag) < 0:
            parser.error(f"--{flag.replace('_', '-')} must be >= 0 (0: the default)")
        OVERRIDES[key] = getattr(args, flag)
    if not args.in_venv:
        setup()
        return subprocess.run([str(PY), __file__, "--in-venv", *sys.argv[1:]]).returncode
    if not args.report_only:
        run_all(args)
    text = report(args)
    out = pathlib.Path(args.report)
    # a hand-written section between these markers (the reading of the numbers) survives a re-run
    begin, end = "<!-- notes:begin -->", "<!-- notes:end -->"
    old = out.read_text() if out.exists() else ""
    if begin in old and end in old:
        text += "\n" + old[old.index(begin):old.index(end) + len(end)] + "\n"
    write_atomic(out, text)
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
