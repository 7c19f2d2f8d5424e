"""The one list of families: every declared command exists, help comes from the declaration,
and listing the commands imports no command module (so no torch)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from dlclassics.commands import Command
from dlclassics.families import NAMES, commands, families, groups, tour_families


def test_every_declared_command_is_registered_in_its_groups_module_and_nothing_else() -> None:
    for family, group in groups():
        registry = commands(family, group)
        assert list(registry) == list(group.commands), (family.name, group.name)
        assert all(isinstance(command, Command) for _, command in registry.items())


def test_group_names_are_unique_and_the_tour_steps_exist() -> None:
    names = [group.name for _, group in groups()]
    assert len(names) == len(set(names)), names
    assert {"classic", "mlp", "vision", "embeddings", "lm", "seq2seq"} <= set(tour_families())
    assert [f.name for f in families()] == [n for n in NAMES if n in {f.name for f in families()}]
    assert {f.name for f in families()} >= {"data", "tour", *tour_families()}
    for name in tour_families():
        assert callable(importlib.import_module(f"dlclassics.{name}.tour").tour_step), name


def test_dlc_help_lists_every_command_without_importing_torch() -> None:
    code = (
        "import sys; from dlclassics.cli import main; main(['--help']); "
        "print('torch' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.strip().splitlines()[-1] == "False"
    for _, group in groups():
        for name, help_ in group.commands.items():
            assert f"dlc {group.name} {name}".strip() in run.stdout and help_ in run.stdout
