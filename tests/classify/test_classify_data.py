"""The labelled sets: Brown passages split by file, e-mail bodies decoded, a user's file."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dlclassics.classify.text import Encoder, collate, tokenizer
from dlclassics.data.labelled import (
    LABELLED,
    PASSAGE_SENTENCES,
    Example,
    email_text,
    file_splits,
    genre_passages,
)
from dlclassics.data.sets import brown
from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError


def test_no_brown_file_gives_passages_to_two_splits_and_every_genre_is_in_each_split() -> None:
    splits = genre_passages()
    files = {split: {e.group for e in examples} for split, examples in splits.items()}
    assert not files["train"] & files["val"]
    assert not files["train"] & files["test"]
    assert not files["val"] & files["test"]
    assert len(files["train"] | files["val"] | files["test"]) == 500  # every sample file
    for split, examples in splits.items():
        assert {e.label for e in examples} == set(brown.GENRES), split
    # a file's genre is its passages' label: the letter of the file name names the genre
    by_file = {e.group: e.label for examples in splits.values() for e in examples}
    assert by_file["ca01"] == "news" and by_file["cr09"] == "humor"
    # 10 sentences of about 20 words each
    n_words = sorted(len(e.text.split()) for e in splits["train"])
    assert 10 * PASSAGE_SENTENCES < n_words[len(n_words) // 2] < 40 * PASSAGE_SENTENCES
    assert LABELLED["genre-brown"].labels == brown.GENRES


MULTIPART = (
    "Received: from mail.example.com by spamhost.net\n"
    "From: Sender <a@example.com>\n"
    "Subject: =?utf-8?b?" + base64.b64encode("Grüße aus Köln".encode()).decode() + "?=\n"
    'Content-Type: multipart/alternative; boundary="XX"\n'
    "MIME-Version: 1.0\n\n"
    "--XX\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: base64\n\n"
    + base64.b64encode("Schöne Grüße,\n  viel   Glück!\n".encode()).decode()
    + "\n--XX\n"
    "Content-Type: text/html\n\n"
    "<p>HTML twin</p>\n"
    "--XX--\n"
)
HTML_ONLY = (
    "Subject: Buy now\n"
    "Content-Type: text/html; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "<html><b>Cheap</b> caf=E9 &amp; more=\n tea</html>\n"
)


def test_an_email_becomes_its_subject_and_decoded_text_body_without_other_headers() -> None:
    text = email_text(MULTIPART)
    assert text.splitlines() == ["Grüße aus Köln", "Schöne Grüße,", "viel Glück!"]
    assert "spamhost" not in text and "HTML twin" not in text  # headers and the twin dropped
    html = email_text(HTML_ONLY)
    assert html.splitlines()[0] == "Buy now"
    assert "Cheap café & more tea" in " ".join(html.split())  # QP, Latin-1, tags, entities


def test_a_users_file_is_split_by_label_in_fixed_proportions(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    lines = [f"{'a' if i % 4 else 'b'}\ttext {i}\twith a tab" for i in range(80)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    splits = file_splits(path)
    assert [len(splits[s]) for s in ("train", "val", "test")] == [64, 8, 8]
    for examples in splits.values():
        assert {e.label for e in examples} == {"a", "b"}
    assert splits["train"][0] == Example("text 1\twith a tab", "a", "")  # text keeps its tab
    assert file_splits(path) == splits  # fixed: the same every time


def test_encoding_truncates_and_an_unknown_label_is_one_error_naming_the_example() -> None:
    tokenize = tokenizer("auto", "zh", lowercase=True)
    vocab = Vocab.build([list("好很差")])
    encoder = Encoder(tokenize, vocab, ("neg", "pos"), max_len=2)
    data = encoder.encode([Example("很好很好", "pos", ""), Example("！", "neg", "")], "x")
    assert data[0][0].tolist() == [vocab["很"], vocab["好"]] and data[0][1] == 1
    assert data[1][0].tolist() == [vocab.unk_id]  # an unknown character is <unk>, never empty
    batch = collate([data[0], data[1]])
    assert batch.ids.tolist()[1] == [vocab.unk_id, vocab.pad_id] and batch.lengths.tolist() == [
        2,
        1,
    ]
    with pytest.raises(DataError, match="x, example 2: unknown label 'meh'"):
        encoder.encode([Example("好", "pos", ""), Example("差", "meh", "")], "x")


def test_ngrams_follow_the_first_max_len_tokens_as_tokens_of_their_own() -> None:
    encoder = Encoder(tokenizer("whitespace", "en", lowercase=True), Vocab([]), ("a",), 3, 2)
    assert encoder.tokens("Not good at all") == ["not", "good", "at", "not good", "good at"]
