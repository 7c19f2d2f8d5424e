"""``dlc tour`` — every family implemented so far, on real data, in one HTML report.

Each family contributes one step (a function ``(TourConfig, out_dir) -> Section``) that
trains its model on real data, compares the result with the reference figure, and saves
its plots. ``--quick`` keeps the whole tour within about 5 minutes on 2 CPU cores.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dlclassics.commands import Command
from dlclassics.config import to_dict
from dlclassics.errors import ConfigError
from dlclassics.io import write_json
from dlclassics.registry import Registry
from dlclassics.report.html import Section, write_report

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class TourConfig:
    quick: bool = False  # short runs: the whole tour in ≤ 5 minutes on 2 cores
    out: Path = Path("runs/tour")  # report.html and every step's run directory
    only: tuple[str, ...] = ()  # families to run (default: all)
    seed: int = 0


TourStep = Callable[[TourConfig, Path], Section]

# family -> "module:function"; imported only when the step runs.
STEPS: dict[str, str] = {
    "mlp": "dlclassics.mlp.tour:tour_step",
    "classic": "dlclassics.classic.tour:tour_step",
    "vision": "dlclassics.vision.tour:tour_step",
    "seq2seq": "dlclassics.seq2seq.tour:tour_step",
    "embeddings": "dlclassics.embeddings.tour:tour_step",
    "lm": "dlclassics.lm.tour:tour_step",
}


def _step(spec: str) -> TourStep:
    module, function = spec.split(":")
    step: TourStep = getattr(importlib.import_module(module), function)
    return step


def run_tour(config: TourConfig) -> Path:
    unknown = [name for name in config.only if name not in STEPS]
    if unknown:
        raise ConfigError(f"unknown tour family {unknown}; choose from: {', '.join(STEPS)}")
    families = config.only or tuple(STEPS)
    sections = []
    start = time.perf_counter()
    for family in families:
        log.info("tour: %s", family)
        t0 = time.perf_counter()
        section = _step(STEPS[family])(config, config.out / family)
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
COMMANDS.add(
    "",
    Command(
        help="run every family on real data; writes runs/tour/report.html",
        config=TourConfig,
        run=tour_command,
    ),
)
