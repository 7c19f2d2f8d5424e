"""``dlc data list | fetch | info`` — the data-set registry from the command line.

dlc data list                          # name, size, license, cached or not
dlc data fetch fashion-mnist brown     # download, verify, convert into the cache
dlc data fetch tinyshakespeare --from ../shared/data
dlc data info brown                    # counts per split and a sample
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import tyro

from dlclassics.commands import Command
from dlclassics.data import fetch, info, list_datasets, require
from dlclassics.registry import Registry


def _size(n: int | None) -> str:
    if not n:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1000  # type: ignore[assignment]
    raise AssertionError


@dataclass(frozen=True, kw_only=True)
class ListConfig:
    json: bool = False  # print JSON instead of a table


def list_command(config: ListConfig) -> int:
    rows = list_datasets()
    if config.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"{'name':<16} {'size':>9}  {'cached':<6}  {'license':<28} description")
    for row in rows:
        cached = "yes" if row["cached"] else "no"
        license_ = str(row["license"])[:28]
        size = _size(row["size"])
        print(f"{row['name']:<16} {size:>9}  {cached:<6}  {license_:<28} {row['description']}")
    return 0


@dataclass(frozen=True, kw_only=True)
class FetchConfig:
    names: Annotated[tuple[str, ...], tyro.conf.Positional]  # data sets to fetch (`dlc data list`)
    from_: Annotated[Path | None, tyro.conf.arg(name="from")] = (
        None  # directory holding the files by hand
    )
    force: bool = False  # fetch again even if cached
    progress: bool = True  # show download progress bars


def fetch_command(config: FetchConfig) -> int:
    for name in config.names:
        path = fetch(name, mirror=config.from_, force=config.force, progress=config.progress)
        print(f"{name}: {path}")
    return 0


@dataclass(frozen=True, kw_only=True)
class InfoConfig:
    name: Annotated[str, tyro.conf.Positional]  # a data set (`dlc data list`)
    json: bool = False  # print every detail as JSON


def info_command(config: InfoConfig) -> int:
    require(config.name)  # fetched on demand, like the data of every other command
    details = info(config.name)
    if config.json:
        print(json.dumps(details, indent=2, ensure_ascii=False, default=str))
        return 0
    print(f"{details['name']}: {details['description']}")
    print(f"license:  {details['license']}")
    print(f"citation: {details['citation']}")
    print(f"cached:   {details.get('path', '(not cached: dlc data fetch ' + config.name + ')')}")
    unit = details.get("unit", "records")
    counts = details.get("splits", {})
    for split, definition in details.get("split_definitions", {}).items():
        count = counts.get(split)
        shown = f"{count:,} {unit}" if isinstance(count, int) else "?"
        print(f"  {split:<6} {shown:>18}  {definition}")
    if "sample" in details:
        print("sample:")
        print("  " + str(details["sample"]).replace("\n", "\n  "))
    return 0


COMMANDS: Registry[Command] = Registry("data command")
COMMANDS.add("list", Command(config=ListConfig, run=list_command))
COMMANDS.add(
    "fetch",
    Command(config=FetchConfig, run=fetch_command),
)
COMMANDS.add(
    "info",
    Command(config=InfoConfig, run=info_command),
)
