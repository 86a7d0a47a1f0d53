"""``sgym-py``: ``sgym run`` and ``sgym bench`` with Python agents (``--agent py:package.module:ClassName``,
``agent = "py:..."`` in a suite) through the same C++ runner and bench engine and the same output
files; the C++ ``sgym`` command stays free of Python."""
from __future__ import annotations

import argparse
import json
import shlex
import sys

from . import _core
from .agents import bench, run


def _key_values(items: list[str], flag: str) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _core.UsageError(f"{flag}: expected key=value, got {item!r}")
        out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="sgym-py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run an agent (built-in id or py:module:Class) against an env and write results")
    r.add_argument("--env", required=True, help="env id")
    r.add_argument("--agent", required=True, help="built-in agent id or py:package.module:ClassName")
    r.add_argument("--env-opt", action="append", default=[], help="env option key=value (repeatable)")
    r.add_argument("--agent-opt", action="append", default=[], help="agent option key=value (repeatable)")
    r.add_argument("--episodes", type=int, default=100, help="training episodes")
    r.add_argument("--seed", type=int, default=0, help="seed for env, agent and evaluation")
    r.add_argument("--out", required=True, help="output directory")
    r.add_argument("--eval-every", type=int, default=0, help="evaluate (training off) every K episodes; 0 = never")
    r.add_argument("--eval-episodes", type=int, default=10, help="episodes per evaluation")
    r.add_argument("--obs-noise", type=float, default=0.0, help="Gaussian noise sd on every observation the agent senses")
    r.add_argument("--obs-delay", type=int, default=0, help="the agent senses each observation this many steps late")
    r.add_argument("--record", default="", help="agent signals to write per step, e.g. rpe,value")
    r.add_argument("--criterion", default=None, help="accuracy:THRESHOLD:WINDOW or return:THRESHOLD:WINDOW")
    r.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    r.add_argument("--overwrite", action="store_true", help="replace the run's files in --out")
    b = sub.add_parser("bench", help="run a benchmark suite (TOML/JSON) whose agents may be py:module:Class")
    b.add_argument("suite", help="suite file, e.g. benchmarks/suites/pavlovian.toml")
    b.add_argument("--out", required=True, help="output directory")
    b.add_argument("--quick", action="store_true", help="use the suite's quick budget instead of the full one")
    b.add_argument("--jobs", type=int, default=0, help="parallel runs; 0 = all cores")
    b.add_argument("--resume", action="store_true", help="continue in an existing --out, skipping completed runs")
    b.add_argument("--shard", default="0/1", help="run only jobs j with j %% N == i, given as i/N")
    sub.add_parser("list", help="env and agent ids")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            print("envs:  " + " ".join(_core.env_ids()))
            print("agents: " + " ".join(_core.agent_ids()))
            return 0
        if args.command == "bench":
            done = bench(args.suite, args.out, quick=args.quick, jobs=args.jobs, resume=args.resume,
                         shard=args.shard, command="sgym-py " + shlex.join(argv))
            print(f"{done} runs done; summary in {args.out}/summary.md")
            return 0
        # options stay text, as on the C++ command line; Python agents get them parsed
        env_opts = _key_values(args.env_opt, "--env-opt")
        agent_opts = _key_values(args.agent_opt, "--agent-opt")
        summary = run(args.env, args.agent, args.out, episodes=args.episodes, seed=args.seed,
                      env_options=env_opts, agent_options=agent_opts, eval_every=args.eval_every,
                      eval_episodes=args.eval_episodes, obs_noise=args.obs_noise, obs_delay=args.obs_delay,
                      record=[s for s in args.record.split(",") if s], criterion=args.criterion,
                      command="sgym-py " + shlex.join(argv), resume=args.resume, overwrite=args.overwrite)
    except (ValueError, ImportError) as e:
        print(f"sgym-py: {e}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
