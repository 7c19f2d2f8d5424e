"""Reading word vectors: the word2vec C tool's text and binary formats, and our native one.

The formats are described in :mod:`dlclassics.embeddings.formats`, which writes them and wraps
what this module reads in :class:`~dlclassics.embeddings.keyed.KeyedVectors`. The readers live
here, in the data layer, because other families read vectors too (``dlc classify train
--vectors`` initialises an embedding from them) and families do not import each other. They
return plain words and float32 arrays:

* :func:`read_word2vec` — a word2vec text or binary file (sniffed), ``.gz`` transparently;
* :func:`read_native` — ``<stem>.safetensors`` + ``<stem>.words.json``;
* :func:`read_vectors` — either, or a training run directory holding one of them.

Errors in a file (bad header, truncated record, wrong number of values, bytes that are not
UTF-8) raise one :class:`~dlclassics.errors.DataError` naming the file, the line or byte
offset, and what to do.
"""

from __future__ import annotations

import gzip
import json
import logging
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from dlclassics.errors import DataError

log = logging.getLogger(__name__)

__all__ = [
    "FLOAT32_LE",
    "NATIVE_FORMAT",
    "NATIVE_VERSION",
    "RUN_DIR_FILES",
    "native_paths",
    "read_native",
    "read_vectors",
    "read_word2vec",
]

FLOAT32_LE = np.dtype("<f4")
TEXT_BYTES = frozenset(b"0123456789+-.eEinfaINFA \t\r\n")  # what a text record's numbers use
NATIVE_FORMAT = "dlclassics.KeyedVectors"
NATIVE_VERSION = 1
FIX_HINT = "re-save the vectors or fetch the file again; it may have been cut short"


# -- word2vec format ---------------------------------------------------------------


