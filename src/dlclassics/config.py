"""Config dataclasses to and from plain JSON-able dicts.

Every run's resolved config is saved as ``config.json`` in its run directory; ``--resume``
rebuilds the dataclass from that file with :func:`from_dict` and lets command-line options
override it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from dlclassics.errors import ConfigError

C = TypeVar("C")


def to_dict(config: Any) -> dict[str, Any]:
    """A dataclass as nested dicts (tuples become lists)."""
    assert dataclasses.is_dataclass(config) and not isinstance(config, type)
    return dataclasses.asdict(config)


def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
    """Rebuild dataclass ``cls`` from :func:`to_dict` output; unknown keys are an error."""
    assert dataclasses.is_dataclass(cls)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = set(data) - set(fields)
    if unknown:
        raise ConfigError(
            f"config for {cls.__name__} has unknown keys {sorted(unknown)}; "
            "was it written by a different version of dlclassics?"
        )
    kwargs = {name: _coerce(hints[name], value) for name, value in data.items()}
    return cls(**kwargs)


def _coerce(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(value, Mapping):
        return from_dict(typing.cast(type, hint), value)
    if origin is tuple and isinstance(value, list):
        args = typing.get_args(hint)
        inner = args[0] if args else Any
        return tuple(_coerce(inner, v) for v in value)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            if dataclasses.is_dataclass(arg) and isinstance(value, Mapping):
                return from_dict(typing.cast(type, arg), value)
        return tuple(value) if isinstance(value, list) else value
    return value


def replace(config: C, **changes: Any) -> C:
    """``dataclasses.replace`` with a typed signature."""
    return typing.cast(C, dataclasses.replace(config, **changes))  # type: ignore[type-var]
