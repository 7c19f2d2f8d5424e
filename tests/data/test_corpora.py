"""data.corpora: one registry of sentence streams, and one file-or-corpus spec.

The registered corpora are read from the data-set fixtures (tests/fixtures/sets), converted
into a temporary cache by each data set's own converter; ``bible-en`` has no fixture (its
source is compressed binary), so ``en-mix`` is checked through a :class:`Mix` of the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.cli import main
from dlclassics.data.cache import MANIFEST
from dlclassics.data.catalog import DATASETS
from dlclassics.data.corpora import (
    CORPORA,
    Mix,
    Text,
    TokenOptions,
    english_sentences,
    sentences,
)
from dlclassics.errors import ConfigError, DataError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sets"
CONVERTED = ("brown", "sotu", "moby-dick", "peoples-daily", "tang-poems")


@pytest.fixture(scope="module")
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("corpora-home")
    for name in CONVERTED:
        out = home / "data" / name
        out.mkdir(parents=True)
        DATASETS[name].convert(FIXTURES / name, out)
        (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return home


@pytest.fixture
def home(_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$DLCLASSICS_HOME`` holding the text fixtures, converted."""
    monkeypatch.setenv("DLCLASSICS_HOME", str(_cache))
    return _cache


def test_registry_names_every_corpus_once_in_the_guide_order() -> None:
    assert list(CORPORA) == [
        "sotu",
        "brown",
        "bible-en",
        "moby-dick",
        "en-mix",
        "peoples-daily",
        "tang-poems",
    ]
    assert CORPORA["en-mix"] == Mix(
        about=CORPORA["en-mix"].about, parts=("sotu", "brown", "bible-en", "moby-dick")
    )


def test_first_brown_sentence_in_each_view_level_and_case(home: Path) -> None:
    source = next(sentences("brown", "train"))
    assert source[:4] == ["The", "Fulton", "County", "Grand"]
    assert source[-1] == "."  # the source view keeps punctuation
    words = next(sentences("brown", "train", TokenOptions(view="words")))
    assert words == [t for t in source if any(c.isalnum() for c in t)]
    lower = next(sentences("brown", "train", TokenOptions(lowercase=True)))
    assert lower == [t.lower() for t in source]
    chars = next(sentences("brown", "train", TokenOptions(level="char")))
    assert "".join(chars) == " ".join(source) and chars[:4] == ["T", "h", "e", " "]


def test_all_reads_train_val_and_test_in_order(home: Path) -> None:
    parts = [list(sentences("peoples-daily", s)) for s in ("train", "val", "test")]
    assert [len(p) for p in parts] == [16, 2, 2]  # 20 fixture lines, 10 % val and test
    assert list(sentences("peoples-daily", "all")) == parts[0] + parts[1] + parts[2]


def test_chinese_characters_are_joined_without_a_space(home: Path) -> None:
    words = next(sentences("peoples-daily", "train"))
    assert words[:2] == ["新年", "第一"]
    assert next(sentences("peoples-daily", "train", TokenOptions(level="char"))) == list(
        "".join(words)
    )
    assert "，" not in next(sentences("peoples-daily", "train", TokenOptions(view="words")))


def test_tang_poems_are_characters_only(home: Path) -> None:
    poem = next(sentences("tang-poems", "train", TokenOptions(level="char")))
    assert "".join(poem).startswith("秦川雄帝宅，函谷壯皇居。")
    for options in (TokenOptions(), TokenOptions(level="char", view="words")):
        with pytest.raises(ConfigError, match="unsegmented classical Chinese"):
            sentences("tang-poems", "train", options)


def test_an_address_is_one_unit_of_whitespace_tokens_or_many_sentences_of_words(
    home: Path,
) -> None:
    from dlclassics.data.sets import sotu

    text = next(sotu.texts("train"))
    assert next(sentences("sotu", "train")) == text.split()
    assert next(sentences("sotu", "train"))[7] == "Representatives:"
    words = sentences("sotu", "train", TokenOptions(view="words", lowercase=True))
    assert next(words)[:6] == ["fellow", "citizens", "of", "the", "senate", "and"]
    first = list(english_sentences(text, lowercase=True))
    words = sentences("sotu", "train", TokenOptions(view="words", lowercase=True))
    assert [next(words) for _ in first] == first


def test_moby_dick_units_are_paragraphs(home: Path) -> None:
    assert next(sentences("moby-dick", "train")) == ["CHAPTER", "1.", "Loomings."]
    assert next(sentences("moby-dick", "train", TokenOptions(view="words"))) == ["CHAPTER", "1"]


def test_a_mix_reads_each_corpus_whole_before_the_next(home: Path) -> None:
    mix = Mix(about="test", parts=("sotu", "moby-dick"))
    expected = [*sentences("sotu", "all"), *sentences("moby-dick", "all")]
    assert list(mix.read("all", "source")) == expected


