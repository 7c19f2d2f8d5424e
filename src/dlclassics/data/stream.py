"""Streaming text readers shared by every data set's reader.

Corpora are read lazily, one line at a time, as UTF-8; a file whose name ends in ``.gz``,
``.bz2``, ``.xz`` or ``.lzma`` is decompressed as it is read. Two things go wrong with real files
and both become a one-line :class:`~dlclassics.errors.DataError` naming the file (and the
line) instead of a traceback deep inside a training loop:

* bytes that are not UTF-8 (a file saved as Latin-1 or GBK, a truncated download);
* an empty corpus (a file with no non-blank line), which would otherwise surface later as
  an empty vocabulary or a division by zero.

>>> from pathlib import Path
>>> import tempfile
>>> p = Path(tempfile.mkdtemp()) / "corpus.txt"
>>> _ = p.write_text("first line\\nsecond line\\n", encoding="utf-8")
>>> list(iter_lines(p))
['first line', 'second line']
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dlclassics.errors import DataError

__all__ = ["is_compressed", "iter_lines", "open_binary", "read_text_file"]

# A file whose name ends so is decompressed as it is read.
_OPENERS: dict[str, Callable[..., Any]] = {  # path, mode -> a binary file
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": lzma.open,
}


def is_compressed(path: Path) -> bool:
    """True when ``path``'s name says it is compressed (read through a decompressor)."""
    return path.suffix.lower() in _OPENERS


def open_binary(path: Path) -> Any:
    """``path`` opened for reading bytes, decompressed as read when its name says so."""
    return _OPENERS.get(path.suffix.lower(), open)(path, "rb")


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise DataError(
            f"{path} does not exist or is not a file; fetch the data set again "
            "(`dlc data fetch NAME --force`) or check the path"
        )


def _decode_error(path: Path, line_no: int, err: UnicodeDecodeError) -> DataError:
    return DataError(
        f"{path}, line {line_no}: not valid UTF-8 ({err.reason} at byte {err.start}); "
        "re-encode the file as UTF-8 (e.g. `iconv -f GBK -t UTF-8`) or fetch it again"
    )


def iter_lines(
    path: str | Path, *, strip: bool = True, skip_blank: bool = False, allow_empty: bool = False
) -> Iterator[str]:
    """Yield the lines of a UTF-8 text file lazily, without their line endings.

    ``strip`` removes the trailing newline (``\\n`` or ``\\r\\n``) only, never other
    whitespace, unless ``strip`` is False (then lines are yielded as read). ``skip_blank``
    drops lines that are empty or whitespace only. A leading UTF-8 byte-order mark is removed.

    Raises :class:`DataError` naming the file and 1-based line number on bytes that are not
    UTF-8, and naming the file when it holds no non-blank line (unless ``allow_empty``).
    """
    path = Path(path)
    _check_exists(path)
    seen_text = False
    line_no = 0
    with open_binary(path) as f:
        for raw in f:
            line_no += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise _decode_error(path, line_no, err) from None
            if line_no == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if strip:
                line = line.rstrip("\r\n")
            blank = not line.strip()
            if not blank:
                seen_text = True
            if blank and skip_blank:
                continue
            yield line
    if not seen_text and not allow_empty:
        raise DataError(
            f"{path} is empty (no non-blank line); fetch the data set again "
            "(`dlc data fetch NAME --force`) or point to a non-empty corpus"
        )


def read_text_file(path: str | Path, *, allow_empty: bool = False) -> str:
    """The whole file as one string (UTF-8, BOM removed, line endings kept).

    Same errors as :func:`iter_lines`: a :class:`DataError` naming the line of the first
    non-UTF-8 byte, or the file when it is empty.
    """
    return "".join(iter_lines(path, strip=False, allow_empty=allow_empty))
