"""Shared helpers for benchmark scripts: the machine line and the results file."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlclassics.io import write_json

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    import torch

    gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (
        f"{os.cpu_count()}-core {platform.machine()}, {gib:.0f} GiB, {gpu}, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    )


def command_line() -> str:
    """This benchmark's invocation as a reader would type it, from the repository root."""
    return "python " + " ".join([f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]])


def write_results(name: str, benchmark: str, rows: list[dict[str, Any]], **extra: Any) -> Path:
    path = RESULTS / f"{name}.json"
    write_json(
        path,
        {
            "benchmark": benchmark,
            "command": command_line(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "machine": machine(),
            **extra,
            "rows": rows,
        },
    )
    return path


def update_results(
    name: str, benchmark: str, rows: list[dict[str, Any]], *, key: str = "task"
) -> Path:
    """Write ``rows`` into ``results/<name>.json``, keeping the rows of other scripts.

    For a file that several benchmark scripts feed (``text_tasks.json``: one script per family):
    the rows whose ``key`` value is among ``rows``' are replaced, the others kept; each new row
    records the command that made it (``row["command"]``), as one file has several commands.
    A row passed in with its own ``command`` (a row kept from an earlier run) keeps it.
    """
    path = RESULTS / f"{name}.json"
    mine = {row[key] for row in rows}
    kept = []
    if path.exists():
        kept = [
            r for r in json.loads(path.read_text(encoding="utf-8"))["rows"] if r[key] not in mine
        ]
    command = command_line()
    write_json(
        path,
        {
            "benchmark": benchmark,
            "command": f"several: each row's `command` (this update: {command})",
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "machine": machine(),
            "rows": kept + [{**row, "command": row.get("command", command)} for row in rows],
        },
    )
    return path