def test_unknown_names_and_splits_say_what_exists(home: Path) -> None:
    with pytest.raises(ConfigError, match="choose one of: sotu, brown"):
        sentences("no-such", "train")
    with pytest.raises(DataError, match="corpus 'brown' has no split 'dev'; choose train"):
        sentences("brown", "dev")
    with pytest.raises(DataError, match=r"--data 'nope' is neither a file nor a corpus.*en-mix"):
        Text("nope", flag="--data")
    with pytest.raises(DataError, match="has no split 'dev'"):
        Text("brown:dev")


def test_a_corpus_spec_names_its_split_and_its_siblings(home: Path) -> None:
    text = Text("peoples-daily")
    assert str(text) == "peoples-daily:train" and text.corpus == ("peoples-daily", "train")
    assert list(text) == list(sentences("peoples-daily", "train"))
    val = text.sibling("val")
    assert val is not None and str(val) == "peoples-daily:val"
    assert list(val) == list(sentences("peoples-daily", "val"))
    assert str(Text("en-mix", split="all")) == "en-mix"
    lower = Text("brown:train", options=TokenOptions(lowercase=True, level="char"))
    assert next(iter(lower)) == list(" ".join(next(sentences("brown", "train"))).lower())


def test_a_users_file_is_read_as_given_with_its_splits_by_position(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    lines = [f"Line {i} , of text" for i in range(1, 21)]
    body = "\ufeff" + "\r\n".join(lines[:5]) + "\r\n\r\n   \r\n" + "\n".join(lines[5:]) + "\n"
    path.write_bytes(body.encode("utf-8"))  # a BOM, CRLF endings, blank lines
    text = Text(str(path))
    assert text.corpus is None and str(text) == str(path)
    assert list(text) == [line.split() for line in lines]
    assert list(text) == list(text)  # re-iterable
    assert [len(list(text.read(s))) for s in ("train", "val", "test")] == [16, 2, 2]
    assert next(text.read("val")) == ["Line", "17", ",", "of", "text"]
    assert text.sibling("val") is None
    words = Text(str(path), options=TokenOptions(lowercase=True, level="char", view="words"))
    assert next(iter(words)) == list("line 1 , of text")  # a file's tokens are kept as given


def test_a_file_wins_over_a_corpus_of_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("brown").write_text("my own brown\n", encoding="utf-8")
    assert list(Text("brown")) == [["my", "own", "brown"]]


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (
            b"good line\nab \xff\xfe cd\n",
            None,
            "line 2: not valid utf-8 (invalid start byte) at byte offset 13 of the file; "
            "re-encode it as UTF-8",
        ),
        (b"good line\nab \xff\xfe cd\n", "utf-8", "pass the file's encoding with --encoding"),
        ("词 向量\n".encode("gbk"), None, "line 1: not valid utf-8"),
        (b"cut off \xe8\xaf", None, "(unexpected end of data) at byte offset 8 of"),
        (b"\n  \n", None, "is empty (no non-blank line)"),
    ],
)
def test_an_unreadable_file_is_one_error_line(
    tmp_path: Path, data: bytes, encoding: str | None, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(DataError) as err:
        list(Text(str(path), encoding=encoding))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_file_in_another_encoding_reads_when_named(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("词 向量 词\n".encode("gbk"))
    assert list(Text(str(path), encoding="gbk")) == [["词", "向量", "词"]]
    with pytest.raises(DataError, match="unknown --encoding 'klingon'"):
        list(Text(str(path), encoding="klingon"))


def test_reserved_tokens_are_an_error_unless_kept(tmp_path: Path) -> None:
    path = tmp_path / "marks.txt"
    path.write_text("a b\n\nc </s> d\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"marks\.txt, line 3: token '</s>' is reserved"):
        list(Text(str(path)))
    assert list(Text(str(path), keep_reserved=True)) == [["a", "b"], ["c", "</s>", "d"]]


def test_the_cli_turns_a_non_utf8_text_into_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café au lait\n".encode("latin-1"))
    assert main(["ngram", "build", "--text", str(path), "--arpa", str(tmp_path / "m.arpa")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert "latin1.txt, line 1: not valid utf-8" in err


def test_jieba_segments_a_raw_chinese_file_and_drops_punctuation(tmp_path: Path) -> None:
    pytest.importorskip("jieba")
    path = tmp_path / "zh.txt"
    path.write_text("我爱北京天安门。\n\n词向量很有用！\n", encoding="utf-8")
    got = list(Text(str(path), segment="jieba"))
    assert len(got) == 2 and "北京" in got[0] and "。" not in got[0]
    assert "".join(got[1]) == "词向量很有用"
