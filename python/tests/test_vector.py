"""Batched stepping through the C++ VectorEnv with Gymnasium 1.x's VectorEnv API."""
import gymnasium
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import sgym


def test_api_shapes_and_dtypes():
    venv = sgym.make_vec("BipedalWalker-v3", 4)
    assert isinstance(venv, gymnasium.vector.VectorEnv)
    assert venv.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    obs, info = venv.reset(seed=1)
    assert obs.shape == (4, 24) and obs.dtype == np.float32
    assert obs in venv.observation_space
    actions = venv.action_space.sample()
    obs, rew, term, trunc, info = venv.step(actions)
    assert obs.shape == (4, 24) and rew.shape == (4,) and rew.dtype == np.float64
    assert term.dtype == np.bool_ and trunc.dtype == np.bool_
    venv.close()


def test_gymnasium_make_vec_uses_the_cpp_vector_env():
    venv = gymnasium.make_vec("sgym/DelayMatchCategory-v0", num_envs=3, vectorization_mode="vector_entry_point")
    assert isinstance(venv.unwrapped, sgym.SgymVectorEnv)
    obs, _ = venv.reset(seed=0)
    assert obs.shape[0] == 3


def test_members_match_single_envs_seeded_with_mix_seed():
    n, seed, steps = 5, 11, 300
    venv = sgym.make_vec("DelayMatchCategory-v0", n, num_threads=2)
    singles = [sgym.make("DelayMatchCategory-v0").unwrapped for _ in range(n)]
    obs, _ = venv.reset(seed=seed)
    for i, env in enumerate(singles):
        o, _ = env.reset(seed=sgym._core.mix_seed(seed, i))
        np.testing.assert_array_equal(obs[i], o)
    rng = np.random.default_rng(0)
    pending = [False] * n
    for _ in range(steps):
        actions = rng.integers(0, venv.single_action_space.n, size=n)
        obs, rew, term, trunc, _ = venv.step(actions)
        for i, env in enumerate(singles):
            if pending[i]:  # next-step autoreset: this step's action is ignored
                o, _ = env.reset()
                r, te, tr = 0.0, False, False
                pending[i] = False
            else:
                o, r, te, tr, _ = env.step(int(actions[i]))
                pending[i] = te or tr
            np.testing.assert_array_equal(obs[i], o)
            assert rew[i] == r and term[i] == te and trunc[i] == tr


def test_same_step_autoreset_gives_final_obs():
    venv = sgym.make_vec("Pavlovian-v0", 2, autoreset_mode=AutoresetMode.SAME_STEP)
    single = sgym.make("Pavlovian-v0").unwrapped
    venv.reset(seed=4)
    single.reset(seed=sgym._core.mix_seed(4, 0))
    for _ in range(2000):
        a = np.zeros(2, np.int64)
        obs, _, term, trunc, info = venv.step(a)
        o, _, te, tr, _ = single.step(0)
        if te or tr:
            assert term[0] or trunc[0]
            assert info["_final_obs"][0]
            np.testing.assert_array_equal(info["final_obs"][0], o)
            return
    pytest.fail("no episode ended in 2000 steps")


def test_numeric_info_arrays_and_string_info():
    venv = sgym.make_vec("DelayMatchCategory-v0", 3)
    _, info = venv.reset(seed=0)
    assert info["ground_truth"].shape == (3,) and info["_ground_truth"].all()
    assert "epoch" not in info
    venv = sgym.make_vec("DelayMatchCategory-v0", 3, string_info=True)
    _, info = venv.reset(seed=0)
    assert all(isinstance(e, str) for e in info["epoch"])


def test_copy_false_returns_the_same_buffers():
    venv = sgym.make_vec("CurveTracing-v0", 2, copy=False)
    obs0, _ = venv.reset(seed=0)
    obs1, *_ = venv.step(np.zeros(2, np.int64))
    assert obs0 is obs1


def test_bad_inputs_raise():
    venv = sgym.make_vec("BipedalWalker-v3", 2)
    venv.reset(seed=0)
    with pytest.raises(ValueError, match=r"shape \(2,4\)"):
        venv.step(np.zeros((3, 4), np.float32))
    with pytest.raises(TypeError, match="float"):
        venv.step(np.zeros((2, 4), np.int32))
    bad = np.zeros((2, 4), np.float32)
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="(?i)nan"):
        venv.step(bad)
    with pytest.raises(ValueError, match="num_envs"):
        sgym.make_vec("BipedalWalker-v3", 0)
    with pytest.raises(ValueError, match="no_such"):
        sgym.make_vec("BipedalWalker-v3", 2, no_such=1)
    d = sgym.make_vec("DelayMatchCategory-v0", 2)
    d.reset(seed=0)
    with pytest.raises(TypeError, match="integer"):
        d.step(np.zeros(2, np.float32))
    with pytest.raises(ValueError):
        d.step(np.array([0, 99]))
    fresh = sgym.make_vec("DelayMatchCategory-v0", 2)
    with pytest.raises(sgym.ResetNeeded, match="before reset"):
        fresh.step(np.zeros(2, np.int64))


def test_render_each_member():
    venv = sgym.make_vec("CurveTracing-v0", 2, render_mode="rgb_array", render_width=64)
    venv.reset(seed=0)
    frames = venv.render()
    assert len(frames) == 2 and frames[0].shape[1] == 64
