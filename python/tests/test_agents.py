"""Agents both ways: built-in C++ agents from Python, Python agents in the C++ runner."""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import sgym

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python_agent"


def test_builtin_agent_learns_through_the_python_loop(tmp_path):
    env = sgym.make("Pavlovian-v0")
    agent = sgym.make_agent("td-critic", env.observation_space, env.action_space, seed=1)
    assert "rpe" in agent.signal_names()
    for episode in range(3):
        obs, info = env.reset(seed=episode)
        agent.begin_episode()
        done = False
        while not done:
            action = agent.act(obs)
            obs, reward, terminated, truncated, info = env.step(action)
            if info.get("trial_outcome"):
                agent.trial_ended(info["trial_outcome"])
            agent.observe(reward, obs, terminated, truncated)
            done = terminated or truncated
        agent.end_episode()
    signals = agent.introspect()
    assert signals["rpe"].dtype == np.float32
    path = tmp_path / "td.sgym"
    agent.save(path)
    other = sgym.make_agent("td-critic", env.observation_space, env.action_space, seed=1)
    other.load(path)
    obs, _ = env.reset(seed=9)
    assert other.act(obs) == agent.act(obs)


def test_agent_errors_are_exceptions(tmp_path):
    env = sgym.make("BipedalWalker-v3")
    with pytest.raises(ValueError, match="td-critic|Discrete|Box"):
        sgym.make_agent("td-critic", env.observation_space, env.action_space)
    with pytest.raises(ValueError, match="no-such-agent"):
        sgym.make_agent("no-such-agent", env.observation_space, env.action_space)
    agent = sgym.make_agent("random", env.observation_space, env.action_space)
    with pytest.raises(ValueError, match="24 elements"):
        agent.act(np.zeros(3, np.float32))
    bad = tmp_path / "bad.sgym"
    bad.write_bytes(b"not an agent")
    with pytest.raises(sgym.FileFormatError):
        agent.load(bad)
    with pytest.raises(ValueError, match="no_such_option"):
        sgym.make_agent("random", env.observation_space, env.action_space, no_such_option=1)


