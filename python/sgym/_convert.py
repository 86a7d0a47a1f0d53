"""Values across the Python/C++ boundary: options as the C++ key=value strings, spaces both ways."""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
from gymnasium import spaces


def option_strings(owner: str, options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Options as the (key, text) pairs the C++ option parser validates: bool -> true/false,
    int -> decimal, float -> shortest round-trip text, str as given. Other types raise TypeError."""
    out = []
    for key, value in options.items():
        if isinstance(value, (bool, np.bool_)):
            text = "true" if value else "false"
        elif isinstance(value, (int, np.integer)):
            text = str(int(value))
        elif isinstance(value, (float, np.floating)):
            v = float(value)
            text = repr(v) if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        elif isinstance(value, str):
            text = value
        else:
            raise TypeError(
                f"{owner}: option {key!r} must be a bool, int, float or str, got {type(value).__name__}"
            )
        out.append((str(key), text))
    return out


def space_from_core(d: dict) -> spaces.Space:
    """A Gymnasium space from the C++ description (Box with float32 bounds, or Discrete). An
    observation Box keeps the env's named slices as ``box.sgym_slices``: a tuple of (name, offset,
    size, meaning), which the built-in agents that read slices by name get back (space_to_core)."""
    if d["kind"] == "discrete":
        return spaces.Discrete(int(d["n"]))
    box = spaces.Box(low=d["low"], high=d["high"], shape=tuple(d["shape"]), dtype=np.float32)
    if "slices" in d:
        box.sgym_slices = tuple((str(n), int(o), int(k), str(m)) for n, o, k, m in d["slices"])
    return box


def space_to_core(space: spaces.Space, what: str) -> dict:
    """The C++ description of a Gymnasium Discrete (start 0) or float Box; other spaces raise ValueError."""
    if isinstance(space, spaces.Discrete):
        if int(space.start) != 0:
            raise ValueError(f"{what}: Discrete spaces must start at 0, got start={space.start}")
        return {"kind": "discrete", "n": int(space.n)}
    if isinstance(space, spaces.Box):
        d = {
            "kind": "box",
            "low": np.asarray(space.low, dtype=np.float32),
            "high": np.asarray(space.high, dtype=np.float32),
            "shape": tuple(int(s) for s in space.shape),
        }
        slices = getattr(space, "sgym_slices", None)
        if slices:
            d["slices"] = [tuple(x) for x in slices]
        return d
    raise ValueError(f"{what}: only Discrete and Box spaces cross to the C++ agents, got {space!r}")


def parse_option_text(text: str) -> Any:
    """An option given as text on a command line, read as bool, int or float when it is one."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
