"""Atomic writes leave either the old file or the new one, never a partial file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dlclassics.io import atomic_write, write_json


def test_failed_atomic_write_keeps_old_content_and_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_json(target, {"step": 1})
    with pytest.raises(RuntimeError), atomic_write(target, "w") as f:
        f.write('{"step": 2, "half')
        raise RuntimeError("crash mid-write")
    assert target.read_text() == '{\n  "step": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_atomic_write_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.bin"
    with atomic_write(target) as f:
        f.write(b"xyz")
    assert target.read_bytes() == b"xyz"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_write_gives_the_mode_a_plain_open_would(
    tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        write_json(tmp_path / "config.json", {"a": 1})
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "config.json").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == mode
