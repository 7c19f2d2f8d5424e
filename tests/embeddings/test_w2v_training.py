"""word2vec training end to end: determinism, streaming, quality on a planted corpus, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dlclassics.cli import main
from dlclassics.embeddings.corpus import word_sentences
from dlclassics.embeddings.formats import load_word2vec_format
from dlclassics.embeddings.word2vec import EpochReport, Word2Vec, Word2VecConfig, train_word2vec

GROUPS, PER_GROUP = 8, 6  # planted structure: 8 topics of 6 words


def planted_corpus(seed: int, sentences: int = 1500) -> list[list[str]]:
    """Each sentence draws 8 words from one topic (g0w0 … g7w5) plus 2 shared words."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(sentences):
        g = rng.integers(GROUPS)
        words = [f"g{g}w{w}" for w in rng.integers(PER_GROUP, size=8)]
        words += [f"the{i}" for i in rng.integers(2, size=2)]
        rng.shuffle(words)
        out.append(words)
    return out


def same_group_top1(kv) -> float:  # type: ignore[no-untyped-def]
    """Share of topic words whose nearest neighbour is in the same topic."""
    hits, n = 0, 0
    for g in range(GROUPS):
        for w in range(PER_GROUP):
            word = f"g{g}w{w}"
            best = kv.most_similar(word, topn=1)[0][0]
            hits += best.startswith(f"g{g}w")
            n += 1
    return hits / n


def small_config(**kw: object) -> Word2VecConfig:
    base = {"dim": 16, "window": 3, "negative": 5, "sample": 0.0, "min_count": 1,
            "epochs": 3, "workers": 1, "seed": 3}  # fmt: skip
    return Word2VecConfig(**{**base, **kw})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    return planted_corpus(0)


@pytest.fixture(scope="module", autouse=True)
def _compiled(corpus: list[list[str]]) -> None:
    """Compile (or load from numba's cache) the float32 kernels once for the module."""
    for model in ("sg", "cbow"):
        for loss in ("ns", "hs"):
            train_word2vec(corpus[:20], small_config(model=model, loss=loss, epochs=1))


@pytest.mark.parametrize("model", ["sg", "cbow"])
@pytest.mark.parametrize("loss", ["ns", "hs"])
def test_single_thread_training_with_a_seed_is_bitwise_deterministic(
    corpus: list[list[str]], model: str, loss: str
) -> None:
    cfg = small_config(model=model, loss=loss, epochs=2, sample=1e-2)
    a, stats_a, _ = train_word2vec(corpus[:300], cfg)
    b, stats_b, _ = train_word2vec(corpus[:300], cfg)
    assert np.array_equal(a.vectors, b.vectors)
    assert [e.loss for e in stats_a.epochs] == [e.loss for e in stats_b.epochs]
    c, _, _ = train_word2vec(corpus[:300], small_config(model=model, loss=loss, epochs=2, seed=4))
    assert not np.array_equal(a.vectors, c.vectors)


@pytest.mark.parametrize(("model", "loss", "bound"), [
    ("sg", "ns", 0.95), ("cbow", "ns", 0.95), ("sg", "hs", 0.95), ("cbow", "hs", 0.9),
])  # fmt: skip
def test_planted_topics_are_nearest_neighbours_after_training(
    corpus: list[list[str]], model: str, loss: str, bound: float
) -> None:
    """Calibration: over seeds 0–19 (corpus and training), the same-topic top-1 share was
    1.0 in every run for all four configurations; bounds leave room for platform rounding.
    Random vectors give about 5/47 ≈ 0.11."""
    reports: list[EpochReport] = []
    kv, stats, _ = train_word2vec(
        corpus, small_config(model=model, loss=loss), callbacks=[reports.append]
    )
    assert same_group_top1(kv) >= bound
    assert reports == stats.epochs and len(reports) == 3
    assert reports[-1].loss < reports[0].loss  # the loss callbacks see goes down


def test_input_vectors_start_as_gensims_uniform_in_plus_minus_one_over_dim(
    corpus: list[list[str]],
) -> None:
    """gensim 4's range, twice word2vec.c's [-0.5/D, 0.5/D); the output vectors are zero."""
    model = Word2Vec.build(corpus, small_config(seed=5))
    V, D = model.syn0.shape
    assert model.syn0.dtype == np.float32 and not model.syn1.any()
    assert -1 / D <= model.syn0.min() < -0.9 / D and 0.9 / D < model.syn0.max() < 1 / D
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    np.testing.assert_array_equal(model.syn0, keyedvectors.prep_vectors((V, D), seed=5))


def test_multithreaded_training_learns_the_same_structure(corpus: list[list[str]]) -> None:
    kv, stats, _ = train_word2vec(corpus, small_config(workers=2, chunk_words=500))
    assert same_group_top1(kv) >= 0.95  # Hogwild: not bitwise, same quality (calibrated as above)
    assert stats.raw_words == 3 * sum(map(len, corpus))


