"""spam: robust decoding, header/body split, subset-stratified split, upstream layout."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from dlclassics.data.sets import spam

Convert = Callable[..., Path]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sets" / "spam"
LATIN1_MAIL = "spam-2/01386.9398d616dfc3d67fb10e95d911768b39"  # not valid UTF-8


def test_bytes_decode_as_utf8_else_latin1_reversibly() -> None:
    assert spam.decode("café".encode()) == "café"
    assert spam.decode(b"caf\xe9") == "café"
    assert spam.decode(b"\x81\xff").encode("latin-1") == b"\x81\xff"


def test_headers_end_at_the_first_blank_line() -> None:
    assert spam.split_headers("From: a\nTo: b\n\nHello\n\nBye") == (
        "From: a\nTo: b",
        "Hello\n\nBye",
    )
    assert spam.split_headers("From: a\r\n\r\nHello") == ("From: a", "Hello")
    assert spam.split_headers("From: a") == ("From: a", "")


def test_split_is_stratified_by_subset_and_decoding_is_lossless(converted: Convert) -> None:
    converted("spam")  # fixture: 5 messages of each subset
    mails = {s: list(spam.emails(s)) for s in ("train", "val", "test")}
    ids = [m.id for s in mails.values() for m in s]
    assert len(ids) == len(set(ids)) == 25
    for split, n in (("train", 3), ("val", 1), ("test", 1)):
        assert Counter(m.subset for m in mails[split]) == {s: n for s in spam.SUBSETS}
    every = {m.id: m for s in mails.values() for m in s}
    assert all(m.label == spam.SUBSETS[m.subset][0] for m in every.values())
    raw = (FIXTURE / "package" / "data" / f"{LATIN1_MAIL}.txt").read_bytes()
    assert every[LATIN1_MAIL].text.encode("latin-1") == raw
    assert {label for _, label in spam.messages("train")} == set(spam.LABELS)


def test_upstream_tarball_layout_converts_to_the_same_files(tmp_path: Path) -> None:
    upstream = tmp_path / "raw"  # easy_ham/00001.<md5> … as in the SpamAssassin tarballs
    for subset, (_, directory) in spam.SUBSETS.items():
        (upstream / directory).mkdir(parents=True)
        (upstream / directory / "cmds").write_text("mv 00001 x\n")  # not a message
        for path in (FIXTURE / "package" / "data" / subset).iterdir():
            shutil.copy(path, upstream / directory / path.name.removesuffix(".txt"))
    outputs = []
    for raw in (FIXTURE, upstream):
        out = tmp_path / f"out-{len(outputs)}"
        out.mkdir()
        spam.convert(raw, out)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outputs[0] == outputs[1]
