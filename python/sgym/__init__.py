"""Synaptic Gym from Python: every env a gymnasium.Env (``sgym.make`` / ``gymnasium.make("sgym/<Id>")``),
batched C++ stepping into numpy arrays (``sgym.make_vec``), the built-in agents (``sgym.make_agent``)
and Python agents run by the C++ runner (``sgym.run`` / ``sgym-py run --agent py:module:Class``).
See docs/python.md."""
from __future__ import annotations

import sys
import warnings

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


def _warn_deprecated(message: str) -> None:
    """Issues the C++ core's deprecation messages (an option given under its former name) as a
    DeprecationWarning attributed to the first caller outside sgym and gymnasium, so that Python's
    default filters show it for code run as a script (they hide DeprecationWarning raised inside a
    library)."""
    try:
        level, frame = 2, sys._getframe(1)
    except ValueError:  # called from a C++ worker thread: no Python caller to point at
        level, frame = 1, None
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in ("sgym", "gymnasium"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


_core.set_deprecation_handler(_warn_deprecated)
register_envs()