class CountingCorpus:
    """A re-iterable corpus that counts how often it is read from the start."""

    def __init__(self, sentences: list[list[str]]) -> None:
        self.sentences, self.passes = sentences, 0

    def __iter__(self) -> Iterator[list[str]]:
        self.passes += 1
        yield from self.sentences


def test_training_reads_the_corpus_once_then_replays_ids_from_disk(
    corpus: list[list[str]],
) -> None:
    stream = CountingCorpus(corpus[:200])
    model = Word2Vec.build(stream, small_config(epochs=4))
    stats = model.train(stream)
    assert stream.passes == 2  # one for the vocabulary, one for the first epoch
    assert [e.epoch for e in stats.epochs] == [1, 2, 3, 4]
    assert stats.raw_words == 4 * sum(map(len, corpus[:200]))
    # the learning rate fell linearly over all words of all epochs, to min_lr
    alphas = [e.lr for e in stats.epochs]
    np.testing.assert_allclose(alphas, [0.025 - (0.025 - 1e-4) * k / 4 for k in (1, 2, 3, 4)])


def test_continued_training_adds_new_words_and_keeps_the_old_vectors(
    corpus: list[list[str]], tmp_path: Path
) -> None:
    model = Word2Vec.build(corpus[:300], small_config())
    model.train(corpus[:300])
    model.save(tmp_path)
    model = Word2Vec.load(tmp_path)
    before = model.wv
    new_text = [["g0w0", "novel", "words", "novel"]] * 5
    assert model.update_vocab(new_text) == 2
    after = model.wv
    assert {"novel", "words"} <= set(after.words)
    assert np.all(np.diff(after.counts) <= 0)  # still most frequent first
    for word in before.words:
        np.testing.assert_array_equal(after[word], before[word])
    stats = model.train(new_text, epochs=2)  # a fresh schedule over the new text's words
    assert stats.raw_words == 2 * 20 and stats.epochs[-1].lr == pytest.approx(1e-4)


def test_word2vec_train_command_writes_vectors_bin_and_config_json(
    tmp_path: Path, corpus: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "corpus.txt"
    text.write_text("\n".join(" ".join(s) for s in corpus[:200]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    args = ["word2vec", "train", "--corpus", str(text), "--out", str(out), "--dim", "8",
            "--epochs", "2", "--min-count", "1", "--loss", "hs", "--model", "cbow"]  # fmt: skip
    assert main(args) == 0
    kv = load_word2vec_format(out / "vectors.bin")
    assert kv.vectors.shape == (len(set(w for s in corpus[:200] for w in s)), 8)
    from gensim.models import KeyedVectors as GensimKeyedVectors

    theirs = GensimKeyedVectors.load_word2vec_format(str(out / "vectors.bin"), binary=True)
    np.testing.assert_array_equal(theirs.vectors, kv.vectors)
    config = json.loads((out / "config.json").read_text())
    assert config["config"]["loss"] == "hs" and len(config["training"]["epochs"]) == 2
    assert config["corpus"]["corpus_words"] == sum(map(len, corpus[:200]))
    assert "words/s" in capsys.readouterr().out
    # continue on new text: the new words join
    more = tmp_path / "more.txt"
    more.write_text("zebra zebra g0w1\n" * 3, encoding="utf-8")
    args2 = ["word2vec", "train", "--corpus", str(more), "--out", str(tmp_path / "run2"),
             "--continue-from", str(out), "--epochs", "1"]  # fmt: skip
    assert main(args2) == 0
    assert "zebra" in load_word2vec_format(tmp_path / "run2" / "vectors.bin")


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"", [], "is empty"),
        (b"a b c\n", ["--min-count", "2"], "fewer than min_count=2"),
        (b"good line\nab \xff\xfe cd\n", [], "at byte offset 13 of the file"),
        (b"good line\nab \xff\xfe cd\n", [], "--encoding"),
    ],
)
def test_bad_corpus_gives_one_clear_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, extra: list[str],
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    for group in ("word2vec", "glove"):
        code = main([group, "train", "--corpus", str(path), "--out", str(tmp_path / "o"), *extra])
        err = capsys.readouterr().err.strip()
        assert code == 2 and err.startswith("error: ") and "\n" not in err
        assert message in err


def test_non_utf8_corpus_reads_with_the_encoding_it_names(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("词 向量 词\n".encode("gbk"))
    assert list(word_sentences(str(path), encoding="gbk")) == [["词", "向量", "词"]]


def test_unknown_corpus_name_lists_the_registered_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["word2vec", "train", "--corpus", "no-such-corpus", "--out", "x"]) == 2
    assert "en-mix" in capsys.readouterr().err


def test_raw_chinese_file_is_segmented_by_jieba(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_text("我爱北京天安门\n\n词向量很有用\n", encoding="utf-8")
    sentences = list(word_sentences(str(path), segment="jieba"))
    assert len(sentences) == 2 and "北京" in sentences[0]
    assert "".join(sentences[1]) == "词向量很有用"
