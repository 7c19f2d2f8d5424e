"""Reading and writing word vectors: the word2vec C tool's text and binary formats, and ours.

**word2vec formats** (Mikolov's ``word2vec.c``, read and written by gensim's
``KeyedVectors.load_word2vec_format`` / ``save_word2vec_format``): a header line
``"<number of words> <dim>\\n"``, then one record per word, most frequent first:

* text: ``word v1 v2 … vD\\n`` — UTF-8, fields separated by single spaces;
* binary: ``word`` (UTF-8 bytes) ``+ b" "`` + D little-endian float32 (4·D bytes) ``+ b"\\n"``.

Words therefore cannot contain a space or a newline. We write binary records with the C
tool's trailing newline and text numbers with 9 significant digits (``%.9g``, the fewest that
give every float32 back exactly), and read both with or without the newline, so files go
both ways between dlclassics, gensim and the C tool, Chinese words included. A ``.gz`` file
is read transparently. The loader sniffs text vs binary from the first record when
``binary`` is not given.

**Native format**: ``<stem>.safetensors`` (tensor ``vectors``, float32 (N, D), and
``counts``, int64 (N,), when known) plus ``<stem>.words.json`` (the words, in row order) —
no pickle, memory-friendly, and about as fast to load as the disk allows. A directory means
the stem ``DIR/vectors``.

Errors in a file (bad header, truncated record, wrong number of values, bytes that are not
UTF-8) raise one :class:`~dlclassics.errors.DataError` naming the file, the line or byte
offset, and what to do.

>>> import numpy as np, tempfile, pathlib
>>> from dlclassics.embeddings.keyed import KeyedVectors
>>> kv = KeyedVectors(["国王", "king"], np.eye(2, dtype=np.float32))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "vectors.bin"
>>> save_word2vec_format(kv, path)
>>> load_word2vec_format(path).words
['国王', 'king']
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dlclassics.data.wordvectors import (
    FLOAT32_LE,
    NATIVE_FORMAT,
    NATIVE_VERSION,
    RUN_DIR_FILES,
    native_paths,
    read_native,
    read_vectors,
    read_word2vec,
)
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import DataError
from dlclassics.io import atomic_write, write_bytes, write_json

__all__ = [
    "load_native",
    "load_vectors",
    "load_word2vec_format",
    "native_paths",
    "save_native",
    "save_word2vec_format",
]

__all__ += ["RUN_DIR_FILES"]  # what a training run directory holds (read_vectors looks there)


# -- word2vec format: writing ---------------------------------------------------------------


def save_word2vec_format(
    kv: KeyedVectors, path: str | os.PathLike[str], *, binary: bool = True
) -> None:
    """Write ``kv`` in the word2vec C tool's binary (default) or text format, atomically."""
    for word in kv.words:
        if not word or any(ch in word for ch in " \n"):
            raise DataError(
                f"word {word!r} is empty or contains a space or newline, which the word2vec "
                "format cannot store; use save_native, or clean the vocabulary"
            )
    N, D = kv.vectors.shape
    with atomic_write(path, "wb") as f:
        f.write(f"{N} {D}\n".encode())
        rows = kv.vectors.astype(FLOAT32_LE, copy=False)
        if binary:
            for word, row in zip(kv.words, rows, strict=True):
                f.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            fmt = " ".join(["%.9g"] * D)
            for word, row in zip(kv.words, rows, strict=True):
                f.write(f"{word} {fmt % tuple(row.tolist())}\n".encode())


# -- word2vec format: reading (dlclassics.data.wordvectors, shared with other families) ------


def load_word2vec_format(
    path: str | os.PathLike[str],
    *,
    binary: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "strict",
) -> KeyedVectors:
    """Read a word2vec text or binary file (``binary=None`` sniffs which).

    ``limit`` reads only the first (most frequent) words, like gensim's ``limit``.
    ``unicode_errors="replace"`` accepts files whose words were cut inside a multi-byte
    character (the C tool truncates long words by bytes). A word seen twice keeps its first
    vector, with a warning, as gensim does.
    """
    words, vectors = read_word2vec(path, binary=binary, limit=limit, unicode_errors=unicode_errors)
    return KeyedVectors(words, vectors)


# -- native format --------------------------------------------------------------------------


def save_native(kv: KeyedVectors, path: str | os.PathLike[str]) -> Path:
    """Write ``<stem>.safetensors`` + ``<stem>.words.json``; return the tensors path."""
    import safetensors.numpy

    tensors_path, words_path = native_paths(path)
    tensors = {"vectors": np.ascontiguousarray(kv.vectors)}
    if kv.counts is not None:
        tensors["counts"] = np.ascontiguousarray(kv.counts)
    metadata = {"format": NATIVE_FORMAT, "words": words_path.name}
    write_json(
        words_path,
        {"format": NATIVE_FORMAT, "version": NATIVE_VERSION, "dim": kv.dim, "words": kv.words},
    )
    write_bytes(tensors_path, safetensors.numpy.save(tensors, metadata=metadata))
    return tensors_path


def load_native(path: str | os.PathLike[str]) -> KeyedVectors:
    """Read vectors saved by :func:`save_native` (``path``: the directory or either file)."""
    return KeyedVectors(*read_native(path))


# -- any of them ----------------------------------------------------------------------------


def load_vectors(path: str | os.PathLike[str]) -> KeyedVectors:
    """Vectors from a run directory, a native ``.safetensors`` save or a word2vec file."""
    return KeyedVectors(*read_vectors(path))