def test_python_agent_in_the_cpp_runner(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    out = tmp_path / "run"
    summary = sgym.run("DelayMatchCategory-v0", "py:tabular_actor_critic:TabularActorCritic", out,
                       episodes=3, seed=2, record=["rpe", "value"], agent_options={"alpha": 0.2},
                       eval_every=3, eval_episodes=1)
    assert summary["episodes_completed"] == 3 and summary["total_trials"] > 0
    files = {p.name for p in out.iterdir()}
    assert {"summary.json", "episodes.jsonl", "trials.jsonl", "signals.csv", "agent.sgym"} <= files
    header = (out / "signals.csv").read_text().splitlines()[0]
    assert "rpe" in header and "value" in header
    assert json.loads((out / "summary.json").read_text())["agent"] == "py:tabular_actor_critic:TabularActorCritic"
    # same seed, same run
    again = sgym.run("DelayMatchCategory-v0", "py:tabular_actor_critic:TabularActorCritic", tmp_path / "again",
                     episodes=3, seed=2, record=["rpe", "value"], agent_options={"alpha": 0.2})
    assert (tmp_path / "again" / "trials.jsonl").read_text() == (out / "trials.jsonl").read_text()
    # a used directory is refused naming the run's fields (no command-line flags), unless overwrite or resume
    with pytest.raises(ValueError, match=r"out_dir: .* is not empty .*set resume .* overwrite") as refused:
        sgym.run("DelayMatchCategory-v0", "py:tabular_actor_critic:TabularActorCritic", out, episodes=3, seed=2)
    assert "--" not in str(refused.value)
    replaced = sgym.run("DelayMatchCategory-v0", "py:tabular_actor_critic:TabularActorCritic", out, episodes=3, seed=2,
                        record=["rpe", "value"], agent_options={"alpha": 0.2}, overwrite=True)
    assert replaced["episodes_completed"] == 3
    assert (out / "trials.jsonl").read_text() == (tmp_path / "again" / "trials.jsonl").read_text()
    with pytest.raises(ValueError, match="holds a finished run"):
        sgym.run("DelayMatchCategory-v0", "py:tabular_actor_critic:TabularActorCritic", out, episodes=3, seed=2,
                 record=["rpe", "value"], agent_options={"alpha": 0.2}, resume=True)


def test_sgym_py_command(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(EXAMPLE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "sgym", "run", "--env", "Pavlovian-v0", "--agent",
           "py:tabular_actor_critic:TabularActorCritic", "--episodes", "2", "--out", str(tmp_path / "r"),
           "--agent-opt", "gamma=0.9"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["episodes_completed"] == 2
    bad = subprocess.run(cmd[:-2] + ["--agent-opt", "nonsense"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "key=value" in bad.stderr
    missing = subprocess.run(cmd[:5] + ["py:no_such_module:X"] + cmd[6:], env=env, capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2 and "no_such_module" in missing.stderr


def test_python_agent_exceptions_reach_python(tmp_path, monkeypatch):
    mod = tmp_path / "broken_agent.py"
    mod.write_text("class Broken:\n"
                   "    def __init__(self, o, a, seed=0): pass\n"
                   "    def act(self, obs): raise RuntimeError('agent bug')\n"
                   "    def observe(self, *a): pass\n"
                   "class BadAction(Broken):\n"
                   "    def act(self, obs): return 1.5\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match="agent bug"):
        sgym.run("Pavlovian-v0", "py:broken_agent:Broken", tmp_path / "a", episodes=1)
    with pytest.raises(TypeError, match="integer"):
        sgym.run("Pavlovian-v0", "py:broken_agent:BadAction", tmp_path / "b", episodes=1)
    with pytest.raises(ValueError, match="no method act|no attribute"):
        sgym.run("Pavlovian-v0", "py:broken_agent:Nope", tmp_path / "c", episodes=1)


def test_python_agent_in_the_bench(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    suite = tmp_path / "suite.toml"
    suite.write_text('name = "py"\ndescription = "a Python agent beside a built-in one"\nseed = 1\n'
                     '[budget.quick]\nepisodes = 2\nseeds = 2\n[budget.full]\nepisodes = 3\nseeds = 2\n'
                     '[[runs]]\nname = "py-ac"\nenv = "Pavlovian-v0"\n'
                     'agent = "py:tabular_actor_critic:TabularActorCritic"\nagent_options = { gamma = "0.9" }\n'
                     '[[runs]]\nname = "td"\nenv = "Pavlovian-v0"\nagent = "td-critic"\n')
    out = tmp_path / "bench"
    assert sgym.bench(suite, out, quick=True, jobs=2) == 4
    summary = json.loads((out / "summary.json").read_text())
    assert "py-ac" in json.dumps(summary) and (out / "summary.md").exists()
    assert sgym.bench(suite, out, quick=True, jobs=2, resume=True) == 0


def test_builtin_agent_finds_the_observation_slices_through_gymnasium_spaces():
    # the env's named slices ride on its Gymnasium Box, so an agent that reads them by name builds
    env = sgym.make("ArmReach-v0")
    names = [s[0] for s in env.observation_space.sgym_slices]
    assert names[:2] == ["joint_angles", "joint_velocities"] and "cursor" in names
    agent = sgym.make_agent("inverse-dynamics", env.observation_space, env.action_space)
    obs, _ = env.reset(seed=1)
    action = agent.act(obs)
    assert env.action_space.contains(action)
    # the same Box without the names is refused, naming the missing slice
    from gymnasium import spaces
    bare = spaces.Box(env.observation_space.low, env.observation_space.high, dtype=np.float32)
    with pytest.raises(ValueError, match="joint_angles"):
        sgym.make_agent("inverse-dynamics", bare, env.action_space)
