"""Agents both ways: the built-in C++ agents from Python, and Python agents run by the C++ runner."""
from __future__ import annotations

import importlib
import os
import pathlib
import re
from typing import Any, Protocol

import numpy as np
from gymnasium import spaces

from . import _core
from ._convert import option_strings, parse_option_text, space_from_core, space_to_core


class Agent:
    """A built-in C++ agent (``sgym.make_agent``). Per step: ``act(obs)`` -> action (an int for a
    Discrete action space, a float32 array for a Box), then ``observe(reward, next_obs, terminated,
    truncated)`` (learning happens here while ``training`` is on); ``trial_ended(outcome)`` before
    the observe() of a step that ended a trial (info["trial_outcome"] set); ``begin_episode()`` /
    ``end_episode()`` around an episode; ``introspect()`` -> {signal name: float32 array}."""

    def __init__(self, agent_id: str, observation_space: spaces.Space, action_space: spaces.Space,
                 seed: int = 0, **options: Any) -> None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"{agent_id}: seed must be an integer >= 0, got {seed!r}")
        self._core = _core.Agent(agent_id, space_to_core(observation_space, f"{agent_id} observation space"),
                                 space_to_core(action_space, f"{agent_id} action space"),
                                 option_strings(agent_id, options), int(seed))
        self.id = agent_id
        self.observation_space = observation_space
        self.action_space = action_space

    def act(self, obs):
        return self._core.act(obs)

    def observe(self, reward: float, next_obs, terminated: bool, truncated: bool) -> None:
        self._core.observe(float(reward), next_obs, bool(terminated), bool(truncated))

    def trial_ended(self, outcome: str) -> None:
        self._core.trial_ended(str(outcome))

    def begin_episode(self) -> None:
        self._core.begin_episode()

    def end_episode(self) -> None:
        self._core.end_episode()

    def introspect(self) -> dict[str, np.ndarray]:
        return self._core.introspect()

    def signal_names(self) -> list[str]:
        return list(self._core.signal_names())

    def save(self, path: str | os.PathLike) -> None:
        """Parameters, RNG state and training flag, written atomically to a versioned file."""
        self._core.save(os.fspath(path))

    def load(self, path: str | os.PathLike) -> None:
        """Reads save()'s file; a missing, corrupt or mismatched one raises and leaves the agent as it was."""
        self._core.load(os.fspath(path))

    def seed(self, seed: int) -> None:
        self._core.seed(int(seed))

    @property
    def training(self) -> bool:
        return self._core.training

    @training.setter
    def training(self, on: bool) -> None:
        self._core.training = bool(on)


def agent_ids() -> list[str]:
    """The built-in agent ids."""
    return list(_core.agent_ids())


def make_agent(agent_id: str, obs_space: spaces.Space, act_space: spaces.Space, seed: int = 0,
               **options: Any) -> Agent:
    """A built-in agent for these spaces (e.g. ``env.observation_space, env.action_space``); options
    under their C++ names, validated by the C++ parser; an agent that cannot act in these spaces
    raises ValueError saying why."""
    return Agent(agent_id, obs_space, act_space, seed, **options)


class AgentProtocol(Protocol):
    """What a Python agent class implements to be run by ``sgym-py run --agent py:module:Class``.

    Built as ``Class(observation_space, action_space, seed=seed, **options)`` (Gymnasium spaces;
    options from ``--agent-opt key=value``, read as bool/int/float where they parse as one). Required:
    ``act(obs) -> action`` and ``observe(reward, next_obs, terminated, truncated)``; optional:
    ``begin_episode()``, ``end_episode()``, ``trial_ended(outcome)``, ``introspect() -> dict``,
    ``signal_names() -> list[str]``, a class method ``incompatibility(observation_space,
    action_space) -> str`` ("" when it can act there). The runner sets ``self.training`` (False
    during evaluation); agent.sgym holds the pickled object."""

    def act(self, obs: np.ndarray) -> Any: ...
    def observe(self, reward: float, next_obs: np.ndarray, terminated: bool, truncated: bool) -> None: ...


