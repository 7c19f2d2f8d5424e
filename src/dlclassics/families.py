"""The families of dlclassics, in reading order: the one list the CLI and the tour read.

Each name is a package whose ``__init__.py`` declares its ``FAMILY`` (commands with their help
lines, and whether it has a tour step; see :mod:`dlclassics.commands`). Importing a family's
``__init__`` is cheap; its commands' modules are imported only when one of them runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from dlclassics.commands import Command, Family, Group
from dlclassics.registry import Registry

NAMES = (
    "data",
    "classic",
    "mlp",
    "vision",
    "embeddings",
    "lm",
    "classify",
    "tag",
    "seq2seq",
    "ocr",
    "caption",
    "gan",
    "tour",
)


def families() -> list[Family]:
    """Every family's declaration, in :data:`NAMES` order."""
    found = []
    for name in NAMES:
        family = getattr(importlib.import_module(f"dlclassics.{name}"), "FAMILY", None)
        if family is not None:
            assert isinstance(family, Family) and family.name == name, name
            found.append(family)
    return found


def groups() -> Iterator[tuple[Family, Group]]:
    """Every command group with its family: ``dlc GROUP …``."""
    for family in families():
        for group in family.groups:
            yield family, group


def commands(family: Family, group: Group) -> Registry[Command]:
    """The group's commands (imports its module: this is where torch may load)."""
    registry: Registry[Command] = importlib.import_module(group.module(family.name)).COMMANDS
    assert list(registry) == list(group.commands), (group.name, list(registry))
    return registry


def tour_families() -> list[str]:
    """The families with a step in ``dlc tour``, in reading order."""
    return [family.name for family in families() if family.tour]
