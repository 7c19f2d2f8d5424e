"""Tagging metrics against seqeval (entities) and hand-computed cases (SIGHAN word F1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from dlclassics.tag.metrics import accuracy, entities, score, span_f1, span_reader
from dlclassics.tag.tagsets import bmes, strip_brown, universal, word_spans, words_from_bmes

TAG = st.sampled_from(["O", "B-per", "I-per", "B-loc", "I-loc"])
SENTENCES = st.lists(st.lists(TAG, min_size=1, max_size=8), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), gold=SENTENCES)
def test_entity_precision_recall_f1_equal_seqeval_strict_iob2(
    data: st.DataObject, gold: list[list[str]]
) -> None:
    predicted = [data.draw(st.lists(TAG, min_size=len(g), max_size=len(g))) for g in gold]
    ours = score("bio", gold, predicted)
    kwargs = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    assert ours["precision"] == pytest.approx(precision_score(gold, predicted, **kwargs))
    assert ours["recall"] == pytest.approx(recall_score(gold, predicted, **kwargs))
    assert ours["f1"] == pytest.approx(f1_score(gold, predicted, **kwargs))


def test_a_stray_inside_tag_starts_no_entity_and_a_type_change_ends_one() -> None:
    assert entities(["I-per", "I-per", "O"]) == []
    assert entities(["B-per", "I-loc", "B-loc", "I-loc"]) == [("per", 0, 1), ("loc", 2, 4)]


def test_entity_f1_by_hand() -> None:
    gold = [["B-per", "I-per", "O", "B-loc"], ["B-loc", "O"]]
    predicted = [["B-per", "O", "O", "B-loc"], ["B-loc", "B-per"]]
    # gold: per(0,2) loc(3,4) | loc(0,1); predicted: per(0,1) loc(3,4) | loc(0,1) per(1,2)
    # tp = 2 (the two locs), P = 2/4, R = 2/3, F1 = 2·2 / (4 + 3)
    result = score("bio", gold, predicted)
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(4 / 7)


def test_sighan_word_precision_recall_f1_by_hand() -> None:
    # gold 迈向/充满/希望/的 ; predicted 迈向/充/满希望/的: 2 of 4 predicted words are right
    gold = bmes(["迈向", "充满", "希望", "的"])
    predicted = bmes(["迈向", "充", "满希望", "的"])
    result = score("bmes", [gold], [predicted])
    assert (result["precision"], result["recall"], result["f1"]) == (0.5, 0.5, 0.5)
    # one long wrong word for the whole sentence: P = 0/1, R = 0/4
    assert score("bmes", [gold], [bmes(["迈向充满希望的"])])["f1"] == 0.0
    # over-segmentation into characters: 1 right (的) of 7 predicted, of 4 gold
    chars = score("bmes", [gold], [["S"] * 7])
    assert chars["precision"] == pytest.approx(1 / 7)
    assert chars["recall"] == pytest.approx(1 / 4)
    assert chars["f1"] == pytest.approx(2 / 11)


def test_ill_formed_bmes_still_cuts_the_sentence_into_words() -> None:
    assert word_spans(["S", "M", "E", "B"]) == [(0, 1), (1, 3), (3, 4)]
    assert word_spans(["M", "M"]) == [(0, 2)]
    assert words_from_bmes(list("人民日报"), ["B", "E", "B", "E"]) == ["人民", "日报"]


@given(st.lists(st.text(alphabet="人民日报社论", min_size=1, max_size=4), min_size=1, max_size=6))
def test_bmes_round_trips_any_segmentation(words: list[str]) -> None:
    assert words_from_bmes(list("".join(words)), bmes(words)) == words
    assert span_f1([word_spans(bmes(words))], [word_spans(bmes(words))]).f1 == 1.0


def test_accuracy_counts_tokens_over_all_sentences() -> None:
    assert accuracy([["a", "b"], ["c"]], [["a", "x"], ["c"]]) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("tag", "stripped", "universal_tag"),
    [
        ("NN-TL", "NN", "NOUN"),
        ("NP$-HL", "NP$", "NOUN"),
        ("FW-NN-TL", "NN", "NOUN"),
        ("FW", "FW", "X"),
        ("PPS+BEZ", "PPS+BEZ", "PRON"),
        ("DOD*", "DOD*", "VERB"),
        ("*", "*", "PRT"),
        ("AT", "AT", "DET"),
        ("OD", "OD", "ADJ"),
        ("CD-NC", "CD", "NUM"),
        ("``", "``", "."),
        ("BEDZ*-HL", "BEDZ*", "VERB"),
    ],
)
def test_brown_markers_strip_and_map_to_universal_tags(
    tag: str, stripped: str, universal_tag: str
) -> None:
    assert strip_brown(tag) == stripped
    assert universal(tag) == universal_tag


def test_span_reader_reads_tag_ids_as_the_schemes_spans() -> None:
    tags = ["O", "B-person", "I-person", "B-geo-loc"]
    assert span_reader("pos", tags) is None
    assert span_reader("bio", tags)([1, 2, 0, 3]) == entities(
        ["B-person", "I-person", "O", "B-geo-loc"]
    )
    bmes_tags = ["B", "M", "E", "S"]
    assert (
        span_reader("bmes", bmes_tags)([0, 2, 3]) == word_spans(["B", "E", "S"]) == [(0, 2), (2, 3)]
    )
