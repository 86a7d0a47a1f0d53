"""A Python agent for Synaptic Gym's C++ runner: a tabular actor-critic over a hashed observation.

Run it on a task with the C++ runner (the same outputs as `sgym run`):

    PYTHONPATH=examples/python_agent sgym-py run --env Pavlovian-v0 \
        --agent py:tabular_actor_critic:TabularActorCritic --episodes 200 --out runs/py-ac --record rpe,value

The class implements sgym's agent protocol (docs/python.md): built with the Gymnasium spaces and a
seed, act(obs) -> action, observe(reward, next_obs, terminated, truncated); the optional methods
report the TD error and value to signals.csv and mark trial boundaries.
"""
from __future__ import annotations

import numpy as np
from gymnasium import spaces


class TabularActorCritic:
    """One-step actor-critic (Sutton & Barto 2018, section 13.5) on states = the observation rounded
    to 1 decimal; Discrete actions only."""

    def __init__(self, observation_space: spaces.Space, action_space: spaces.Space, seed: int = 0,
                 alpha: float = 0.1, beta: float = 0.1, gamma: float = 0.95) -> None:
        if not isinstance(action_space, spaces.Discrete):
            raise ValueError(f"TabularActorCritic needs a Discrete action space, got {action_space}")
        self.n = int(action_space.n)
        self.alpha, self.beta, self.gamma = float(alpha), float(beta), float(gamma)
        self.rng = np.random.default_rng(seed)
        self.value: dict[bytes, float] = {}
        self.prefs: dict[bytes, np.ndarray] = {}
        self.training = True
        self.state = b""
        self.action = 0
        self.rpe = 0.0
        self.trial_over = False

    @classmethod
    def incompatibility(cls, observation_space, action_space) -> str:
        return "" if isinstance(action_space, spaces.Discrete) else "needs a Discrete action space"

    def _key(self, obs: np.ndarray) -> bytes:
        return np.round(np.asarray(obs, np.float32), 1).tobytes()

    def act(self, obs: np.ndarray) -> int:
        self.state = self._key(obs)
        p = self.prefs.setdefault(self.state, np.zeros(self.n))
        z = np.exp(p - p.max())
        self.action = int(self.rng.choice(self.n, p=z / z.sum())) if self.training else int(np.argmax(p))
        return self.action

    def trial_ended(self, outcome: str) -> None:
        self.trial_over = True  # the next observe() is the trial's last: no bootstrapping into the next trial

    def observe(self, reward: float, next_obs: np.ndarray, terminated: bool, truncated: bool) -> None:
        v = self.value.get(self.state, 0.0)
        end = terminated or self.trial_over
        v_next = 0.0 if end else self.value.get(self._key(next_obs), 0.0)
        self.rpe = reward + self.gamma * v_next - v
        self.trial_over = False
        if not self.training:
            return
        self.value[self.state] = v + self.alpha * self.rpe
        p = self.prefs[self.state]
        z = np.exp(p - p.max())
        grad = -z / z.sum()
        grad[self.action] += 1.0
        p += self.beta * self.rpe * grad

    def signal_names(self) -> list[str]:
        return ["rpe", "value"]

    def introspect(self) -> dict[str, np.ndarray]:
        return {"rpe": np.array([self.rpe], np.float32),
                "value": np.array([self.value.get(self.state, 0.0)], np.float32)}
