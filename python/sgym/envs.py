"""Every Synaptic Gym env as a gymnasium.Env."""
from __future__ import annotations

import dataclasses
from typing import Any

import gymnasium
import numpy as np

from . import _core
from ._convert import option_strings, space_from_core

DEFAULT_RENDER_WIDTH = 480


class SgymEnv(gymnasium.Env):
    """A C++ env behind Gymnasium's API.

    ``reset(seed=S)`` reseeds the C++ env (same S, same trajectory, bit for bit, as ``sgym run``);
    ``reset()`` continues its stream. The C++ TimeLimit (the env's ``max_episode_steps``) sets
    ``truncated``; ``env.spec.max_episode_steps`` reports it. ``options`` are the env's C++ options
    under their C++ names, validated by the C++ parser (a bad one raises ValueError naming it and
    its valid range). ``render_mode="rgb_array"`` draws the env's draw list in software (no display;
    texts are not drawn) at ``render_width`` pixels.
    """

    metadata: dict[str, Any] = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, env_id: str, render_mode: str | None = None, render_width: int = DEFAULT_RENDER_WIDTH,
                 **options: Any) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"{env_id}: render_mode must be one of {self.metadata['render_modes']} or None, "
                             f"got {render_mode!r}")
        if int(render_width) < 16:
            raise ValueError(f"{env_id}: render_width must be >= 16 pixels, got {render_width}")
        self._core = _core.Env(env_id, option_strings(env_id, options))
        self.env_id = env_id
        self.options = dict(options)
        self.sgym_spec: dict = self._core.spec
        self.observation_space = space_from_core(self._core.observation_space)
        self.action_space = space_from_core(self._core.action_space)
        self.render_mode = render_mode
        self.render_width = int(render_width)
        self.metadata = {"render_modes": ["rgb_array"], "render_fps": float(self.sgym_spec["render_fps"])}
        self.reward_range = (self.sgym_spec["reward_min"], self.sgym_spec["reward_max"])
        self._spec = None

    # gymnasium.make() sets the registered spec after construction; the time limit is the C++ one
    @property
    def spec(self):  # type: ignore[override]
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        if value is not None and value.max_episode_steps is None and self.sgym_spec["max_episode_steps"] > 0:
            value = dataclasses.replace(value, max_episode_steps=self.sgym_spec["max_episode_steps"])
        self._spec = value

    @property
    def max_episode_steps(self) -> int:
        """The C++ time limit (0 = none)."""
        return int(self.sgym_spec["max_episode_steps"])

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if options:
            raise ValueError(f"{self.env_id}: reset() takes no options (env options are given to make()), "
                             f"got {sorted(options)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{self.env_id}: seed must be an integer >= 0, got {seed!r}")
        super().reset(seed=None if seed is None else int(seed))
        return self._core.reset(seed)

    def step(self, action):
        return self._core.step(action)

    def render(self):
        if self.render_mode is None:
            gymnasium.logger.warn(f"{self.env_id}: render() without a render_mode; make the env with render_mode='rgb_array'")
            return None
        return self._core.render(self.render_width)

    def describe_options(self) -> list[dict]:
        """The env's options: key, type, default, unit, valid range, one-line doc."""
        return _core.env_doc(self.env_id)["options"]


def env_ids() -> list[str]:
    """The registered env ids, e.g. ``CurveTracing-v0``."""
    return list(_core.env_ids())


def make(env_id: str, **kwargs: Any) -> gymnasium.Env:
    """``gymnasium.make("sgym/<env_id>", **kwargs)``: the env with Gymnasium's standard wrappers
    (order enforcing, passive checker). kwargs are the env's C++ options plus render_mode and
    render_width (and gymnasium.make's own, e.g. disable_env_checker)."""
    if env_id.startswith("sgym/"):
        env_id = env_id[len("sgym/"):]
    if env_id not in _core.env_ids():
        raise ValueError(f"unknown env {env_id!r}; valid: {', '.join(_core.env_ids())}")
    return gymnasium.make(f"sgym/{env_id}", **kwargs)