def load_class(spec: str):
    """The class named by ``py:package.module:ClassName`` (or ``package.module:ClassName``)."""
    text = spec[3:] if spec.startswith("py:") else spec
    module_name, sep, class_name = text.partition(":")
    if not sep or not module_name or not class_name:
        raise ValueError(f"Python agent {spec!r}: expected py:package.module:ClassName")
    module = importlib.import_module(module_name)
    try:
        cls = getattr(module, class_name)
    except AttributeError:
        raise ValueError(f"Python agent {spec!r}: module {module_name} has no attribute {class_name!r}") from None
    for method in ("act", "observe"):
        if not callable(getattr(cls, method, None)):
            raise ValueError(f"Python agent {spec!r}: {class_name} has no method {method}() (see sgym.AgentProtocol)")
    return cls


class _Factory:
    """Builds a Python agent for the C++ runner from the spaces it is handed."""

    def __init__(self, spec: str) -> None:
        self.cls = load_class(spec)

    def incompatibility(self, obs: dict, act: dict) -> str:
        check = getattr(self.cls, "incompatibility", None)
        return str(check(space_from_core(obs), space_from_core(act))) if callable(check) else ""

    def __call__(self, obs: dict, act: dict, options: list[tuple[str, str]], seed: int):
        kwargs = {k: parse_option_text(v) for k, v in options}
        agent = self.cls(space_from_core(obs), space_from_core(act), seed=seed, **kwargs)
        agent.training = True
        return agent


def run(env: str, agent: str, out: str | os.PathLike, *, episodes: int = 100, seed: int = 0,
        env_options: dict[str, Any] | None = None, agent_options: dict[str, Any] | None = None,
        eval_every: int = 0, eval_episodes: int = 10, obs_noise: float = 0.0, obs_delay: int = 0,
        record: list[str] | None = None, criterion: str | None = None, command: str = "",
        resume: bool = False, overwrite: bool = False) -> dict:
    """The C++ runner of ``sgym run`` with a built-in agent id or a Python agent ``py:module:Class``:
    the same output files (summary.json, episodes.jsonl/csv, trials.jsonl, signals.csv,
    agent.sgym) under ``out``; returns the summary's main figures. An ``out`` that holds files is
    refused unless ``resume`` (continue the run from its last checkpoint, bit for bit) or
    ``overwrite`` (replace the run's files)."""
    config = {
        "env": env, "agent": agent, "out": os.fspath(out), "episodes": int(episodes), "seed": int(seed),
        "env_options": option_strings(env, env_options or {}),
        "agent_options": option_strings(agent, agent_options or {}),
        "eval_every": int(eval_every), "eval_episodes": int(eval_episodes), "obs_noise": float(obs_noise),
        "obs_delay": int(obs_delay), "record": list(record or []), "criterion": criterion,
        "command": command or f"sgym.run({env!r}, {agent!r})",
        "resume": bool(resume), "overwrite": bool(overwrite),
    }
    _register(agent)
    return _core.run(config)


def _register(agent_id: str) -> None:
    """Makes a ``py:module:Class`` id known to the C++ registry (once per process)."""
    if agent_id.startswith("py:") and agent_id not in _core.agent_ids():
        _core.register_python_agent(agent_id, _Factory(agent_id))


def bench(suite: str | os.PathLike, out: str | os.PathLike, *, quick: bool = False, jobs: int = 0,
          resume: bool = False, shard: str = "0/1", command: str = "") -> int:
    """The bench engine of ``sgym bench`` on a suite (TOML or JSON) whose runs may name Python agents
    (``agent = "py:module:Class"``): the same run directories, summary.json and summary.md. Runs go
    on ``jobs`` threads (0 = all cores); Python agents take the GIL for each call, so their runs
    share one core for the Python part. Returns the number of runs done now."""
    text = pathlib.Path(suite).read_text()
    for agent_id in sorted(set(re.findall(r"py:[A-Za-z_][\w.]*:[A-Za-z_]\w*", text))):
        _register(agent_id)
    return _core.bench(os.fspath(suite), os.fspath(out), bool(quick), int(jobs), bool(resume), shard,
                       command or f"sgym.bench({os.fspath(suite)!r})")
