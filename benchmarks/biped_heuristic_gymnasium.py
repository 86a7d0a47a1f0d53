"""Gymnasium's own BipedalWalker heuristic (bipedal_walker.py's BipedalWalkerHeuristics and demo loop:
first action zero, TimeLimit from gym.make) on seeds 1..N, for the same-seed comparison in
benchmarks/results/biped-heuristic.md. Needs gymnasium[box2d] (scripts/python-venv.sh installs it).
    .venv/bin/python benchmarks/biped_heuristic_gymnasium.py [N=100]
Prints one line per id and seed: id, seed, return, length.
"""
import sys

import gymnasium as gym
import numpy as np
from gymnasium.envs.box2d.bipedal_walker import BipedalWalkerHeuristics


def episode(env, seed):
    heuristics = BipedalWalkerHeuristics()
    env.reset(seed=seed)
    a, ret, length = np.array([0.0, 0.0, 0.0, 0.0]), 0.0, 0
    while True:
        s, r, terminated, truncated, _ = env.step(a)
        ret, length = ret + r, length + 1
        if terminated or truncated:
            return ret, length
        a = heuristics.step_heuristic(s)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    for env_id in ("BipedalWalker-v3", "BipedalWalkerHardcore-v3"):
        env = gym.make(env_id)
        for seed in range(1, n + 1):
            ret, length = episode(env, seed)
            print(f"{env_id}\t{seed}\t{ret:.1f}\t{length}", flush=True)
        env.close()


if __name__ == "__main__":
    main()
