"""What a ``dlc`` subcommand is: a config dataclass, its presets, and a function to run.

Each family module defines ``COMMANDS: Registry[Command]``; :mod:`dlclassics.cli` parses the
options straight from the config dataclass (tyro), so every option has the dataclass
field's type, default and comment as its help text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class Resumable(Protocol):
    """A train command's side of ``--resume DIR`` (``train.lifecycle.TrainCommand``)."""

    def resume_config(self, run_dir: Path) -> Any: ...  # the config saved in run_dir

    def run_resumed(self, config: Any) -> int: ...  # continue the run in config.run_dir


@dataclass(frozen=True, kw_only=True)
class Command:
    help: str  # one line, shown by `dlc --help`
    config: type[Any]  # frozen dataclass whose fields are the options
    run: Callable[[Any], int | None]  # returns the exit code (None = 0)
    presets: Mapping[str, Any] = field(default_factory=dict)  # `--preset NAME` -> config
    # `--resume DIR`: continue the run saved in DIR (options given on the command line override
    # its config); the one way every train command resumes
    resumable: Resumable | None = None
