"""Config dataclasses survive the trip through config.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dlclassics.config import from_dict, to_dict
from dlclassics.errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class Inner:
    hidden: tuple[int, ...] = (4, 2)
    clip: float | None = None


@dataclass(frozen=True, kw_only=True)
class Outer:
    run_dir: Path = Path("runs/x")
    resume: Path | None = None
    inner: Inner = field(default_factory=Inner)
    name: str = "a"


def test_config_round_trips_through_json() -> None:
    config = Outer(run_dir=Path("runs/y"), inner=Inner(hidden=(8, 8, 3), clip=1.0), name="b")
    data = json.loads(json.dumps(to_dict(config), default=str))
    back = from_dict(Outer, data)
    assert back.inner == config.inner
    assert back.name == "b"
    assert Path(back.run_dir) == config.run_dir


def test_unknown_config_keys_are_a_user_error() -> None:
    with pytest.raises(ConfigError, match="unknown keys"):
        from_dict(Outer, {"nope": 1})
