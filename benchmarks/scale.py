"""Corpora bigger than memory: peak memory and time on 1×, 8×, 32× the same text.

Targets: word2vec training and GloVe's co-occurrence counting stream the corpus, so their
peak RSS on 8× and 32× stays within 10 % of 1×; ``dlc ngram build --order 5 --memory 500M``
(blocks spilled to disk and merged, kenlm's ``lmplz -S`` approach) stays under 500 MB plus
the interpreter's own memory (measured here: ``impl`` ``interpreter``), writes the same ARPA
file, byte for byte, as the in-memory build wherever that fits, in at most 2× its time;
counting on a 2-worker local Dask cluster gives the same file.

    python benchmarks/scale.py                      # 1×, 8×, 32× (about an hour, shared CPU)
    python benchmarks/scale.py --multiples 1 8      # shorter

The text is Brown's train split (800,001 words, one sentence per line: ``dlc``'s own
``brown`` reader), written k times one after another into a file. The repeated text has
the same distinct n-grams and co-occurrences, so memory that grows with k grows with the
corpus length. Each run is a separate ``dlc`` process (``/usr/bin/time``: peak RSS in MB,
wall seconds; user+system CPU seconds too), run with ``nice`` and one thread
(``OMP_NUM_THREADS=1``, ``--workers 1``): on the shared 2-core development machine wall
times are inflated by other jobs, CPU seconds less so.

kenlm's ``lmplz`` is not compared: the PyPI ``kenlm`` package ships only the query module,
and building lmplz from source (Boost, cmake) was not done here.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import RESULTS, write_results

PYTHON = sys.executable
DLC = str(Path(PYTHON).with_name("dlc"))
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

GLOVE_COUNT = """
import sys
from dlclassics.embeddings.cooccurrence import count_cooccurrences
from dlclassics.embeddings.corpus import word_sentences
from dlclassics.embeddings.glove import GloveConfig
from dlclassics.embeddings.vocab import WordCounts
cfg = GloveConfig()
text = word_sentences(sys.argv[1])
vocab = WordCounts.build(text, min_count=cfg.min_count)
X = count_cooccurrences(map(vocab.encode, text), len(vocab), window=cfg.window,
                        memory_mb=cfg.memory_mb)
print(len(vocab), len(X), X.spills)
"""
INTERPRETER = "import numpy, numba, dlclassics.ngram, dlclassics.lm.ngram_commands"


def measured(argv: list[str], log: Path) -> dict[str, float]:
    """Run ``argv`` under ``nice`` and ``/usr/bin/time``: peak RSS (MB), wall and CPU s."""
    stats = log.with_suffix(".time")
    command = ["nice", "-n", "10", "/usr/bin/time", "-f", "%M %e %U %S", "-o", str(stats), *argv]
    with log.open("w") as out:
        done = subprocess.run(command, env=ENV, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed; see {log}")
    kb, wall, user, system = stats.read_text().split()[-4:]
    return {
        "peak_rss_mb": round(int(kb) / 1024, 1),
        "seconds": round(float(wall), 1),
        "cpu_seconds": round(float(user) + float(system), 1),
    }


def corpus(directory: Path, k: int) -> Path:
    """Brown's train split, k times, one sentence per line."""
    path = directory / f"brown{k}x.txt"
    if not path.exists():
        one = directory / "brown1x.txt"
        if not one.exists():
            from dlclassics.data.corpora import Text

            with one.open("w", encoding="utf-8") as f:
                f.writelines(" ".join(s) + "\n" for s in Text("brown:train"))
        text = one.read_bytes()
        with path.open("wb") as f:
            for _ in range(k):
                f.write(text)
    return path


