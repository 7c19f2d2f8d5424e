"""fetch(): sources in order, checksums, resume, mirror, atomic cache — all offline.

A loopback HTTP server (http.server in a thread) serves the artifacts; it honours
``Range: bytes=N-`` and can fail or cut a response short on demand. A tiny fake data set
is registered per test, with ``DLCLASSICS_HOME`` pointing into ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import socket
import tarfile
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dlclassics.data import DATASETS, Dataset, Source, fetch, info, is_cached, list_datasets
from dlclassics.data.cache import MANIFEST, data_root, dataset_dir
from dlclassics.data.fetch import FetchConfig
from dlclassics.errors import DataError

FAST = FetchConfig(attempts=3, backoff_s=0.0, timeout_s=5.0, chunk_bytes=1024)
NAME = "tiny-test-set"
LINES = "".join(f"line {i}: the quick brown fox\n" for i in range(400))  # ~12 KB


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


ARTIFACT = make_tgz({"package/data/corpus.txt": LINES.encode()})
CONVERTED_SHA = sha256(LINES.encode())


# ------------------------------------------------------------------------------ server


class Server:
    """State shared with the handler: files, scripted failures and a request log."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fail: dict[str, int] = {}  # path -> how many more requests answer 503
        self.truncate: dict[str, int] = {}  # path -> how many more responses are cut short
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            rng = self.headers.get("Range")
            state.requests.append((self.path, rng))
            if state.fail.get(self.path, 0) > 0:
                state.fail[self.path] -= 1
                self.send_error(503, "scripted failure")
                return
            data = state.files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            start = 0
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[len("bytes=") : -1])
                if start >= len(data):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if state.truncate.get(self.path, 0) > 0:
                state.truncate[self.path] -= 1
                body = body[: len(body) // 3]  # then the connection closes (HTTP/1.0)
            self.wfile.write(body)

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -------------------------------------------------------------------------- data set


def convert_corpus(raw: Path, out: Path) -> None:
    text = (raw / "package" / "data" / "corpus.txt").read_bytes()
    (out / "corpus.txt").write_bytes(text)


def describe_corpus(path: Path) -> dict[str, Any]:
    lines = (path / "corpus.txt").read_text().splitlines()
    return {"unit": "lines", "splits": {"all": len(lines)}, "sample": lines[0]}


def url_source(url: str, data: bytes = ARTIFACT, **kw: Any) -> Source:
    fields: dict[str, Any] = {
        "kind": "url",
        "locator": url,
        "filename": "tiny-1.0.tgz",
        "sha256": sha256(data),
        "size": len(data),
        "members": ("package/data/*.txt",),
    }
    fields.update(kw)
    return Source(**fields)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DLCLASSICS_MIRROR", raising=False)
    return tmp_path / "home"


@pytest.fixture
def register(home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Dataset]:
    """Register the fake data set with the given sources (removed after the test)."""

    def _register(*sources: Source, **kw: Any) -> Dataset:
        fields: dict[str, Any] = {
            "name": NAME,
            "description": "a tiny corpus for fetch tests",
            "license": "CC0",
            "citation": "none",
            "sources": sources,
            "splits": {"all": "every line"},
            "convert": convert_corpus,
            "describe": describe_corpus,
            "files": {"corpus.txt": CONVERTED_SHA},
        }
        fields.update(kw)
        ds = Dataset(**fields)
        monkeypatch.setitem(DATASETS._items, NAME, ds)
        return ds

    return _register


def manifest() -> dict[str, Any]:
    return json.loads((dataset_dir(NAME) / MANIFEST).read_text())


def leftovers() -> list[str]:
    """Temporary directories left in the data root or downloads (there should be none)."""
    roots = [data_root(), data_root().parent / "downloads"]
    return [p.name for r in roots if r.exists() for p in r.iterdir() if p.name.startswith(".")]


# ----------------------------------------------------------------------------- tests


def test_fetch_downloads_verifies_converts_and_writes_manifest(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")))
    path = fetch(NAME, progress=False, config=FAST)
    assert path == dataset_dir(NAME)
    assert (path / "corpus.txt").read_text() == LINES
    m = manifest()
    assert m["name"] == NAME
    assert m["artifacts"] == [
        {"filename": "tiny-1.0.tgz", "sha256": sha256(ARTIFACT), "size": len(ARTIFACT)}
    ]
    assert m["files"]["corpus.txt"] == {"sha256": CONVERTED_SHA, "size": len(LINES)}
    assert m["source"] == [{"kind": "url", "locator": server.url("/tiny.tgz")}]
    assert "fetched_at" in m
    assert is_cached(NAME)
    assert leftovers() == []


def test_checksum_mismatch_deletes_the_download_and_uses_the_next_source(server, register, home):
    server.files["/bad.tgz"] = make_tgz({"package/data/corpus.txt": b"tampered\n"})
    server.files["/good.tgz"] = ARTIFACT
    register(url_source(server.url("/bad.tgz")), url_source(server.url("/good.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert manifest()["source"][0]["locator"] == server.url("/good.tgz")
    assert server.count("/bad.tgz") == 1  # a wrong checksum is not retried
    assert (home / "downloads" / "tiny-1.0.tgz").read_bytes() == ARTIFACT


def test_truncated_download_is_resumed_with_a_range_request(server, register, home):
    server.files["/tiny.tgz"] = ARTIFACT
    server.truncate["/tiny.tgz"] = 1
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert server.requests[0] == ("/tiny.tgz", None)
    assert server.requests[1] == ("/tiny.tgz", f"bytes={len(ARTIFACT) // 3}-")
    assert (home / "downloads" / "tiny-1.0.tgz").read_bytes() == ARTIFACT
    assert not (home / "downloads" / "tiny-1.0.tgz.part").exists()


def test_partial_file_from_an_interrupted_run_is_resumed(server, register, home):
    server.files["/tiny.tgz"] = ARTIFACT
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "tiny-1.0.tgz.part").write_bytes(ARTIFACT[:1000])
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert server.requests == [("/tiny.tgz", "bytes=1000-")]
    assert is_cached(NAME)


def test_corrupt_partial_file_is_discarded_and_downloaded_again(server, register, home):
    server.files["/tiny.tgz"] = ARTIFACT
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "tiny-1.0.tgz.part").write_bytes(b"\0" * 1000)  # not a prefix
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert server.requests == [("/tiny.tgz", "bytes=1000-"), ("/tiny.tgz", None)]
    assert (home / "downloads" / "tiny-1.0.tgz").read_bytes() == ARTIFACT


def test_progress_bar_on_does_not_change_the_result(server, register, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws the bar as on a terminal
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=True, config=FAST)
    assert (dataset_dir(NAME) / "corpus.txt").read_text() == LINES
    out, err = capsys.readouterr()
    assert out == "" and "tiny-1.0.tgz" in err  # the bar is drawn on stderr


def test_progress_bar_leaves_nothing_when_stderr_is_not_a_terminal(server, register, capfd):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=True, config=FAST)
    assert capfd.readouterr() == ("", "")  # not even the blank line rich would leave


def test_server_errors_are_retried(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    server.fail["/tiny.tgz"] = 2
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert server.count("/tiny.tgz") == 3


def test_not_found_is_not_retried_and_the_next_source_is_used(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/missing.tgz")), url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    assert server.count("/missing.tgz") == 1
    assert manifest()["source"][0]["locator"].endswith("/tiny.tgz")


def test_unreachable_first_source_falls_back_to_a_file_url(register, closed_port, tmp_path):
    local = tmp_path / "elsewhere" / "tiny.tgz"
    local.parent.mkdir()
    local.write_bytes(ARTIFACT)
    register(
        url_source(f"http://127.0.0.1:{closed_port}/tiny.tgz"),
        url_source(local.as_uri()),
    )
    fetch(NAME, progress=False, config=FAST)
    assert manifest()["source"][0]["locator"] == local.as_uri()


def test_every_source_failing_raises_one_error_naming_the_set_reasons_and_fix(
    server, register, closed_port
):
    server.files["/bad.tgz"] = b"not the artifact"
    register(
        url_source(f"http://127.0.0.1:{closed_port}/tiny.tgz"),
        url_source(server.url("/bad.tgz")),
        Source(kind="local", locator="/nonexistent/tiny.tgz", filename="tiny-1.0.tgz", sha256=None),
    )
    with pytest.raises(DataError) as err:
        fetch(NAME, progress=False, config=FAST)
    msg = str(err.value)
    assert "\n" not in msg
    assert repr(NAME) in msg
    assert "[1]" in msg and "[2]" in msg and "[3]" in msg
    assert "sha256" in msg  # reason of source 2
    assert "no such file" in msg  # reason of source 3
    assert f"dlc data fetch {NAME} --from DIR" in msg and "tiny-1.0.tgz" in msg
    assert not is_cached(NAME)
    assert leftovers() == []


def test_second_fetch_is_a_no_op_and_force_reuses_the_verified_download(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")))
    fetch(NAME, progress=False, config=FAST)
    first = manifest()["fetched_at"]
    stamp = (dataset_dir(NAME) / MANIFEST).stat().st_mtime_ns
    fetch(NAME, progress=False, config=FAST)
    assert server.count("/tiny.tgz") == 1
    assert (dataset_dir(NAME) / MANIFEST).stat().st_mtime_ns == stamp
    fetch(NAME, progress=False, config=FAST, force=True)  # re-converts, no new download
    assert server.count("/tiny.tgz") == 1
    assert manifest()["fetched_at"] >= first
    assert leftovers() == []


def test_crash_in_convert_leaves_no_manifest_and_no_cache_entry(server, register):
    server.files["/tiny.tgz"] = ARTIFACT

    def crashing_convert(raw: Path, out: Path) -> None:
        (out / "half-written.txt").write_text("partial")
        raise RuntimeError("converter bug")

    register(url_source(server.url("/tiny.tgz")), convert=crashing_convert)
    with pytest.raises(RuntimeError, match="converter bug"):
        fetch(NAME, progress=False, config=FAST)
    assert not is_cached(NAME)
    assert not dataset_dir(NAME).exists()
    assert leftovers() == []
    with pytest.raises(DataError, match="not in the cache"):
        info(NAME)


def test_converted_file_with_wrong_checksum_is_not_cached(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")), files={"corpus.txt": "0" * 64})
    with pytest.raises(DataError, match=r"converted 'corpus\.txt' has sha256"):
        fetch(NAME, progress=False, config=FAST)
    assert not is_cached(NAME)


def test_path_traversal_in_an_artifact_fails_that_source(server, register, tmp_path):
    evil = make_tgz({"package/data/../../../../escaped.txt": b"pwned"})
    server.files["/evil.tgz"] = evil
    register(url_source(server.url("/evil.tgz"), data=evil, members=("package/data/*",)))
    with pytest.raises(DataError, match=r"leaves the extraction directory"):
        fetch(NAME, progress=False, config=FAST)
    assert not list(tmp_path.rglob("escaped.txt"))


def test_mirror_directory_is_used_before_any_download(register, closed_port, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "tiny-1.0.tgz").write_bytes(ARTIFACT)
    register(url_source(f"http://127.0.0.1:{closed_port}/tiny.tgz"))
    fetch(NAME, mirror=mirror, progress=False, config=FAST)
    assert is_cached(NAME)
    assert manifest()["artifacts"][0]["sha256"] == sha256(ARTIFACT)


def test_mirror_from_the_environment_variable(register, closed_port, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "tiny-1.0.tgz").write_bytes(ARTIFACT)
    monkeypatch.setenv("DLCLASSICS_MIRROR", str(mirror))
    register(url_source(f"http://127.0.0.1:{closed_port}/tiny.tgz"))
    fetch(NAME, progress=False, config=FAST)
    assert is_cached(NAME)


def test_a_wrong_file_in_the_mirror_is_reported_not_used(register, closed_port, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "tiny-1.0.tgz").write_bytes(b"something else")
    register(url_source(f"http://127.0.0.1:{closed_port}/tiny.tgz"))
    with pytest.raises(DataError, match="does not match"):
        fetch(NAME, mirror=mirror, progress=False, config=FAST)
    assert (mirror / "tiny-1.0.tgz").read_bytes() == b"something else"  # never deleted


def test_missing_mirror_directory_is_a_user_error(register, tmp_path):
    register(url_source("http://127.0.0.1:9/tiny.tgz"))
    with pytest.raises(DataError, match="mirror directory"):
        fetch(NAME, mirror=tmp_path / "nope", progress=False, config=FAST)


def test_local_source_with_a_relative_path_is_found_in_the_mirror(register, tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    (mirror / "sub" / "tiny.tgz").write_bytes(ARTIFACT)
    src = Source(
        kind="local",
        locator="sub/tiny.tgz",
        filename="tiny-local.tgz",
        sha256=sha256(ARTIFACT),
        members=("package/data/*.txt",),
    )
    register(src)
    fetch(NAME, mirror=mirror, progress=False, config=FAST)
    assert manifest()["source"] == [{"kind": "local", "locator": "sub/tiny.tgz"}]


def test_a_group_of_sources_is_fetched_whole_or_not_at_all(server, register, closed_port):
    part_a, part_b = b"alpha\n" * 50, b"beta\n" * 50

    def convert_parts(raw: Path, out: Path) -> None:
        text = (raw / "a.txt").read_bytes() + (raw / "b.txt").read_bytes()
        (out / "corpus.txt").write_bytes(text)

    def part(url: str, filename: str, data: bytes) -> Source:
        return Source(
            kind="url", locator=url, filename=filename, sha256=sha256(data), group="upstream"
        )

    server.files.update({"/a.txt": part_a, "/b.txt": part_b})
    register(
        part(server.url("/a.txt"), "a.txt", part_a),
        part(f"http://127.0.0.1:{closed_port}/b.txt", "b.txt", part_b),  # this part fails
        dataclasses.replace(part(server.url("/a.txt"), "a.txt", part_a), group="mirror"),
        dataclasses.replace(part(server.url("/b.txt"), "b.txt", part_b), group="mirror"),
        convert=convert_parts,
        files={"corpus.txt": sha256(part_a + part_b)},
    )
    fetch(NAME, progress=False, config=FAST)
    m = manifest()
    assert [s["locator"] for s in m["source"]] == [server.url("/a.txt"), server.url("/b.txt")]
    assert server.count("/a.txt") == 1  # reused from downloads by the second group
    assert [a["filename"] for a in m["artifacts"]] == ["a.txt", "b.txt"]


def test_list_datasets_and_info_report_the_fake_set(server, register):
    server.files["/tiny.tgz"] = ARTIFACT
    register(url_source(server.url("/tiny.tgz")))
    row = next(r for r in list_datasets() if r["name"] == NAME)
    assert row == {
        "name": NAME,
        "description": "a tiny corpus for fetch tests",
        "size": len(ARTIFACT),
        "license": "CC0",
        "cached": False,
    }
    fetch(NAME, progress=False, config=FAST)
    assert next(r for r in list_datasets() if r["name"] == NAME)["cached"] is True
    got = info(NAME)
    assert got["splits"] == {"all": 400}
    assert got["sample"] == "line 0: the quick brown fox"
    assert got["split_definitions"] == {"all": "every line"}


def test_every_registered_data_set_is_well_formed():
    for name, ds in DATASETS.items():
        assert ds.name == name
        assert ds.sources and ds.splits, name
        for src in ds.sources:
            assert src.sha256 is None or len(src.sha256) == 64, (name, src.filename)
            assert "/" not in src.filename, (name, src.filename)
        for sha in ds.files.values():
            assert len(sha) == 64 and int(sha, 16) >= 0, name


@pytest.mark.parametrize(
    ("kind", "locator", "filename", "expected"),
    [
        (
            "npm",
            "tiny@1.0.0",
            "tiny-1.0.0.tgz",
            ["npm", "pack", "tiny@1.0.0", "--pack-destination"],
        ),
        ("deb", "tiny=1.0-1", "tiny_1.0-1_all.deb", ["apt-get", "download", "tiny=1.0-1"]),
        ("pypi", "tiny==1.0", "tiny-1.0.tar.gz", ["--no-binary", ":all:", "tiny==1.0"]),
        (
            "pypi",
            "tiny==1.0",
            "tiny-1.0-cp311-cp311-manylinux_2_28_x86_64.whl",
            ["--only-binary", ":all:", "--python-version", "3.11", "--abi", "cp311"],
        ),
    ],
)
def test_package_clients_are_called_with_the_pinned_spec(
    register, monkeypatch, home, kind, locator, filename, expected
):
    calls: list[list[str]] = []

    def fake_client(cmd: list[str], cwd: Path, cfg: FetchConfig) -> None:
        calls.append(cmd)
        (cwd / "whatever-the-client-names-it").write_bytes(ARTIFACT)

    # the module, not the function `dlclassics.data.fetch` that shadows its name
    monkeypatch.setattr(
        importlib.import_module("dlclassics.data.fetch"), "_run_client", fake_client
    )

    def keep_artifact(raw: Path, out: Path) -> None:
        (out / "artifact").write_bytes((raw / filename).read_bytes())

    register(
        Source(kind=kind, locator=locator, filename=filename, sha256=sha256(ARTIFACT)),
        convert=keep_artifact,
        files={"artifact": sha256(ARTIFACT)},
    )
    fetch(NAME, progress=False, config=FAST)
    (cmd,) = calls
    assert all(arg in cmd for arg in expected), cmd
    if kind == "pypi":
        assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd
    assert (home / "downloads" / filename).read_bytes() == ARTIFACT
    assert not [p for p in (home / "downloads").iterdir() if p.name.startswith(".")]


def test_a_failing_client_reports_its_last_error_line(register, monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "npm"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'npm error 404 Not Found - tiny@9.9.9' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    register(Source(kind="npm", locator="tiny@9.9.9", filename="tiny-9.9.9.tgz", sha256=None))
    with pytest.raises(DataError, match=r"`npm pack tiny@9\.9\.9 .*` failed: npm error 404"):
        fetch(NAME, progress=False, config=FAST)
