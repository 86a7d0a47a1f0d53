"""BipedalWalker-v3 side by side with Gymnasium's (pybox2d, i.e. Box2D 2.3): the same seed gives the
same terrain, initial push and first observation; under the same actions the trajectories agree
to float precision over the first steps and then drift apart (Box2D 2.4 against 2.3; the numbers are
in docs/envs/BipedalWalker-v3.md). Run as a script for the drift table:
    .venv/bin/python python/tests/test_walker_parity.py
"""
import gymnasium
import numpy as np
import pytest

import sgym

SEEDS = {"BipedalWalker-v3": (0, 1, 42), "BipedalWalkerHardcore-v3": (0, 3, 17)}
FIRST_STEPS = 10      # steps asserted to agree (the walker is still in the air or just landing)
FIRST_STEPS_TOL = 1e-4  # max |obs difference| over those steps
STEPS = 300


def pair(env_id):
    ref = gymnasium.make(env_id).unwrapped  # Gymnasium's own, on pybox2d
    ours = sgym.make(env_id).unwrapped
    return ref, ours


def actions(seed, n):
    """A fixed action sequence: smooth random torques (a random walk clipped to [-1, 1])."""
    rng = np.random.default_rng(10_000 + seed)
    return np.clip(np.cumsum(rng.uniform(-0.3, 0.3, (n, 4)), axis=0), -1, 1).astype(np.float32)


def drift(env_id, seed, steps=STEPS):
    """Per step: max |obs difference| over the 24 observations, |reward difference|, both done flags."""
    ref, ours = pair(env_id)
    o_ref, _ = ref.reset(seed=seed)
    o_ours, _ = ours.reset(seed=seed)
    rows = [(0, float(np.max(np.abs(o_ref - o_ours))), 0.0, False, False)]
    for t, a in enumerate(actions(seed, steps), start=1):
        o_ref, r_ref, term_ref, _, _ = ref.step(a)
        o_ours, r_ours, term_ours, _, _ = ours.step(a)
        rows.append((t, float(np.max(np.abs(o_ref - o_ours))), abs(r_ref - r_ours), term_ref, term_ours))
        if term_ref or term_ours:
            break
    return rows


@pytest.mark.parametrize("env_id,seed", [(e, s) for e, seeds in SEEDS.items() for s in seeds])
def test_same_seed_same_terrain_push_and_first_observation(env_id, seed):
    ref, ours = pair(env_id)
    o_ref, _ = ref.reset(seed=seed)
    o_ours, info = ours.reset(seed=seed)
    # terrain: the same heights (sgym reports them as float32)
    np.testing.assert_array_equal(info["terrain_y"], np.asarray(ref.terrain_y, dtype=np.float32))
    # the first observation carries the push (hull velocity) and the lidar on the start pad
    np.testing.assert_allclose(o_ours, o_ref, rtol=0, atol=1e-6)
    assert o_ref[2] != 0.0
    # a reset without a seed continues the stream in both: the next terrain agrees too
    _, info2 = ours.reset()
    ref.reset()
    np.testing.assert_array_equal(info2["terrain_y"], np.asarray(ref.terrain_y, dtype=np.float32))
    assert not np.array_equal(info2["terrain_y"], info["terrain_y"])


@pytest.mark.parametrize("seed", SEEDS["BipedalWalker-v3"])
def test_same_actions_agree_first_steps_then_drift(seed):
    rows = drift("BipedalWalker-v3", seed)
    print(f"\nBipedalWalker-v3 seed {seed}: step, max |obs diff|, |reward diff|")
    for t, d, dr, _, _ in rows:
        if t in (0, 1, 2, 5, 10, 20, 50, 100, 200, 300) or t == len(rows) - 1:
            print(f"  {t:4d}  {d:.2e}  {dr:.2e}")
    first = max(d for t, d, _, _, _ in rows if t <= FIRST_STEPS)
    assert len(rows) > FIRST_STEPS
    assert first < FIRST_STEPS_TOL, f"first {FIRST_STEPS} steps differ by {first:.3g}"


def main():
    """Prints the drift table of docs/envs/BipedalWalker-v3.md."""
    marks = (0, 1, 2, 5, 10, 20, 30, 50, 100, 200, 300)
    for env_id, seeds in SEEDS.items():
        print(f"{env_id}: max |obs diff| at step")
        print("| seed | " + " | ".join(str(m) for m in marks) + " | first step > 1e-3 | first step > 0.1 | ends (ref, sgym) |")
        print("|" + "---|" * (len(marks) + 4))
        for seed in seeds:
            rows = drift(env_id, seed)
            by_t = {t: d for t, d, _, _, _ in rows}
            cells = [f"{by_t[m]:.1e}" if m in by_t else "ended" for m in marks]
            over = lambda tol: next((str(t) for t, d, _, _, _ in rows if d > tol), "never")
            last = rows[-1]
            end = f"step {last[0]}: {'terminated' if last[3] else 'running'}, {'terminated' if last[4] else 'running'}"
            print(f"| {seed} | " + " | ".join(cells) + f" | {over(1e-3)} | {over(0.1)} | {end} |")


if __name__ == "__main__":
    main()
