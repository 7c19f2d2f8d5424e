"""Where fetched data sets live: ``$DLCLASSICS_HOME/data/<name>/``.

A data set's directory counts as cached only once its ``manifest.json`` exists; the fetcher
writes that file last, after every converted file has been verified, so a crash mid-fetch
leaves a directory that is simply fetched again.
"""

from __future__ import annotations

from pathlib import Path

from dlclassics.errors import DataError
from dlclassics.io import home

MANIFEST = "manifest.json"


def data_root() -> Path:
    return home() / "data"


def dataset_dir(name: str) -> Path:
    return data_root() / name


def is_cached(name: str) -> bool:
    return (dataset_dir(name) / MANIFEST).is_file()


def require(name: str) -> Path:
    """The cached directory of ``name``, or a one-line error saying how to fetch it."""
    if not is_cached(name):
        raise DataError(
            f"data set {name!r} is not in the cache ({dataset_dir(name)}); "
            f"run `dlc data fetch {name}` first"
        )
    return dataset_dir(name)
