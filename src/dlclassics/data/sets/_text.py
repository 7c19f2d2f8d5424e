"""Shared plumbing of the text data sets: cache files, split lookup, describe, raw lookup.

Every text data set caches one UTF-8 file per split, ``<split>.jsonl`` (one JSON object per
line, keys in a fixed order, non-ASCII kept as is) or ``<split>.txt`` / ``<split>.tsv``.
Writing is atomic and byte-for-byte deterministic, so the sha256 of each converted file is
part of the data set's definition (``Dataset.files``). Readers stream these files one line
at a time through :func:`dlclassics.data.stream.iter_lines`, so memory stays constant however
large the corpus.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dlclassics.data.catalog import Describer
from dlclassics.data.demand import require
from dlclassics.data.stream import iter_lines
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import atomic_write

TRAIN_VAL_TEST = ("train", "val", "test")
ALL = ("all",)  # evaluation sets have one split


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write one compact JSON object per line, atomically; return the number of records."""
    n = 0
    with atomic_write(path, "w") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
            n += 1
    return n


@contextlib.contextmanager
def jsonl_writers(
    out_dir: Path, splits: Sequence[str]
) -> Iterator[dict[str, Callable[[Mapping[str, Any]], None]]]:
    """``{split: write(record)}`` appending to ``<split>.jsonl``; all files atomic together.

    For converters that route records to splits in one streaming pass over the raw files.
    """
    with contextlib.ExitStack() as stack:
        files = {s: stack.enter_context(atomic_write(out_dir / f"{s}.jsonl", "w")) for s in splits}

        def writer(f: Any) -> Callable[[Mapping[str, Any]], None]:
            def write(record: Mapping[str, Any]) -> None:
                f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")

            return write

        yield {s: writer(f) for s, f in files.items()}


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Write ``lines`` (no newline inside any of them) one per line, atomically."""
    n = 0
    with atomic_write(path, "w") as f:
        for line in lines:
            assert "\n" not in line, f"line {n} of {path.name} contains a newline"
            f.write(line)
            f.write("\n")
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Stream the JSON objects of a ``.jsonl`` file, one per line."""
    for line_no, line in enumerate(iter_lines(path, skip_blank=True), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(
                f"{path}, record {line_no}: not JSON ({err.msg}); "
                "fetch the data set again (`dlc data fetch NAME --force`)"
            ) from None
        if not isinstance(record, dict):
            raise DataError(f"{path}, record {line_no}: expected a JSON object")
        yield record


def split_path(name: str, split: str, splits: Sequence[str], suffix: str) -> Path:
    """The cached file of ``split`` of data set ``name``; one-line errors if unknown/missing."""
    if split not in splits:
        raise ConfigError(
            f"data set {name!r} has no split {split!r}; choose one of: {', '.join(splits)}"
        )
    return require(name) / f"{split}{suffix}"


def write_splits(
    out_dir: Path, records: Sequence[Mapping[str, Any]], parts: Mapping[str, np.ndarray]
) -> dict[str, int]:
    """Write ``records[i] for i in parts[split]`` to ``<split>.jsonl``; return the counts."""
    return {
        split: write_jsonl(out_dir / f"{split}.jsonl", (records[int(i)] for i in idx))
        for split, idx in parts.items()
    }


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def describer(
    unit: str, splits: Sequence[str], suffix: str, render: Callable[[str], str]
) -> Describer:
    """``describe(cache_dir)``: records per split, the unit, and the first record rendered."""

    def describe(cache_dir: Path) -> dict[str, Any]:
        counts = {s: count_lines(cache_dir / f"{s}{suffix}") for s in splits}
        first = next(iter_lines(cache_dir / f"{splits[0]}{suffix}", skip_blank=True), "")
        sample = render(first)
        return {
            "splits": counts,
            "unit": unit,
            "sample": sample if len(sample) <= 300 else sample[:299] + "…",
        }

    return describe


def render_json(fields: Callable[[dict[str, Any]], str]) -> Callable[[str], str]:
    """A ``render`` for :func:`describer` that formats one JSONL line with ``fields``."""
    return lambda line: fields(json.loads(line))


def find_raw(raw_dir: Path, pattern: str, *, what: str) -> list[Path]:
    """Files under ``raw_dir`` whose name matches ``pattern`` (any depth), sorted by path.

    Archive layouts differ (an npm tarball's ``package/``, a GitHub archive's
    ``repo-tag/``), so converters find their inputs by file name, not by full path.
    """
    found = sorted(p for p in raw_dir.rglob(pattern) if p.is_file())
    if not found:
        raise DataError(
            f"no {what} ({pattern}) under {raw_dir}; the artifact is incomplete or not the "
            "expected version — fetch it again"
        )
    return found
