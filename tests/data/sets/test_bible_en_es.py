"""bible-en-es: OSIS cleaning, chapter-opening recasing and verse alignment on small strings;
the real Debian modules (slow, skipped when absent) for the counts the docstring states."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data.catalog import DATASETS, alternatives
from dlclassics.data.extract import extract
from dlclassics.data.sets import bible_en_es as bible

MIRROR = Path(os.environ.get("DLCLASSICS_MIRROR") or "/tmp/dl")


def test_footnotes_are_dropped_without_gluing_words() -> None:
    markup = (
        '<w lemma="strong:H0430">God</w><note placement="foot"><reference>1:1 </reference>'
        'The Hebrew word …</note><w lemma="strong:H1254">created</w> the heavens.'
    )
    assert bible.clean_osis(markup) == "God created the heavens."


def test_word_tags_vanish_and_structural_tags_become_spaces() -> None:
    assert bible.clean_osis('<w lemma="a">In</w> <w>the</w> <w>beginning</w>, God') == (
        "In the beginning, God"
    )
    assert bible.clean_osis('de <transChange type="added">raza</transChange> <w>de</w>') == (
        "de raza de"
    )
    assert bible.clean_osis("line one<l/>line two<lb/>") == "line one line two"
    assert bible.clean_osis('<title type="psalm">A Psalm.</title>Yahweh') == "A Psalm. Yahweh"


def test_text_after_the_end_of_a_book_is_dropped() -> None:
    markup = (
        'saints. Amen. <chapter eID="Rev.22"/> <div canonical="true" eID="g1" osisID="Rev" '
        'type="book"/> <div sID="g2" type="glossary"/> World English Bible Glossary Abaddon …'
    )
    assert bible.clean_osis(markup) == "saints. Amen."


@given(
    st.lists(st.text("abcdefghijklmnopqrstuvwxyzÁé,.;", min_size=1, max_size=8), min_size=1),
    st.data(),
)
def test_cleaning_keeps_exactly_the_words_whatever_the_markup(
    words: list[str], data: st.DataObject
) -> None:
    pieces: list[str] = []
    for i, word in enumerate(words):
        if data.draw(st.booleans()):
            word = f'<w lemma="strong:H{i:04d}">{word}</w>'
        if i and data.draw(st.booleans()):  # a footnote glued to the previous word
            pieces[-1] += '<note type="x">see <reference>1:1</reference> note</note>'
        pieces.append(word)
    assert bible.clean_osis(" ".join(pieces)) == " ".join(words)


@pytest.mark.parametrize(
    ("verse", "expected"),
    [
        ("EN el principio crió Dios", "En el principio crió Dios"),
        ("Y DESCENDIENDO Samsón á Timnah", "Y descendiendo Samsón á Timnah"),
        ("Y JEHOVÁ habló á Moisés", "Y Jehová habló á Moisés"),  # "Jehová" is the usual form
        ("LA SEGUNDA suerte salió", "La segunda suerte salió"),
        ("ALEPH. BIENAVENTURADOS los perfectos", "Aleph. Bienaventurados los perfectos"),
        ("¡OH Jehová, cuánto", "¡Oh Jehová, cuánto"),
        ("Salmo de David. JEHOVÁ es mi pastor", "Salmo de David. Jehová es mi pastor"),
        ("ALABAD á JAH, porque", "Alabad á JAH, porque"),  # only the first run is recased
        ("Y el ángel de Jehová", "Y el ángel de Jehová"),
    ],
)
def test_capitalised_chapter_openings_are_recased(verse: str, expected: str) -> None:
    assert bible.recase_opening(verse, {"Jehová": 9, "jehová": 0, "los": 5}) == expected


def test_recasing_applies_to_verse_one_only() -> None:
    es = {("Gen", 1, 1): "EN el principio", ("Gen", 1, 2): "Y la tierra, REY DE REYES"}
    assert bible.recase_spanish(es) == {
        ("Gen", 1, 1): "En el principio",
        ("Gen", 1, 2): "Y la tierra, REY DE REYES",
    }


def _chapter(book: str, chapter: int, texts: list[str]) -> dict[bible.VerseKey, str]:
    return {(book, chapter, v): t for v, t in enumerate(texts, 1)}


def test_alignment_drops_empty_merged_shifted_and_unbalanced_verses() -> None:
    verse = "word " * 10  # 50 characters
    en = {
        **_chapter("Gen", 1, [verse] * 12 + ["tiny"]),
        **_chapter("Num", 12, [verse, verse, verse]),  # the RV puts 12:3 into 13:1
        **_chapter("Num", 13, ["a" * 10, "b" * 120, "c" * 15, "d" * 140]),
        **_chapter("Acts", 8, [verse, "", verse]),  # the WEB omits 8:2
    }
    es = {
        **_chapter("Gen", 1, [verse] * 13),  # 1:13 is 50 vs 4 characters: over 3 times
        **_chapter("Num", 12, [verse, verse, ""]),
        **_chapter("Num", 13, ["x" * 120, "y" * 10, "z" * 140, "w" * 15]),  # shifted by one
        **_chapter("Acts", 8, [verse, "Y dijo Felipe", verse]),
    }
    pairs, report = bible.align(en, es)
    ids = [f"Gen.1.{v}" for v in range(1, 13)] + ["Num.12.1", "Acts.8.1", "Acts.8.3"]
    assert [p.id for p in pairs] == ids
    assert (report.slots, report.both_text, report.merged) == (23, 21, 1)
    assert report.shifted_chapters == ("Num.13",) and report.shifted_pairs == 4
    assert (report.ratio, report.kept) == (1, 15)


@pytest.mark.slow
def test_real_modules_align_to_the_documented_counts(tmp_path: Path) -> None:
    package = alternatives(DATASETS["bible-en-es"].sources)[-1]
    if not all((MIRROR / s.filename).is_file() for s in package):
        pytest.skip(f"the sword-text-* .deb files are not in {MIRROR}")
    for src in package:
        extract(MIRROR / src.filename, src.members, tmp_path)
    roots = [tmp_path / "usr" / "share" / "sword"]
    en = bible.read_module(roots, bible.MODULES["en"])
    es = bible.recase_spanish(bible.read_module(roots, bible.MODULES["es"]))
    pairs, report = bible.align(en, es)
    assert (report.slots, report.both_text, report.merged) == (31_102, 31_077, 12)
    assert len(report.shifted_chapters) == 9 and report.shifted_pairs == 196
    assert (report.ratio, report.kept, len(pairs)) == (8, 30_861, 30_861)
    assert pairs[0] == (
        "Gen.1.1",
        "In the beginning, God created the heavens and the earth.",
        "En el principio crió Dios los cielos y la tierra.",
    )
