"""iter_lines / read_text_file: lazy UTF-8 reading with one-line errors naming file and line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data.stream import iter_lines, read_text_file
from dlclassics.errors import DataError


def test_lines_come_without_endings_and_bom(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("\ufeffone\r\ntwo\n\nthree".encode())
    assert list(iter_lines(path)) == ["one", "two", "", "three"]
    assert list(iter_lines(path, skip_blank=True)) == ["one", "two", "three"]
    assert read_text_file(path) == "one\r\ntwo\n\nthree"


def test_non_utf8_byte_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(b"fine\nalso fine\n" + "深度".encode("gbk") + b"\n")
    lines = iter_lines(path)
    assert next(lines) == "fine"  # lazy: the bad line is only reached later
    with pytest.raises(DataError, match=r"gbk\.txt, line 3: not valid UTF-8") as err:
        list(lines)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("content", [b"", b"\n  \n\t\n"])
def test_empty_corpus_is_an_error_unless_allowed(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"empty\.txt is empty"):
        list(iter_lines(path))
    assert read_text_file(path, allow_empty=True) == content.decode()


def test_missing_file_names_it(tmp_path):
    with pytest.raises(DataError, match=r"nope\.txt does not exist"):
        list(iter_lines(tmp_path / "nope.txt"))


@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1)))
def test_iter_lines_round_trips_written_lines(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("s") / "c.txt"
    text = "".join(line + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    if not text.strip():
        with pytest.raises(DataError):
            list(iter_lines(path))
    else:
        got = list(iter_lines(path))
        assert got == [ln.removeprefix("\ufeff") if i == 0 else ln for i, ln in enumerate(lines)]
