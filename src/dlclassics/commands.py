"""What a family and a ``dlc`` subcommand are.

A **family** (:class:`Family`) is one package of dlclassics — ``mlp``, ``vision``, ``lm`` … —
and declares, in its ``__init__.py``, its command groups with one help line per command and
whether it has a step in ``dlc tour``. That declaration imports nothing heavy, so ``dlc
--help`` lists every command without importing torch. By one naming scheme, the commands of
group ``G`` of family ``F`` live in ``dlclassics.F.commands`` when ``G == F`` and in
``dlclassics.F.G_commands`` otherwise, as ``COMMANDS: Registry[Command]``; the tour step is
``dlclassics.F.tour.tour_step``. :mod:`dlclassics.families` lists the families, in reading
order; the CLI and the tour read that one list.

A **command** (:class:`Command`) is a config dataclass, its presets and a function to run;
:mod:`dlclassics.cli` parses the options straight from the config dataclass (tyro), so every
option has the dataclass field's type, default and comment as its help text.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

_INVOCATION: ContextVar[tuple[str, ...]] = ContextVar("dlc_invocation", default=())


def set_invocation(argv: Sequence[str]) -> None:
    """Record the arguments of the ``dlc`` command being run (called by :mod:`dlclassics.cli`)."""
    _INVOCATION.set(tuple(argv))


def invocation() -> str:
    """The running command as a shell line, ``dlc mlp boundary --widths 2 8``, for the results
    files that record the command that made them (the same whether run from a shell or a test)."""
    return shlex.join(["dlc", *_INVOCATION.get()])


class Resumable(Protocol):
    """A train command's side of ``--resume DIR`` (``train.lifecycle.TrainCommand``)."""

    def resume_config(self, run_dir: Path) -> Any: ...  # the config saved in run_dir

    def run_resumed(self, config: Any) -> int: ...  # continue the run in config.run_dir


@dataclass(frozen=True, kw_only=True)
class Command:
    """One ``dlc`` command; its help line is in its family's declaration (:class:`Group`)."""

    config: type[Any]  # frozen dataclass whose fields are the options
    run: Callable[[Any], int | None]  # returns the exit code (None = 0)
    presets: Mapping[str, Any] = field(default_factory=dict)  # `--preset NAME` -> config
    # `--resume DIR`: continue the run saved in DIR (options given on the command line override
    # its config); the one way every train command resumes
    resumable: Resumable | None = None


@dataclass(frozen=True)
class Group:
    """``dlc NAME …``: a group of commands and their help lines (``""``: the group itself)."""

    name: str
    commands: Mapping[str, str]  # command -> one help line, shown by `dlc --help`

    def module(self, family: str) -> str:
        """Where the group's ``COMMANDS`` live (the naming scheme in the module docstring)."""
        module = "commands" if self.name == family else f"{self.name}_commands"
        return f"dlclassics.{family}.{module}"


@dataclass(frozen=True)
class Family:
    """One package's entry: its command groups and whether ``dlc tour`` has a step for it."""

    name: str  # the package under dlclassics
    groups: tuple[Group, ...]
    tour: bool = False  # dlclassics.<name>.tour.tour_step exists

    def help(self, group: str, command: str) -> str:
        """The declared help line of ``dlc group command``."""
        for g in self.groups:
            if g.name == group:
                return g.commands[command]
        raise KeyError(group)
