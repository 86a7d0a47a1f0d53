"""Every env as a gymnasium.Env: Gymnasium's own checker, seeding, options, rendering, bad inputs."""
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import sgym


def test_every_env_is_registered():
    ids = sgym.env_ids()
    assert "CurveTracing-v0" in ids and "BipedalWalker-v3" in ids
    for env_id in ids:
        assert f"sgym/{env_id}" in gymnasium.registry


def test_check_env(env_id):
    env = gymnasium.make(f"sgym/{env_id}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    # the checker reports soft problems as warnings; only its advice on the spaces' ranges may come
    # (unbounded observations, as Gymnasium's own BipedalWalker-v3 has, and ArmReach's torque range)
    advice = ("observation space maximum value is infinity", "observation space minimum value is -infinity",
              "we recommend using a symmetric and normalized space")
    problems = [str(w.message) for w in caught if not any(a in str(w.message) for a in advice)]
    assert problems == []
    env.close()


def test_spaces_are_the_cpp_spaces(env_id):
    env = sgym.make(env_id)
    core = env.unwrapped._core
    obs_space = core.observation_space
    assert isinstance(env.observation_space, gymnasium.spaces.Box)
    assert env.observation_space.dtype == np.float32
    np.testing.assert_array_equal(env.observation_space.low, obs_space["low"])
    np.testing.assert_array_equal(env.observation_space.high, obs_space["high"])
    act = core.action_space
    if act["kind"] == "discrete":
        assert env.action_space == gymnasium.spaces.Discrete(act["n"])
    else:
        assert env.action_space.dtype == np.float32
        np.testing.assert_array_equal(env.action_space.low, act["low"])
    assert env.metadata["render_fps"] == env.unwrapped.sgym_spec["render_fps"]
    assert env.spec.max_episode_steps == env.unwrapped.sgym_spec["max_episode_steps"]


def rollout(env, seed, steps):
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    out = [obs]
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        out.append(np.append(obs, reward))
        if terminated or truncated:
            obs, _ = env.reset()
            out.append(obs)
    return out


def test_same_seed_same_trajectory_other_seed_other(env_id):
    # the env's entry names the options and length of a rollout in which seeds differ
    # (EnvEntry::seed_rollout: the defaults and 60 steps, or past a seed-independent opening phase)
    rollout_spec = sgym._core.env_doc(env_id)["seed_rollout"]
    options, steps = rollout_spec["options"], rollout_spec["steps"]
    env = sgym.make(env_id, **options)
    a, b = rollout(env, 7, steps), rollout(env, 7, steps)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    if not env.unwrapped.sgym_spec["deterministic"]:
        c = rollout(env, 8, steps)
        assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_episode_ends_with_gymnasium_flags():
    env = sgym.make("DelayMatchCategory-v0")
    env.reset(seed=1)
    limit = env.spec.max_episode_steps
    assert limit > 0
    for t in range(1, limit + 1):
        _, reward, terminated, truncated, info = env.step(0)
        assert isinstance(reward, float) and isinstance(terminated, bool) and isinstance(truncated, bool)
        if terminated or truncated:
            break
    assert terminated or truncated
    assert "epoch" in info and "trial_outcome" in info


def test_info_keys_cross_with_cpp_names():
    env = sgym.make("CurveTracing-v0")
    _, info = env.reset(seed=3)
    assert {"epoch", "ground_truth", "trial_outcome", "trial"} <= set(info)
    assert isinstance(info["epoch"], str) and isinstance(info["ground_truth"], int)


def test_options_cross_and_are_validated():
    doc = {o["key"]: o for o in sgym.make("DelayMatchCategory-v0").unwrapped.describe_options()}
    assert doc, "DelayMatchCategory has options"
    with pytest.raises(ValueError, match="no_such_option"):
        sgym.make("DelayMatchCategory-v0", no_such_option=1)
    # an int option out of its range: the message names the option and the valid range
    key, o = next((k, o) for k, o in doc.items() if o["type"] == "int" and o["valid"][:2] in ("[0", "[1"))
    with pytest.raises(ValueError, match=key) as e:
        sgym.make("DelayMatchCategory-v0", **{key: -5})
    assert o["valid"] in str(e.value)
    with pytest.raises(TypeError, match=key):
        sgym.make("DelayMatchCategory-v0", **{key: [1, 2]})
    with pytest.raises(ValueError, match="CurveTracing-v0"):
        sgym.make("NoSuchEnv-v0")


def test_option_changes_the_env():
    # the grid size (option `grid_px`; `grid` is its deprecated alias) sets the retina's shape
    doc = {o["key"]: o for o in sgym.make("CurveTracing-v0").unwrapped.describe_options()}
    assert "grid_px" in doc, f"CurveTracing-v0 has no grid_px option; its options: {sorted(doc)}"
    env = sgym.make("CurveTracing-v0", grid_px=int(doc["grid_px"]["default"]) + 2)
    assert env.observation_space.shape != sgym.make("CurveTracing-v0").observation_space.shape


def test_rgb_array_frames_without_display(monkeypatch, env_id):
    monkeypatch.delenv("DISPLAY", raising=False)
    env = sgym.make(env_id, render_mode="rgb_array", render_width=160)
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    assert frame.shape[1] == 160 and frame.shape[0] >= 64
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 1, "the frame shows something"
    again = env.render()
    np.testing.assert_array_equal(frame, again)


def test_bad_actions_raise_and_the_env_lives_on():
    env = sgym.make("BipedalWalker-v3").unwrapped
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        env.step(np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="float"):
        env.step(np.zeros(4, np.int64))
    with pytest.raises(TypeError, match="float"):
        env.step("left")
    with pytest.raises(ValueError, match="(?i)nan"):
        env.step(np.array([0, np.nan, 0, 0], np.float32))
    with pytest.raises(ValueError):
        env.step(np.full(4, 2.0, np.float32))  # outside [-1, 1]: refused, not clamped
    obs, *_ = env.step(np.zeros(4, np.float64))  # float64 is read as float32
    assert obs.dtype == np.float32

    d = sgym.make("DelayMatchCategory-v0").unwrapped
    d.reset(seed=0)
    with pytest.raises(TypeError, match="integer"):
        d.step(1.5)
    with pytest.raises(TypeError, match="integer"):
        d.step(True)
    with pytest.raises(ValueError):
        d.step(d.action_space.n)
    with pytest.raises(ValueError):
        d.step(-1)
    with pytest.raises(ValueError, match="outside"):
        d.step(2**70)
    with pytest.raises(TypeError, match="integer"):
        d.step(np.array([1]))
    d.step(np.int64(0))


def test_step_before_reset_is_an_error():
    env = sgym.make("Pavlovian-v0").unwrapped
    with pytest.raises(sgym.ResetNeeded):
        env.step(0)
    with pytest.raises(ValueError, match="seed"):
        env.reset(seed=-1)
    with pytest.raises(ValueError, match="options"):
        env.reset(seed=0, options={"x": 1})


def test_a_former_option_name_warns_and_builds_the_same_env():
    # the warning names both names and points at this file (the caller), not at sgym or gymnasium
    with pytest.warns(DeprecationWarning, match="option 'sigma' is deprecated, use 'noise_sd'") as caught:
        old = sgym.make("DelayMatchCategory-v0", sigma=0)
    assert [w.filename for w in caught if w.category is DeprecationWarning] == [__file__]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the current name warns nothing
        new = sgym.make("DelayMatchCategory-v0", noise_sd=0)
    for a, b in zip(rollout(old, 3, 60), rollout(new, 3, 60)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="given twice, as 'sigma' and as 'noise_sd'"):
        sgym.make("DelayMatchCategory-v0", sigma=0, noise_sd=0)
    # a vector env and an agent likewise
    with pytest.warns(DeprecationWarning, match="option 'reward' is deprecated, use 'us_reward'"):
        venv = sgym.make_vec("Pavlovian-v0", num_envs=2, reward=2)
    venv.close()
    env = sgym.make("ArmReach-v0")
    with pytest.warns(DeprecationWarning, match="option 'normalized' is deprecated, use 'normalise'"):
        sgym.make_agent("np-actor-critic", env.observation_space, env.action_space, normalized=False)
    # an error filter turns the warning into an exception, and nothing is built
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        with pytest.raises(DeprecationWarning):
            sgym.make("DelayMatchCategory-v0", sigma=0)
    assert {"key": "noise_sd", "deprecated_names": ["sigma"]}.items() <= next(
        o for o in old.unwrapped.describe_options() if o["key"] == "noise_sd").items()
