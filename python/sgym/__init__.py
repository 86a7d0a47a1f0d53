"""Synaptic Gym from Python: every env a gymnasium.Env (``sgym.make`` / ``gymnasium.make("sgym/<Id>")``),
batched C++ stepping into numpy arrays (``sgym.make_vec``), the built-in agents (``sgym.make_agent``)
and Python agents run by the C++ runner (``sgym.run`` / ``sgym-py run --agent py:module:Class``).
See docs/python.md."""
from __future__ import annotations

from . import _core
from ._core import FileFormatError, InvalidAction, ResetNeeded, UsageError, build_version
from .agents import Agent, AgentProtocol, agent_ids, bench, make_agent, run
from .envs import SgymEnv, env_ids, make
from .registration import register_envs
from .vector import SgymVectorEnv, make_vec

__version__ = "0.1.0"
__all__ = [
    "Agent", "AgentProtocol", "FileFormatError", "InvalidAction", "ResetNeeded", "SgymEnv", "SgymVectorEnv",
    "UsageError", "agent_ids", "bench", "build_version", "env_ids", "make", "make_agent", "make_vec", "run",
]

register_envs()
