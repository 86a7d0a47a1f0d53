"""Gymnasium's own BipedalWalker heuristic on the very episodes of a `sgym experiment biped-heuristic`
run, for the same-seed comparison in benchmarks/results/biped-heuristic.md.

    build/release/cli/sgym experiment biped-heuristic --out DIR
    .venv/bin/python benchmarks/biped_heuristic_gymnasium.py DIR

Reads DIR/episodes.csv (env, episode, seed, ...), plays each episode on Gymnasium (its
BipedalWalkerHeuristics in its demo loop: first action zero; TimeLimit from gym.make; reset(seed=S)
with the seed the experiment used), writes DIR/gymnasium.csv in the same columns (atomically), and
prints the return table of both and the paired difference per env. `sgym plot DIR` then draws both.
Needs gymnasium[box2d] (scripts/python-venv.sh installs it into .venv/).
"""
import argparse
import csv
import os
import pathlib
import sys

import gymnasium as gym
import numpy as np
from gymnasium.envs.box2d.bipedal_walker import BipedalWalkerHeuristics

COLUMNS = ["env", "episode", "seed", "return", "length", "end"]


def episode(env, seed):
    """One episode of the reference's heuristic: (return, length, end)."""
    heuristics = BipedalWalkerHeuristics()
    env.reset(seed=seed)
    a, ret, length = np.array([0.0, 0.0, 0.0, 0.0]), 0.0, 0
    while True:
        s, r, terminated, truncated, _ = env.step(a)
        ret, length = ret + r, length + 1
        if terminated or truncated:
            # as the experiment classifies its episodes: a fall is the walker's game_over (hull on the
            # ground) or leaving the world on the left; any other termination is passing the finish
            w = env.unwrapped
            fell = w.game_over or w.hull.position[0] < 0
            end = "time-limit" if not terminated else ("fell" if fell else "finished")
            return ret, length, end
        a = heuristics.step_heuristic(s)


def read_episodes(path):
    if not path.exists():
        sys.exit(f"{path}: no such file; run `sgym experiment biped-heuristic --out DIR` first and give DIR")
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        sys.exit(f"{path}: expected the columns {', '.join(COLUMNS)} of a biped-heuristic experiment"
                 + (f" (missing {', '.join(missing)})" if missing else " and at least one episode"))
    return rows


def table_row(name, rets, ends):
    r = np.array(rets)
    n = len(r)
    pct = lambda k: 100.0 * sum(e == k for e in ends) / n
    q1, med, q3 = np.quantile(r, [0.25, 0.5, 0.75])
    return (f"| {name} | {n} | {r.mean():.1f} ± {r.std():.1f} | {med:.1f} | {q1:.1f} – {q3:.1f} | {r.min():.1f} | "
            f"{r.max():.1f} | {100.0 * (r > 0).mean():.0f} % | {pct('finished'):.0f} % | {pct('fell'):.0f} % | "
            f"{pct('time-limit'):.0f} % |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=pathlib.Path, help="output directory of sgym experiment biped-heuristic")
    args = ap.parse_args()
    ours = read_episodes(args.dir / "episodes.csv")
    envs = {}
    ref_rows = []
    for row in ours:
        env_id, seed = row["env"], int(row["seed"])
        if env_id not in envs:
            envs[env_id] = gym.make(env_id)
        ret, length, end = episode(envs[env_id], seed)
        ref_rows.append({"env": env_id, "episode": row["episode"], "seed": seed, "return": f"{ret:.6g}",
                         "length": length, "end": end})
    for env in envs.values():
        env.close()
    out = args.dir / "gymnasium.csv"
    tmp = out.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(ref_rows)
    os.replace(tmp, out)

    print(f"Gymnasium {gym.__version__}; {len(ref_rows)} episodes replayed from {args.dir / 'episodes.csv'}\n")
    print("| env | episodes | mean ± sd | median | IQR | min | max | return > 0 | reached the finish | fell | time limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for env_id in envs:
        for name, rows in ((env_id, ours), (env_id + " (Gymnasium)", ref_rows)):
            sel = [r for r in rows if r["env"] == env_id]
            print(table_row(name, [float(r["return"]) for r in sel], [r["end"] for r in sel]))
    print("\nPaired by seed (sgym minus Gymnasium):")
    for env_id in envs:
        a = np.array([float(r["return"]) for r in ours if r["env"] == env_id])
        b = np.array([float(r["return"]) for r in ref_rows if r["env"] == env_id])
        d = a - b
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        corr = np.corrcoef(a, b)[0, 1] if len(d) > 1 else float("nan")
        print(f"- {env_id}: {d.mean():+.1f} (sd {d.std(ddof=1) if len(d) > 1 else float('nan'):.1f}, standard error {se:.1f}, "
              f"{abs(d.mean()) / se:.1f} SE; per-seed correlation {corr:.2f})")
    print(f"\nwrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
