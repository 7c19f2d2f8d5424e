"""Counting n-grams on a Dask cluster: partitions counted on workers, merged on the client.

Web-scale n-gram counts are a map-reduce job (Brants et al. 2007, "Large Language Models in
Machine Translation", §4: each machine counts its shard of the text, the counts are summed
by key). Here the engine is Dask's distributed scheduler — no scheduler of our own:

1. the corpus is cut into **partitions**: each file of a directory, and a large plain-text
   file into byte ranges that start and end at line boundaries (a compressed file is one
   partition: it cannot be entered in the middle);
2. **vocabulary round** — one task per partition counts its word types; the client sums
   them and builds the vocabulary by the in-memory path's rules;
3. **counting round** — one task per partition frames, encodes and counts its n-grams of
   every order (:func:`~dlclassics.ngram.external.count_block`) and returns the sorted
   tables (NumPy arrays);
4. the client merges the tables with the k-way merge of :mod:`dlclassics.ngram.external`.

The counts equal the single-process ones exactly (tested), so the ARPA file is the same.

Running it
----------
A local cluster of 2 worker processes on this machine::

    dlc ngram build --order 5 --text corpus/ --cluster local:2 --arpa lm.arpa

Several machines (``pip install 'dlclassics[cluster]'`` on each, the corpus at the same path
on every machine — a shared file system such as NFS)::

    dask scheduler                                   # machine A; prints tcp://A:8786
    dask worker tcp://A:8786 --nworkers 4 --nthreads 1   # on every machine
    dlc ngram build --order 5 --text /shared/corpus/ --cluster tcp://A:8786 --arpa lm.arpa

Each worker needs memory for one partition's encoded text and tables (about 300 bytes a
token at order 5: ``--partition-mb`` of text, 64 MB by default, needs about 3 GB); the
client holds the merged counts, as :mod:`~dlclassics.ngram.external` does.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from dlclassics.data import spill
from dlclassics.data.corpora import RESERVED, corpus_files
from dlclassics.data.stream import is_compressed, open_binary
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram.counts import NGramCounts
from dlclassics.ngram.external import (
    BlockTables,
    count_block,
    merge_tables,
    vocabulary_from_types,
)
from dlclassics.ngram.trie import _blocks, encode

__all__ = ["Partition", "count_ngrams_dask", "partitions", "read_partition"]


@dataclass(frozen=True)
class Partition:
    """Lines of one file whose first byte lies in [start, stop); stop −1: to the end."""

    path: str
    start: int = 0
    stop: int = -1


def partitions(spec: str, *, partition_bytes: int = 64 << 20) -> list[Partition]:
    """The partitions of a file or a directory of files (see the module doc)."""
    path = Path(spec)
    if not path.exists():
        raise DataError(
            f"--text {spec!r}: counting on a cluster reads a file or a directory of files, "
            "which every worker can open at that path"
        )
    parts = []
    for file in corpus_files(path):
        size = file.stat().st_size
        if is_compressed(file) or size <= partition_bytes:
            parts.append(Partition(str(file.resolve())))
            continue
        cuts = list(range(0, size, partition_bytes))
        for start, stop in zip(cuts, [*cuts[1:], -1], strict=True):
            parts.append(Partition(str(file.resolve()), start, stop))
    return parts


def _raw_lines(part: Partition) -> Iterator[bytes]:
    """The lines a partition owns: those starting in [start, stop)."""
    path = Path(part.path)
    with open_binary(path) as f:
        if part.start > 0:
            f.seek(part.start - 1)
            f.readline()  # the rest of a line that starts before `start` (or its newline)
        at = f.tell()
        for raw in f:
            if part.stop >= 0 and at >= part.stop:
                return
            at += len(raw)
            yield raw


def read_partition(part: Partition) -> Iterator[list[str]]:
    """The sentences of a partition: a file's non-blank lines split at whitespace (UTF-8,
    a leading byte-order mark dropped), as :class:`~dlclassics.data.corpora.Text` reads them."""
    first = part.start == 0
    for raw in _raw_lines(part):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise DataError(
                f"{part.path}: not valid UTF-8 ({err.reason}) near byte {part.start}; "
                "re-encode it as UTF-8"
            ) from None
        if first:
            line, first = line.removeprefix("\ufeff"), False
        if tokens := line.split():
            yield tokens


def _count_types(part: Partition) -> tuple[Counter[str], int]:
    """Task of the vocabulary round: word types and sentences of one partition."""
    types: Counter[str] = Counter()
    sentences = 0
    for flat, lengths in _blocks(read_partition(part), 1 << 20):
        types.update(flat)
        sentences += len(lengths)
    return types, sentences


def _count_partition(part: Partition, words: tuple[str, ...], order: int) -> BlockTables:
    """Task of the counting round: one partition's n-gram tables."""
    vocab = Vocab(words)
    return count_block(list(encode(read_partition(part), vocab)), vocab, order)


def _client(cluster: str) -> Any:
    """A Dask client: ``local:N`` starts N single-threaded worker processes here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(
            "--cluster needs Dask: pip install 'dlclassics[cluster]' (dask[distributed])"
        ) from None
    if cluster.startswith("local:"):
        try:
            workers = int(cluster.removeprefix("local:"))
        except ValueError:
            workers = 0
        if workers < 1:
            raise ConfigError(f"--cluster {cluster!r}: write local:N with N ≥ 1 workers")
        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(local)
    return Client(cluster)


def count_ngrams_dask(
    spec: str,
    order: int,
    *,
    cluster: str | Any,
    min_count: int = 1,
    max_size: int | None = None,
    partition_bytes: int = 64 << 20,
) -> NGramCounts:
    """The counts of the file or directory ``spec``, counted on a Dask cluster.

    ``cluster``: ``local:N`` (N worker processes on this machine), a scheduler address
    (``tcp://host:8786``), or a ``distributed.Client`` already connected.
    """
    if order < 1:
        raise ConfigError(f"order={order} must be ≥ 1 (n of the n-gram model)")
    parts = partitions(spec, partition_bytes=partition_bytes)
    own = isinstance(cluster, str)
    client: Any = _client(cluster) if isinstance(cluster, str) else cluster
    try:
        typed = client.gather(client.map(_count_types, parts, pure=False))
        types: Counter[str] = Counter()
        for part_types, _ in typed:
            types.update(part_types)
        reserved = next((t for t in types if t in RESERVED), None)
        if reserved is not None:
            raise DataError(
                f"{spec}: token {reserved!r} is reserved ({', '.join(sorted(RESERVED))}); "
                "sentence boundaries are added by the model — remove it or rename it"
            )
        vocab = vocabulary_from_types(types, min_count=min_count, max_size=max_size)
        task = partial(_count_partition, words=tuple(vocab.itos), order=order)
        futures = client.map(task, parts, pure=False)
        tables: list[BlockTables] = client.gather(futures)
    finally:
        if own:
            local = getattr(client, "cluster", None)
            client.close()
            if local is not None:
                local.close()
    unigrams = np.sum([t.unigrams for t in tables], axis=0)
    runs = [
        [spill.MemoryRun(t.words[n - 2], t.counts[n - 2]) for t in tables]
        for n in range(2, order + 1)
    ]
    sentences = sum(t.sentences for t in tables)
    return merge_tables(vocab, unigrams, runs, sentences=sentences)
