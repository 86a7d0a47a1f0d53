"""Registers every env as ``sgym/<Id>`` with Gymnasium (done by ``import sgym``)."""
from __future__ import annotations

import gymnasium

from . import _core


def register_envs() -> None:
    for env_id in _core.env_ids():
        name = f"sgym/{env_id}"
        if name in gymnasium.registry:
            continue
        gymnasium.register(
            id=name,
            entry_point="sgym.envs:SgymEnv",
            vector_entry_point="sgym.vector:SgymVectorEnv",
            kwargs={"env_id": env_id},
            # the C++ TimeLimit truncates (its limit can depend on the options); env.spec reports it
            max_episode_steps=None,
            disable_env_checker=False,
        )
