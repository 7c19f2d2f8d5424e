"""``dlc tour``: run each family's tour step in reading order and write one HTML report."""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path

from dlclassics.commands import Command
from dlclassics.config import to_dict
from dlclassics.errors import ConfigError
from dlclassics.families import tour_families
from dlclassics.io import write_json
from dlclassics.registry import Registry
from dlclassics.report.html import write_report
from dlclassics.tour import TourConfig, TourStep

log = logging.getLogger(__name__)


def _step(family: str) -> TourStep:
    step: TourStep = importlib.import_module(f"dlclassics.{family}.tour").tour_step
    return step


def run_tour(config: TourConfig) -> Path:
    steps = tour_families()
    unknown = [name for name in config.only if name not in steps]
    if unknown:
        raise ConfigError(f"unknown tour family {unknown}; choose from: {', '.join(steps)}")
    families = config.only or tuple(steps)
    sections = []
    start = time.perf_counter()
    for family in families:
        log.info("tour: %s", family)
        t0 = time.perf_counter()
        section = _step(family)(config, config.out / family)
        sections.append(section)
        log.info("tour: %s done in %.1f s", family, time.perf_counter() - t0)
    mode = "quick" if config.quick else "full"
    header = (
        f"dlc tour ({mode}), seed {config.seed}: {len(sections)} families in "
        f"{time.perf_counter() - start:.0f} s. Every figure below was measured by this run."
    )
    write_json(config.out / "tour.json", {"config": to_dict(config), "families": list(families)})
    return write_report(sections, config.out, title="dlclassics tour", header=header)


def tour_command(config: TourConfig) -> int:
    report = run_tour(config)
    print(f"report: {report.resolve()}")
    return 0


COMMANDS: Registry[Command] = Registry("tour command")
COMMANDS.add("", Command(config=TourConfig, run=tour_command))
