"""cilin: synonym groups with code and relation; the whole thesaurus is one `all` split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import cilin
from dlclassics.errors import ConfigError, DataError

Convert = Callable[..., Path]


def test_lines_parse_into_code_relation_and_words() -> None:
    assert cilin.parse_line("Aa01A05= 匹夫 个人\r") == ("Aa01A05", "=", ["匹夫", "个人"])
    assert cilin.parse_line("Aa01C05@ 众学生") == ("Aa01C05", "@", ["众学生"])
    with pytest.raises(DataError, match="CODE"):
        cilin.parse_line("Aa01A05 匹夫")


def test_groups_come_in_file_order_and_filter_by_relation(converted: Convert) -> None:
    converted("cilin")  # fixture: the first 30 lines and the two lines coded Ga05A01=
    groups = list(cilin.groups())
    assert len(groups) == 32
    assert groups[0] == ("Aa01A01", "=", ["人", "士", "人物", "人士", "人氏", "人选"])
    assert [g.code for g in groups[-2:]] == ["Ga05A01", "Ga05A01"]  # both groups kept
    alone = list(cilin.groups(relation="@"))
    assert alone and all(g.relation == "@" and len(g.words) == 1 for g in alone)
    with pytest.raises(ConfigError, match="relation"):
        next(cilin.groups(relation="~"))