def read_word2vec(
    path: str | os.PathLike[str],
    *,
    binary: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "strict",
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec text or binary file (``binary=None`` sniffs which).

    ``limit`` reads only the first (most frequent) words, like gensim's ``limit``.
    ``unicode_errors="replace"`` accepts files whose words were cut inside a multi-byte
    character (the C tool truncates long words by bytes). A word seen twice keeps its first
    vector, with a warning, as gensim does. Returns the words and their (N, D) float32 rows.
    """
    path = Path(path)
    _check_file(path)
    with _open_bytes(path) as data:
        header_end = data.find(b"\n")
        N, D = _parse_header(path, bytes(data[: header_end if header_end >= 0 else 200]))
        n = N if limit is None else max(0, min(N, int(limit)))
        start = header_end + 1
        if binary is None:
            binary = _looks_binary(data, start, D)
        read = _read_binary if binary else _read_text
        words, vectors = read(path, data, start, n, D, unicode_errors)
    return _dedupe(path, words, vectors)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise DataError(
            f"no vectors file at {path}; train vectors first (`dlc word2vec train --out DIR`) "
            "or give the path of a word2vec .bin/.txt file"
        )
    if not path.is_file():
        raise DataError(f"{path} is not a file; give the path of a word2vec .bin/.txt file")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes); {FIX_HINT}")


class _open_bytes:
    """The file's bytes as a read-only buffer: mmap for plain files, memory for ``.gz``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None
        self._map: mmap.mmap | None = None

    def __enter__(self) -> Any:
        self._file = self.path.open("rb")
        if self._file.read(2) == b"\x1f\x8b":
            self._file.seek(0)
            try:
                with gzip.open(self._file, "rb") as z:
                    return z.read()
            except (OSError, EOFError) as err:
                raise DataError(f"{self.path}: broken gzip data ({err}); {FIX_HINT}") from None
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        return self._map

    def __exit__(self, *exc: object) -> None:
        if self._map is not None:
            self._map.close()
        self._file.close()


def _parse_header(path: Path, line: bytes) -> tuple[int, int]:
    fields = line.split()
    try:
        N, D = (int(x) for x in fields)
        if N < 0 or D <= 0:
            raise ValueError
    except ValueError:
        shown = line[:60].decode("utf-8", errors="replace")
        raise DataError(
            f"{path}, line 1: expected the word2vec header '<number of words> <dim>', found "
            f"{shown!r}; is this a word2vec .bin/.txt file? (GloVe's own text files lack the "
            "header: add one line 'N D' at the top)"
        ) from None
    return N, D


def _looks_binary(data: Any, start: int, D: int) -> bool:
    """Binary unless the first record is a line of a word and exactly D numbers."""
    end = data.find(b"\n", start)
    line = bytes(data[start : end if end >= 0 else len(data)])
    if not set(line.partition(b" ")[2]) <= TEXT_BYTES:
        return True
    try:
        return len([float(x) for x in line.rstrip().split(b" ")[1:]]) != D
    except ValueError:
        return True


def _decode(path: Path, raw: bytes, where: str, errors: str) -> str:
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as err:
        raise DataError(
            f"{path}, {where}: word is not valid UTF-8 ({err.reason}); pass "
            "unicode_errors='replace' if the tool that wrote it cut words mid-character"
        ) from None


def _read_binary(
    path: Path, data: Any, start: int, n: int, D: int, errors: str
) -> tuple[list[str], np.ndarray]:
    words: list[str] = []
    vectors = np.empty((n, D), dtype=np.float32)
    record = 4 * D
    size = len(data)
    pos = start
    for i in range(n):
        while pos < size and data[pos] in b" \n\r\t":  # the C tool's newline before each word
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or space + 1 + record > size:
            raise DataError(
                f"{path}: truncated at byte {pos}, after {i:,} of {n:,} vectors (dim {D}); "
                f"{FIX_HINT}"
            )
        words.append(_decode(path, bytes(data[pos:space]), f"byte {pos}", errors))
        vectors[i] = np.frombuffer(data, dtype=FLOAT32_LE, count=D, offset=space + 1)
        pos = space + 1 + record
    return words, vectors


def _text_lines(data: Any, start: int) -> Iterator[tuple[int, bytes]]:
    pos, line_no = start, 2
    size = len(data)
    while pos < size:
        end = data.find(b"\n", pos)
        end = size if end < 0 else end
        yield line_no, bytes(data[pos:end])
        pos, line_no = end + 1, line_no + 1


def _read_text(
    path: Path, data: Any, start: int, n: int, D: int, errors: str
) -> tuple[list[str], np.ndarray]:
    words: list[str] = []
    vectors = np.empty((n, D), dtype=np.float32)
    lines = _text_lines(data, start)
    for i in range(n):
        line_no, raw = next(lines, (-1, b""))
        if line_no < 0:
            raise DataError(
                f"{path}: truncated after {i:,} of {n:,} vectors (the header promises more "
                f"lines); {FIX_HINT}"
            )
        parts = _decode(path, raw, f"line {line_no}", errors).rstrip().split(" ")
        if len(parts) != D + 1:
            raise DataError(
                f"{path}, line {line_no}: expected a word and {D} numbers, found "
                f"{len(parts) - 1} numbers after {parts[0][:40]!r}; {FIX_HINT}"
            )
        try:
            vectors[i] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise DataError(
                f"{path}, line {line_no}: a value after {parts[0][:40]!r} is not a number; "
                "is this a word2vec text file?"
            ) from None
        words.append(parts[0])
    return words, vectors


def _dedupe(path: Path, words: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
    seen: dict[str, int] = {}
    keep: list[int] = []
    for i, word in enumerate(words):
        if word in seen:
            log.warning("%s: word %r occurs twice; keeping its first vector", path, word)
            continue
        seen[word] = i
        keep.append(i)
    if len(keep) == len(words):
        return words, vectors
    return [words[i] for i in keep], vectors[keep]


# -- native format --------------------------------------------------------------------------


def native_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """``(tensors, words)`` file paths for a native save at ``path`` (a directory or stem)."""
    path = Path(path)
    if path.is_dir() or not path.suffix:
        stem = path / "vectors"
    else:
        stem = path.with_name(path.name.removesuffix(".safetensors").removesuffix(".words.json"))
    return stem.with_name(stem.name + ".safetensors"), stem.with_name(stem.name + ".words.json")


def read_native(path: str | os.PathLike[str]) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Words, vectors and counts (or None) of a native save (the directory or either file)."""
    import safetensors.numpy

    tensors_path, words_path = native_paths(path)
    for needed in (tensors_path, words_path):
        if not needed.is_file():
            raise DataError(
                f"{needed} is missing; a native save is {tensors_path.name} + "
                f"{words_path.name} side by side: save them again with save_native"
            )
    try:
        tensors = safetensors.numpy.load(tensors_path.read_bytes())
        meta = json.loads(words_path.read_text(encoding="utf-8"))
    except Exception as err:  # safetensors raises its own error types for corrupt files
        raise DataError(
            f"{tensors_path}: cannot read the native vectors ({err}); {FIX_HINT}"
        ) from None
    words = meta.get("words") if isinstance(meta, dict) else None
    vectors = tensors.get("vectors")
    if not isinstance(words, list) or vectors is None or len(words) != len(vectors):
        raise DataError(
            f"{tensors_path} and {words_path.name} do not match (rows vs words); {FIX_HINT}"
        )
    return words, vectors, tensors.get("counts")


# -- any of them ----------------------------------------------------------------------------

# A training run directory holds one of these (word2vec/glove train write vectors.bin).
RUN_DIR_FILES = ("vectors.safetensors", "vectors.bin", "vectors.txt", "vectors.vec")


def read_vectors(path: str | os.PathLike[str]) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Words, vectors and counts (None if unknown) from a run directory, a native
    ``.safetensors`` save or a word2vec file."""
    path = Path(path)
    if path.is_dir():
        for name in RUN_DIR_FILES:
            if (path / name).is_file():
                return read_vectors(path / name)
        raise DataError(
            f"{path} holds no vectors ({', '.join(RUN_DIR_FILES)}); train some with "
            f"`dlc word2vec train --out {path}` or give a vectors file"
        )
    if path.suffix == ".safetensors" or path.name.endswith(".words.json"):
        return read_native(path)
    return (*read_word2vec(path), None)
