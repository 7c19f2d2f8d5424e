"""Counting on a Dask cluster (partitions counted on workers, tables merged on the client)
gives the single-process counts exactly; byte-range partitions own each line once."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dlclassics.cli import main
from dlclassics.data.corpora import Text
from dlclassics.errors import DataError
from dlclassics.ngram import count_ngrams
from dlclassics.ngram.cluster import count_ngrams_dask, partitions, read_partition

distributed = pytest.importorskip("distributed")


def write_corpus(path: Path, sentences: int = 300, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)] + ["é", "深度"]
    lines = [" ".join(rng.choice(words, size=rng.integers(0, 12))) for _ in range(sentences)]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two single-threaded workers in this process (a process cluster: the slow CLI test)."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.parametrize("size", [1, 7, 100, 10_000])
def test_byte_range_partitions_own_every_line_once(tmp_path: Path, size: int) -> None:
    corpus = write_corpus(tmp_path / "c.txt")
    parts = partitions(str(corpus), partition_bytes=size)
    assert len(parts) == -(-corpus.stat().st_size // size)
    read = [s for part in parts for s in read_partition(part)]
    assert read == list(Text(str(corpus)))


def test_dask_counts_equal_the_single_process_counts(tmp_path: Path, client: object) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus / "a.txt", seed=1)
    write_corpus(corpus / "b.txt", seed=2)
    with gzip.open(corpus / "c.txt.gz", "wt", encoding="utf-8") as f:
        f.write("w1 w2 w3\nw3 w2\n")
    ours = count_ngrams(Text(str(corpus)), 4, min_count=2)
    dask = count_ngrams_dask(str(corpus), 4, cluster=client, min_count=2, partition_bytes=500)
    assert ours.vocab.itos == dask.vocab.itos
    assert (ours.sentences, ours.tokens) == (dask.sentences, dask.tokens)
    for n in range(1, 5):
        np.testing.assert_array_equal(ours.index.keys[n - 1], dask.index.keys[n - 1])
        np.testing.assert_array_equal(ours.counts[n - 1], dask.counts[n - 1])


def test_a_reserved_token_or_a_corpus_name_is_one_error(tmp_path: Path, client: object) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("a b\nc </s>\n", encoding="utf-8")
    with pytest.raises(DataError, match="'</s>' is reserved"):
        count_ngrams_dask(str(bad), 2, cluster=client)
    with pytest.raises(DataError, match="a file or a directory"):
        count_ngrams_dask("brown", 2, cluster=client)


@pytest.mark.slow
def test_dlc_ngram_build_on_a_local_two_process_cluster_writes_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c.txt", sentences=2000)
    a, b = tmp_path / "a.arpa", tmp_path / "b.arpa"
    argv = ["ngram", "build", "--order", "3", "--text", str(corpus)]
    assert main([*argv, "--arpa", str(a)]) == 0
    assert main([*argv, "--arpa", str(b), "--cluster", "local:2", "--partition-mb", "1"]) == 0
    assert a.read_bytes() == b.read_bytes()
