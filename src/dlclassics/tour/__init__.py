"""``dlc tour`` — every family implemented so far, on real data, in one HTML report.

Each family with ``tour=True`` in its declaration contributes one step,
``dlclassics.<family>.tour.tour_step`` (a function ``(TourConfig, out_dir) -> Section``), that
trains its model on real data, compares the result with the reference figure, and saves its
plots; :mod:`dlclassics.tour.commands` runs them and writes the report. ``--quick`` keeps the
whole tour within about 5 minutes on 2 CPU cores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlclassics.commands import Family, Group

if TYPE_CHECKING:
    from dlclassics.report.html import Section


@dataclass(frozen=True, kw_only=True)
class TourConfig:
    quick: bool = False  # short runs: the whole tour in ≤ 5 minutes on 2 cores
    out: Path = Path("runs/tour")  # report.html and every step's run directory
    only: tuple[str, ...] = ()  # families to run (default: all)
    seed: int = 0


TourStep = Callable[[TourConfig, Path], "Section"]

FAMILY = Family(
    "tour",
    groups=(Group("tour", {"": "run every family on real data; writes runs/tour/report.html"}),),
)