def save(rows: list[dict[str, Any]], base: dict[str, float]) -> Path:
    """Ratios to 1× per task and implementation; written after every multiple."""
    for task in {r["task"] for r in rows} - {"interpreter"}:
        for impl in {r["impl"] for r in rows if r["task"] == task}:
            same = sorted(
                (r for r in rows if r["task"] == task and r["impl"] == impl),
                key=lambda r: r["multiple"],
            )
            for r in same[1:]:
                r["peak_rss_over_1x"] = round(r["peak_rss_mb"] / same[0]["peak_rss_mb"], 3)
    return write_results(
        "scale",
        "corpora bigger than memory: peak RSS and time on 1x, 8x, 32x Brown",
        rows,
        machine_note="shared 2-core machine, about 9 jobs: wall seconds inflated; nice, 1 thread",
        interpreter_mb=base["peak_rss_mb"],
        lmplz="not compared: kenlm's PyPI package has no lmplz; not built from source here",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--multiples", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--in-memory-up-to", type=int, default=8, help="largest k built in RAM")
    parser.add_argument("--tasks", nargs="+", default=["ngram", "dask", "word2vec", "glove"])
    parser.add_argument("--dir", type=Path, default=None, help="corpora and logs (default: tmp)")
    parser.add_argument("--append", action="store_true", help="keep the rows of results/scale.json")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="dlc-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    if args.append and (RESULTS / "scale.json").exists():
        rows = json.loads((RESULTS / "scale.json").read_text(encoding="utf-8"))["rows"]
    base = measured([PYTHON, "-c", INTERPRETER], work / "interpreter.log")

    def row(task: str, k: int, impl: str, result: dict[str, float], **extra: Any) -> None:
        """Record one measurement (replacing an older one of the same kind) and save."""
        size = corpus(work, k).stat().st_size / 2**20
        rows[:] = [r for r in rows if (r["task"], r["multiple"], r["impl"]) != (task, k, impl)]
        new = {"task": task, "multiple": k, "corpus_mb": round(size, 1), "impl": impl}
        rows.append({**new, **result, **extra, "command": " ".join(sys.argv)})
        print(rows[-1], flush=True)
        save(rows, base)

    what = "python importing numpy, numba, dlclassics.ngram"
    row("interpreter", 1, "interpreter", base, what=what)
    for task in args.tasks:  # one task over every multiple, then the next
        for k in args.multiples:
            text = corpus(work, k)
            if task == "ngram":
                ngram(work, text, k, k <= args.in_memory_up_to, row)
            if task == "dask" and k == args.multiples[0]:
                dask(work, text, k, row)
            if task == "word2vec":
                argv = [DLC, "word2vec", "train", "--corpus", str(text), "--out", str(work / "w2v")]
                argv += ["--dim", "20", "--epochs", "2", "--workers", "1", "--no-progress"]
                result = measured(argv, work / f"w2v{k}x.log")
                row("word2vec train", k, "dlclassics", result, settings="sg-ns, dim 20, 2 epochs")
            if task == "glove":
                result = measured([PYTHON, "-c", GLOVE_COUNT, str(text)], work / f"glove{k}x.log")
                settings = "vocabulary pass + counting, window 10, min_count 5, memory_mb 1024"
                row("glove co-occurrence counting", k, "dlclassics", result, settings=settings)
    print(save(rows, base))


Row = Callable[..., None]


def ngram(work: Path, text: Path, k: int, in_memory: bool, row: Row) -> None:
    """``dlc ngram build --order 5`` with ``--memory 500M``, and in memory when asked."""
    build = [DLC, "ngram", "build", "--order", "5", "--text", str(text)]
    spilled = work / f"ngram{k}x.spilled.arpa"
    result = measured(
        [*build, "--arpa", str(spilled), "--memory", "500M", "--tmp-dir", str(work)],
        work / f"ngram{k}x.spilled.log",
    )
    extra: dict[str, Any] = {"memory": "500M"}
    if in_memory:
        memory = work / f"ngram{k}x.memory.arpa"
        ram = measured([*build, "--arpa", str(memory)], work / f"ngram{k}x.memory.log")
        row("ngram build --order 5", k, "dlclassics in memory", ram)
        extra["arpa_identical_to_in_memory"] = filecmp.cmp(spilled, memory, shallow=False)
        extra["seconds_over_in_memory"] = round(result["seconds"] / ram["seconds"], 2)
        extra["cpu_seconds_over_in_memory"] = round(result["cpu_seconds"] / ram["cpu_seconds"], 2)
        memory.unlink()
    row("ngram build --order 5", k, "dlclassics --memory 500M", result, **extra)
    spilled.rename(work / f"ngram{k}x.arpa")  # the Dask run compares with it


def dask(work: Path, text: Path, k: int, row: Row) -> None:
    """The same build counted on a local 2-worker Dask cluster (1 MB partitions)."""
    reference = work / f"ngram{k}x.arpa"
    out = work / f"ngram{k}x.dask.arpa"
    argv = [DLC, "ngram", "build", "--order", "5", "--text", str(text), "--arpa", str(out)]
    result = measured([*argv, "--cluster", "local:2", "--partition-mb", "1"], work / "dask.log")
    same = reference.exists() and filecmp.cmp(out, reference, shallow=False)
    note = "peak RSS of the client process only (the workers are other processes)"
    impl = "dlclassics --cluster local:2 (Dask)"
    row("ngram build --order 5", k, impl, result, arpa_identical_to_spilled=same, note=note)
    out.unlink()


if __name__ == "__main__":
    main()
