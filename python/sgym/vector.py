"""Batched stepping: N copies of one env stepped by the C++ VectorEnv into preallocated numpy arrays."""
from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from . import _core
from ._convert import option_strings, space_from_core
from .envs import DEFAULT_RENDER_WIDTH


class SgymVectorEnv(gymnasium.vector.VectorEnv):
    """``num_envs`` copies of a C++ env behind Gymnasium 1.x's VectorEnv API.

    One ``step(actions)`` call steps the whole batch in C++ (on ``num_threads`` threads, with results
    bit-identical to serial stepping) and writes observations (float32), rewards (float64) and the
    terminated/truncated flags (bool) into arrays allocated once; no Python object is made per env.

    Autoreset: ``AutoresetMode.NEXT_STEP`` (Gymnasium's default): a member whose episode ended is reset
    by the following ``step()``, which ignores its action and returns the reset observation with
    reward 0 and both flags false. ``AutoresetMode.SAME_STEP`` resets it within the same step and puts
    its last observation in ``info["final_obs"]`` (a (num_envs, ...) float32 array, rows valid where
    ``info["_final_obs"]``).

    Seeds: ``reset(seed=S)`` seeds member i with the C++ ``mix_seed(S, i)`` (the same streams as the
    C++ VectorEnv), not S + i as Gymnasium's SyncVectorEnv; ``reset()`` without a seed draws a fresh S.

    Info: numeric keys as one array each with Gymnasium's ``_key`` masks; string and vector keys
    (``epoch``, ``trial_outcome``, ...) only with ``string_info=True`` (object arrays: one Python
    object per env and step). ``copy=False`` returns the internal arrays themselves, overwritten by
    the next step.
    """

    def __init__(self, env_id: str, num_envs: int, *, autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
                 num_threads: int = 1, string_info: bool = False, copy: bool = True,
                 render_mode: str | None = None, render_width: int = DEFAULT_RENDER_WIDTH, **options: Any) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"{env_id}: num_envs must be an integer >= 1, got {num_envs!r}")
        mode = AutoresetMode(autoreset_mode)
        if mode not in (AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP):
            raise ValueError(f"{env_id}: autoreset_mode must be NEXT_STEP or SAME_STEP, got {mode}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"{env_id}: render_mode must be 'rgb_array' or None, got {render_mode!r}")
        self._core = _core.VectorEnv(env_id, option_strings(env_id, options), int(num_envs),
                                     mode == AutoresetMode.SAME_STEP, int(num_threads), bool(string_info))
        self.env_id = env_id
        self.num_envs = int(num_envs)
        self.sgym_spec = self._core.spec
        self.single_observation_space = space_from_core(self._core.observation_space)
        self.single_action_space = space_from_core(self._core.action_space)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.metadata = {"autoreset_mode": mode, "render_modes": ["rgb_array"],
                         "render_fps": float(self.sgym_spec["render_fps"])}
        self.render_mode = render_mode
        self.render_width = int(render_width)
        self.copy = bool(copy)
        self._obs, self._rewards, self._terminated, self._truncated = self._core.arrays()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if options:
            raise ValueError(f"{self.env_id}: reset() takes no options (env options are given to make_vec()), "
                             f"got {sorted(options)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{self.env_id}: seed must be an integer >= 0 (member i gets mix_seed(seed, i)), got {seed!r}")
        super().reset(seed=seed)
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
        self._core.reset(int(seed))
        return self._out(self._obs), self._core.info(self.copy)

    def step(self, actions):
        self._core.step(actions)
        return (self._out(self._obs), self._out(self._rewards), self._out(self._terminated),
                self._out(self._truncated), self._core.info(self.copy))

    def _out(self, a: np.ndarray) -> np.ndarray:
        return a.copy() if self.copy else a

    def render(self):
        if self.render_mode is None:
            return None
        return tuple(self._core.render(i, self.render_width) for i in range(self.num_envs))


def make_vec(env_id: str, num_envs: int = 1, **kwargs: Any) -> SgymVectorEnv:
    """A batch of ``num_envs`` copies of ``env_id`` stepped in C++; see SgymVectorEnv for the keywords."""
    if env_id.startswith("sgym/"):
        env_id = env_id[len("sgym/"):]
    return SgymVectorEnv(env_id, num_envs, **kwargs)
