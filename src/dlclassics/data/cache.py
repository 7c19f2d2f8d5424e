"""Where fetched data sets live: ``$DLCLASSICS_HOME/data/<name>/``.

A data set's directory counts as cached only once its ``manifest.json`` exists; the fetcher
writes that file last, after every converted file has been verified, so a crash mid-fetch
leaves a directory that is simply fetched again. A reader gets its data set through
:func:`dlclassics.data.demand.require`, which fetches a missing one on demand.
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


def not_cached(name: str, why: str = "") -> DataError:
    """The one-line error for a data set that is not in the cache (``why``: a clause to add)."""
    return DataError(
        f"data set {name!r} is not in the cache ({dataset_dir(name)}){why}; "
        f"run `dlc data fetch {name}` first"
    )
