"""Write ``benchmarks/RESULTS.md`` and README's headline table from ``benchmarks/results/*.json``.

    python benchmarks/results.py            # `make results`: rewrite both files
    python benchmarks/results.py --check    # exit 1 if either file is out of date
    python benchmarks/results.py --out DIR  # write RESULTS.md and README.md under DIR instead

Every figure printed is read from a row of a results file (or computed from such rows: a
difference, a ratio, a percentage), and every table names, per row, the command that wrote
the row. A row's command is its own ``command`` key; else, for the files a script rewrites
whole in one run (:data:`SINGLE_RUN`), the file's ``command``; else the one the script
records for that row (:func:`command_of`). A row with none is printed "(command not
recorded)". The targets quoted are the "Target(s)" paragraph of each benchmark script's
docstring. The prose between the tables is written here and holds no figure of its own.

The studies kept in subfolders (``benchmarks/results/<study>/*.json`` beside their pictures)
are read too; a committed PNG a file names is embedded with a link relative to RESULTS.md.
A renderer finds rows by their keys, never by position or count, and prints "—" for an
optional key a row lacks, so rows appended later render without a change here.

README.md keeps one headline table between the ``<!-- results:begin -->`` and
``<!-- results:end -->`` markers; nothing else in README is touched. The standard library
is enough: the test suite runs this without torch.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"
NOT_RECORDED = "(command not recorded)"

Row = dict[str, Any]

# Scripts that rewrite their whole results file from one run: its `command` made every row.
SINGLE_RUN = frozenset(
    {"beam_speed", "classic", "classic_quick", "classify_gradients", "classify_transfer",
     "features", "gan_line", "mlp", "ngram", "poem", "vision_ops", "word2vec_zh"}
)  # fmt: skip


def command_of(name: str, doc: dict[str, Any], row: Row) -> str | None:
    """The command that wrote ``row`` of ``benchmarks/results/<name>.json``, or None."""
    if "command" in row:
        return str(row["command"])
    if name in SINGLE_RUN:
        return str(doc["command"])
    if name in ("lm_brown", "lm_char", "lm_zh"):
        return _lm_command(name, doc, row)
    if name == "word2vec_vs_gensim" and row["impl"] in ("dlclassics", "gensim"):
        # a --glove-only or --configs run keeps the other word2vec rows and records the
        # command of the full run that made them as `word2vec_command`
        return doc.get("word2vec_command")
    if name == "seq2seq" and row.get("round") in _report_rounds(str(doc["command"])):
        return str(doc["command"])  # a round the last report collected (its --root / --also)
    if name == "classify":
        # classify.py gives the rows it keeps from earlier runs their command; its own rows
        # carry none: the file's command made them
        return str(doc["command"])
    return None


def _lm_command(name: str, doc: dict[str, Any], row: Row) -> str | None:
    """lm_brown.py --model / lm_char.py --run train and score one model (their `commands`
    list names each); the n-gram rows, and lm_zh's mixture, are computed by --collect."""
    settings = row.get("settings", {})
    if "model" in settings:
        made = f"python benchmarks/lm_brown.py --model {settings['model']} "
    elif "run" in settings:
        made = f"python benchmarks/lm_char.py --run {settings['run']} "
    elif name == "lm_brown" and "lambda_neural" in settings:
        # lm_brown.py --model writes a mixture row beside its neural model's row
        neural = [r for r in doc["rows"] if row["model"].startswith(r["model"] + " + ")]
        return _lm_command(name, doc, neural[0]) if len(neural) == 1 else None
    else:
        return str(doc["command"])
    made += f"--budget {row['cpu_budget']:g}"
    if row.get("table", "brown") != "brown":  # lm_brown.py --table brown-equal
        made += f" --table {row['table']}"
    return made if made in doc.get("commands", []) else None


def _report_rounds(command: str) -> set[str]:
    """The rounds (run roots' names) a ``seq2seq.py --phase report`` command collected."""
    rounds: set[str] = set()
    option = ""
    for word in command.split():
        if word.startswith("--"):
            option = word
        elif option in ("--root", "--also"):
            rounds.add(Path(word).name)
    return rounds


class Results:
    """The results files, read once; rows are found by their fields, never by position."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.docs = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*.json"))
        }
        # the studies under subfolders (pictures beside their JSON), by relative path
        self.studies = {
            path.relative_to(directory).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*/*.json"))
        }
        self.used: set[str] = set()

    def doc(self, name: str) -> dict[str, Any]:
        if name not in self.docs:
            raise ValueError(f"benchmarks/results/{name}.json is missing")
        self.used.add(name)
        return self.docs[name]

    def rows(self, name: str, **where: Any) -> list[Row]:
        return [r for r in self.doc(name)["rows"] if all(r.get(k) == v for k, v in where.items())]

    def one(self, name: str, **where: Any) -> Row:
        found = self.rows(name, **where)
        if len(found) != 1:
            raise ValueError(f"{name}.json: {len(found)} rows match {where}, expected one")
        return found[0]

    def command(self, name: str, row: Row) -> str | None:
        return command_of(name, self.doc(name), row)

    def source(self, name: str) -> str:
        doc = self.doc(name)
        return f"`benchmarks/results/{name}.json` ({doc['date']}; {doc['machine']})"

    def study(self, path: str) -> dict[str, Any] | None:
        """The JSON at ``<results>/<path>`` (a subfolder's), or None if it is not there."""
        if path in self.studies:
            self.used.add(path)
        return self.studies.get(path)

    def picture(self, path: str, alt: str, *, under: str = "") -> list[str]:
        """A markdown image of a PNG in the results folder, linked relative to RESULTS.md;
        none if the file is absent. ``path`` as a file lists it: from the repository root,
        or from the results folder (or its subfolder ``under``)."""
        for base in (ROOT, self.directory / under, self.directory):
            found = (base / path).resolve()
            if found.is_file() and found.is_relative_to(self.directory.resolve()):
                link = Path(os.path.relpath(found, HERE)).as_posix()
                return [f"![{alt}]({link})", ""]
        return []


class Commands:
    """The commands of one table, numbered in order of first use."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def ref(self, command: str | None) -> str:
        if command is None:
            return NOT_RECORDED
        if command not in self.seen:
            self.seen.append(command)
        return f"[{self.seen.index(command) + 1}]"

    def lines(self) -> list[str]:
        return ["", *(f"- [{i}] `{c}`" for i, c in enumerate(self.seen, 1))]


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def fmt(value: float, digits: int = 2) -> str:
    return f"{value:,.{digits}f}"


def raw(value: Any) -> str:
    """A JSON number as the file writes it (thousands separated)."""
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def pct(value: float, digits: int = 2) -> str:
    return f"{100 * value:.{digits}f} %"


def below(ours: float, baseline: float) -> str:
    """How far ``ours`` is below ``baseline``, in percent of the baseline."""
    return f"{100 * (1 - ours / baseline):.1f} %"


def targets(script: str, *, stated: bool = True) -> str:
    """The "Target(s)" paragraph of ``benchmarks/<script>.py``'s docstring, one line; with
    ``stated=False`` a script without one gets a line saying so (its docstring describes it)."""
    path = HERE / f"{script}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith("Target"):
            text = " ".join(paragraph.split()).replace("``", "`")
            return f"{text} (`benchmarks/{script}.py`)"
    if not stated:
        return f"No targets paragraph: the experiment is described in `benchmarks/{script}.py`."
    raise ValueError(f"benchmarks/{script}.py: its docstring has no 'Targets' paragraph")


# --- the sections of RESULTS.md ---------------------------------------------------------


# what a vision.json row may say about itself, by key
VISION_NOTES = {"load_average": "machine load", "resumed": "resumed", "note": "note"}


def images(r: Results) -> list[str]:
    test_rows = r.doc("classic")["data"]["test_rows"]
    out = [f"## Images: Fashion-MNIST test split ({test_rows:,} images)", ""]

    mlp, cmds = r.doc("mlp"), Commands()
    out += ["### MLP: `dlc mlp train` defaults against a bare PyTorch loop", ""]
    out += [f"From {r.source('mlp')}. {mlp['notes']}", ""]
    rows = []
    for seed in mlp["summary"]["seeds"]:
        ours = r.one("mlp", impl="dlclassics", seed=seed)
        bare = r.one("mlp", impl="bare-torch-loop", seed=seed)
        ratio = r.one("mlp", impl="ratio", seed=seed)["time_ratio_to_bare"]
        rows.append(
            [str(seed), raw(ours["epochs"]), fmt(ours["test_accuracy"], 4),
             fmt(bare["test_accuracy"], 4), fmt(ours["train_seconds"], 1),
             fmt(bare["train_seconds"], 1), f"{ratio:.2f}×", cmds.ref(r.command("mlp", ours))]
        )  # fmt: skip
    out += table(
        ["seed", "epochs", "ours: test accuracy", "bare loop: test accuracy", "ours: s (wall)",
         "bare loop: s (wall)", "time ours / bare", "run"], rows
    ) + cmds.lines()  # fmt: skip
    summary = mlp["summary"]
    out += [
        "",
        f"Ours over the {len(summary['seeds'])} seeds: {summary['test_accuracy_mean']:.4f} ± "
        f"{summary['test_accuracy_std']:.4f} (mean ± sample standard deviation, `summary` in "
        "the file). Wall seconds depend on what else the machine was running.",
        "",
        targets("mlp"),
        "",
    ]

    classic, cmds = r.doc("classic"), Commands()
    out += ["### Classic classifiers against scikit-learn and torch", ""]
    out += [
        f"From {r.source('classic')}. Protocol: {classic['protocol']}. k-NN's k = "
        f"{classic['chosen']['knn']['k']} was chosen on val; the other settings chosen are "
        "under `chosen` in the file, every setting tried under `selection`.",
        "",
    ]
    peers = {"knn": "scikit-learn, brute force", "mlp": "torch, same init and batches"}
    for name in ("softmax", "svm"):
        peers[name] = f"scikit-learn `{classic['peers'][name]['estimator']}`"
    rows = []
    for model, peer_name in peers.items():
        ours = r.one("classic", model=model, impl="dlclassics")
        peer = [p for p in r.rows("classic", model=model) if p["impl"] != "dlclassics"]
        if len(peer) != 1:
            raise ValueError(f"classic.json: {len(peer)} peer rows for {model}")
        rows.append(
            [model, fmt(ours["test_accuracy"], 4), peer_name, fmt(peer[0]["test_accuracy"], 4),
             raw(ours["fit_seconds"]), raw(peer[0]["fit_seconds"]),
             cmds.ref(r.command("classic", ours))]
        )  # fmt: skip
    out += table(
        ["model", "ours: test accuracy", "peer", "peer: test accuracy", "ours: fit s",
         "peer: fit s", "run"], rows
    ) + cmds.lines()  # fmt: skip
    ratios = classic["ratios"]
    out += [
        "",
        "Time ratios (`ratios` in the file): k-NN prediction ours / scikit-learn "
        f"{ratios['knn_predict_time_ours_over_sklearn']}×; the engine MLP's epoch ours / torch "
        f"{ratios['mlp_epoch_time_engine_over_torch']}×. "
        f"(`classic_quick.json` is the `--quick` smoke run on "
        f"{r.doc('classic_quick')['data']['train_rows']:,} training images.)",
        "",
        targets("classic"),
        "",
    ]

    cmds = Commands()
    out += ["### CNNs", ""]
    out += [f"From {r.source('vision')}. {r.doc('vision')['notes']}", ""]
    rows, notes = [], []
    for row in r.doc("vision")["rows"]:
        if "model" not in row:
            continue
        cpu = fmt(row["train_cpu_seconds"], 1) if "train_cpu_seconds" in row else "—"
        said = [f"{label}: {row[key]}" for key, label in VISION_NOTES.items() if key in row]
        marks = []
        for text in said:
            notes.append(f"({len(notes) + 1}) {row['model']}, {row['recipe']} recipe, "
                         f"{row['threads']} thread(s): {text}")  # fmt: skip
            marks.append(f"({len(notes)})")
        rows.append(
            [row["model"], row["recipe"], "yes" if row.get("augment") else "no",
             str(row["threads"]), f"{row['steps']:,}" if "steps" in row else "—",
             raw(row["epochs"]), f"{row['params']:,}", fmt(row["test_accuracy"], 4),
             fmt(row["train_seconds"], 1), cpu, " ".join(marks),
             cmds.ref(r.command("vision", row))]
        )  # fmt: skip
    out += table(
        ["model", "recipe", "augment", "threads", "steps", "epochs", "parameters",
         "test accuracy", "s (wall)", "CPU s", "notes", "run"], rows
    ) + cmds.lines()  # fmt: skip
    if notes:
        out += ["", "Notes the rows carry:", "", *(f"- {n}" for n in notes)]
    out += ["", targets("vision"), ""]

    cmds = Commands()
    out += ["### conv2d from scratch against `F.conv2d`", ""]
    out += [f"From {r.source('vision_ops')}, and the op rows of `vision.json` (`--ops`).", ""]
    rows = []
    for name in ("vision_ops", "vision"):
        for row in r.doc(name)["rows"]:
            if "op" in row:
                rows.append(
                    [f"`{name}.json`", row["impl"], row["pass"], f"`{row['shape']}`",
                     str(row["threads"]), raw(row["seconds"]), f"{row['ratio_to_torch']}×",
                     cmds.ref(r.command(name, row))]
                )  # fmt: skip
    out += table(
        ["file", "impl", "pass", "shape", "threads", "s (best)", "time / torch's", "run"], rows
    ) + cmds.lines()  # fmt: skip
    out += ["", targets("vision_ops"), ""]
    return out


def _equal_ladder(r: Results, kn3: float) -> list[str]:
    """Table ``brown-equal`` of lm_brown.json: every neural rung at one CPU budget."""
    rows_ = r.rows("lm_brown", table="brown-equal")
    if not rows_:
        return []
    cmds = Commands()
    budgets = sorted({x["cpu_budget"] for x in rows_})
    out = ["### The neural rungs at one budget", ""]
    out += [
        f"Each neural model trained for {' / '.join(fmt(b, 0) for b in budgets)} CPU-s (one "
        "thread), the same data and vocabulary; validation perplexity against CPU seconds for "
        "all of them: `benchmarks/results/lm_brown_equal.png`. The KN trigram's test "
        f"perplexity is {fmt(kn3)}. The budget counts training steps; CPU s used is the whole "
        "call (the step-cost calibration, validations every 100 steps, the final scoring).",
        "",
    ]
    table_rows = [
        [x["model"], f"{x['steps']:,}", fmt(x["valid_ppl"]), fmt(x["test_ppl"]),
         fmt(x["cpu_budget"], 0), raw(x["train_seconds"]), cmds.ref(r.command("lm_brown", x))]
        for x in sorted(rows_, key=lambda x: x["test_ppl"])
    ]  # fmt: skip
    out += table(
        ["model", "steps", "valid ppl", "test ppl", "CPU-s budget", "CPU s used", "run"],
        table_rows,
    ) + cmds.lines()  # fmt: skip
    return [*out, ""]


def language_models(r: Results) -> list[str]:
    doc, cmds = r.doc("lm_brown"), Commands()
    settings = doc["settings"]
    out = ["## Language models", "", "### The ladder on Brown", ""]
    out += [
        f"From {r.source('lm_brown')}. Data: {settings['data']}. Vocabulary: "
        f"{settings['vocabulary']}. Perplexity: {settings['perplexity']}. Neural budget: "
        f"{settings['neural_budget']}.",
        "",
    ]
    rows = []
    for row in [x for x in doc["rows"] if x.get("table", "brown") == "brown"]:
        budget = fmt(row["cpu_budget"], 0) if "cpu_budget" in row else "—"
        wall = fmt(row["wall_seconds"], 1) if "wall_seconds" in row else "—"
        rows.append(
            [row["model"], fmt(row["valid_ppl"]), fmt(row["test_ppl"]), budget,
             raw(row["train_seconds"]), wall, cmds.ref(r.command("lm_brown", row))]
        )  # fmt: skip
    out += table(
        ["model", "valid ppl", "test ppl", "CPU-s budget", "CPU s used", "s (wall)", "run"],
        rows,
    ) + cmds.lines()  # fmt: skip
    kn3 = r.one("lm_brown", model="interpolated KN trigram")["test_ppl"]
    kn5 = r.one("lm_brown", model="modified KN 5-gram")["test_ppl"]
    lstm = r.one("lm_brown", model="LSTM", table="brown")["test_ppl"]
    best_effort = [x for x in doc["rows"] if x.get("table", "brown") == "brown"]
    nnlm = [x for x in best_effort if x.get("settings", {}).get("model") == "nnlm"]
    # the maxent row has its own short budget (it converges in ~2 epochs); not the early round
    neural = [
        x
        for x in best_effort
        if "cpu_budget" in x and x.get("settings", {}).get("model") != "maxent"
    ]
    low = min(x["cpu_budget"] for x in neural)
    early = [x["model"] for x in neural if x["cpu_budget"] == low]
    goals, anchors = doc["goals"], doc["anchors"]
    yes = {True: "yes", False: "no"}
    out += [
        "",
        f"The LSTM is {below(lstm, kn5)} below the modified KN 5-gram"
        + (f" and {below(lstm, nnlm[0]['test_ppl'])} below the NNLM" if len(nnlm) == 1 else "")
        + f"; the KN trigram's test perplexity is {fmt(kn3)}. Recorded goals (`goals`): the "
        f"NNLM {goals['nnlm_vs_kn3_percent']} % below the KN trigram alone, "
        f"{goals['nnlm_mixture_vs_kn3_percent']} % mixed with it; 20 % below it alone: "
        f"{yes[goals['nnlm_20_percent_below_kn3']]}, mixed: "
        f"{yes[goals['nnlm_mixture_20_percent_below_kn3']]}; LSTM below KN5: "
        f"{yes[goals['lstm_below_kn5']]}, below the NNLM: {yes[goals['lstm_below_nnlm']]}"
        + (
            f"; maximum entropy at most 1.1 × the KN trigram: "
            f"{yes[goals['maxent_within_1.1_kn3']]} ({goals['maxent_vs_kn3_ratio']} ×). "
            if "maxent_within_1.1_kn3" in goals
            else ". "
        )
        + "Mixture rows interpolate token by token with a weight fitted on val, so their val "
        "perplexity is optimistic.",
        "",
        f"Caveats. The rows with a {fmt(low, 0)} CPU-s budget ({', '.join(early)}) come from an "
        "earlier round on a machine shared with other jobs and are under-trained. The NNLM's "
        "long context and heavy dropout came after a first configuration (shorter context, "
        "fewer units, lighter dropout) overfitted; that run's figures are not in the file. "
        "Published anchors (`anchors`): Bengio et al. 2003: "
        f"{anchors['bengio2003_brown']} — against back-off KN, where ours is interpolated KN, "
        "a stronger baseline; Mikolov 2011 on PTB: "
        + ", ".join(f"{k} {v}" for k, v in anchors["mikolov2011_ptb"].items())
        + ".",
        "",
        targets("lm_brown"),
        "",
    ]
    out += _equal_ladder(r, kn3)

    ngram, cmds = r.doc("ngram"), Commands()
    out += ["### n-gram smoothing on Brown, and speed against NLTK and kenlm", ""]
    load = ngram["settings"]["load_average_1min"]
    out += [
        f"From {r.source('ngram')}. Perplexity: {ngram['settings']['perplexity']}; vocabulary: "
        f"{ngram['settings']['vocabulary']}. Timings are wall clock, one thread, on a machine "
        f"shared with other jobs (1-minute load average {load['start']} at the start, "
        f"{load['end']} at the end, on {load['cores']} cores). The smoothing table's seconds "
        "are one run of counting + estimation; `lm_brown.json`'s n-gram rows are the same "
        "models timed in its own run.",
        "",
    ]
    rows = [
        [row["model"], str(row["order"]), raw(row["valid_ppl"]), raw(row["test_ppl"]),
         raw(row["train_seconds"]), cmds.ref(r.command("ngram", row))]
        for row in r.rows("ngram", table="brown")
    ]  # fmt: skip
    out += [*table(["model", "order", "valid ppl", "test ppl", "s", "run"], rows), ""]
    rows = []
    for work in ("model", "counts", "model + scores"):
        ours = r.one("ngram", table="build", work=work, impl="dlclassics")
        nltk = [x for x in r.rows("ngram", table="build", work=work) if x["impl"] != "dlclassics"]
        rows.append(
            [f"{work}: {ours['what']}", raw(ours["seconds"]), f"{nltk[0]['impl']}: "
             f"{nltk[0]['what']}", raw(nltk[0]["seconds"]), f"{ours['speedup_vs_nltk']}×",
             cmds.ref(r.command("ngram", ours))]
        )  # fmt: skip
    out += [
        *table(["build (Brown train)", "ours: s", "NLTK", "NLTK: s", "speed-up", "run"], rows),
        "",
    ]
    rows = []
    for row in r.rows("ngram", table="score"):
        rows.append(
            [f"{row['impl']}, input: {row.get('input', 'lines')}", raw(row["log10_prob"]),
             raw(row["perplexity"]), raw(row["seconds"]),
             f"{row['speedup_vs_kenlm']}×", raw(row["arpa_load_seconds"]),
             cmds.ref(r.command("ngram", row))]
        )  # fmt: skip
    for row in r.rows("ngram", table="score_nltk"):
        rows.append(
            [f"{row['impl']} ({row['data']})", "—", raw(row["perplexity"]), "—", "—", "—",
             cmds.ref(r.command("ngram", row))]
        )  # fmt: skip
    out += table(
        ["scoring Brown test (KN trigram)", "log10 P", "perplexity", "s", "speed / kenlm's",
         "ARPA load s", "run"], rows
    ) + cmds.lines()  # fmt: skip
    out += [
        "",
        "NLTK's perplexity is infinite: its KN unigram gives an unseen word probability 0. "
        "Our ARPA files load in kenlm and score the same.",
        "",
        targets("ngram"),
        "",
    ]

    char, cmds = r.doc("lm_char"), Commands()
    out += ["### Character level, and Chinese words", ""]
    out += [
        f"From {r.source('lm_char')}. Bits per character: {char['settings']['bpc']}. Budget: "
        f"{char['settings']['budget_note']}. Machine: {char['settings']['machine_note']}. "
        "Samples are in the file. Anchors: "
        f"{char['anchors']['note']}.",
        "",
    ]
    rows = [
        [row["model"], row["data"], f"{row['vocab']:,}", raw(row["valid_bpc"]),
         raw(row["test_bpc"]), fmt(row["cpu_budget"], 0), raw(row["train_cpu_seconds"]),
         f"{row['steps']:,}", cmds.ref(r.command("lm_char", row))]
        for row in char["rows"]
    ]  # fmt: skip
    out += table(
        ["model", "data", "vocabulary", "valid bpc", "test bpc", "CPU-s budget", "CPU s used",
         "steps", "run"], rows
    ) + cmds.lines()  # fmt: skip
    zh, cmds = r.doc("lm_zh"), Commands()
    out += ["", f"People's Daily words, from {r.source('lm_zh')}. {zh['settings']['data']}.", ""]
    rows = [
        [row["model"], raw(row["valid_ppl"]), raw(row["test_ppl"]),
         raw(row.get("train_cpu_seconds", "—")), cmds.ref(r.command("lm_zh", row))]
        for row in zh["rows"]
    ]  # fmt: skip
    out += table(["model", "valid ppl", "test ppl", "CPU s", "run"], rows) + cmds.lines()
    kn = r.one("lm_zh", model="interpolated KN trigram")["test_ppl"]
    lstm_zh = r.one("lm_zh", model="LSTM (1 layer)")["test_ppl"]
    mixed = r.one("lm_zh", model="LSTM + interpolated KN trigram (mixture)")["test_ppl"]
    out += [
        "",
        f"The LSTM alone is {below(kn, lstm_zh)} behind the KN trigram at this budget; mixed "
        f"with it, {below(mixed, kn)} below it.",
        "",
        targets("lm_char"),
        "",
    ]
    return out


def _w2v_score(row: Row, key: str) -> str:
    """A word2vec quality cell: the value, or mean ± sd when the row has several seeds."""
    value, sd = row[key], row.get(f"{key}_sd")
    if key == "analogy_acc":
        return pct(value) if sd is None else f"{pct(value)} ± {100 * sd:.2f}"
    return raw(value) if sd is None else f"{raw(value)} ± {raw(sd)}"


def word_vectors(r: Results) -> list[str]:
    doc, cmds = r.doc("word2vec_vs_gensim"), Commands()
    out = ["## Word vectors", "", "### word2vec against gensim 4.4", ""]
    out += [
        f"From {r.source('word2vec_vs_gensim')}. Corpus `{doc['corpus']}`: "
        f"{doc['corpus_words']:,} words, {doc['corpus_sentences']:,} sentences. {doc['notes']} "
        "Analogy = Google analogy accuracy; WS-353 and SimLex-999 = Spearman ρ. The settings "
        "both sides share are in `benchmarks/word2vec_vs_gensim.py`'s docstring.",
        "",
    ]
    rows, gaps, speedups = [], {"analogy_acc": 0.0, "ws353": 0.0, "simlex": 0.0}, []
    for config in ("sg-ns", "cbow-ns", "sg-hs", "cbow-hs"):
        ours = r.one("word2vec_vs_gensim", impl="dlclassics", config=config)
        peer = r.one("word2vec_vs_gensim", impl="gensim", config=config)
        for key in gaps:
            gaps[key] = max(gaps[key], abs(ours[key] - peer[key]))
        speedups.append(ours["speedup_vs_gensim"])
        run = cmds.ref(r.command("word2vec_vs_gensim", ours))
        if r.command("word2vec_vs_gensim", peer) != r.command("word2vec_vs_gensim", ours):
            run += ", gensim " + cmds.ref(r.command("word2vec_vs_gensim", peer))
        rows.append(
            [config, f"{ours['epochs']}", f"{ours['words_per_sec']:,.0f} / "
             f"{peer['words_per_sec']:,.0f} ({ours['speedup_vs_gensim']}×)",
             f"{_w2v_score(ours, 'analogy_acc')} / {_w2v_score(peer, 'analogy_acc')}",
             f"{_w2v_score(ours, 'ws353')} / {_w2v_score(peer, 'ws353')}",
             f"{_w2v_score(ours, 'simlex')} / {_w2v_score(peer, 'simlex')}",
             ", ".join(map(str, ours.get("seeds", [1]))), run]
        )  # fmt: skip
    out += table(
        ["config", "epochs", "words/s ours / gensim", "analogy ours / gensim",
         "WS-353 ours / gensim", "SimLex-999 ours / gensim", "seeds", "run"], rows
    )  # fmt: skip
    out += [
        "",
        "Quality over several seeds (`--quality-seeds N`) is the mean ± the standard deviation "
        "over the seeds (the JSON keeps each seed's value); one seed: that run's value, "
        "without ±.",
        "",
        f"Largest gaps to gensim over the four configs, in either direction: analogy "
        f"{100 * gaps['analogy_acc']:.2f} points, WS-353 {gaps['ws353']:.4f}, SimLex-999 "
        f"{gaps['simlex']:.4f}; speed {min(speedups)}–{max(speedups)}× gensim's. "
        "Our evaluation code gives gensim's numbers on the same vectors "
        "(`tests/embeddings/test_vectors_evaluate.py`).",
        "",
        "GloVe (no gensim counterpart):",
        "",
    ]
    rows = [
        [row["config"], raw(row.get("x_max", "—")), str(row["epochs"]),
         f"{row['words_per_sec']:,.0f}", pct(row["analogy_acc"]), raw(row["ws353"]),
         raw(row["simlex"]), cmds.ref(r.command("word2vec_vs_gensim", row))]
        for row in r.rows("word2vec_vs_gensim", impl="dlclassics-glove")
    ]  # fmt: skip
    out += table(
        ["config", "x_max (if not the default)", "epochs", "words/s", "analogy", "WS-353",
         "SimLex-999", "run"], rows
    ) + cmds.lines()  # fmt: skip
    out += ["", targets("word2vec_vs_gensim"), ""]

    zh, cmds = r.doc("word2vec_zh"), Commands()
    out += ["### Chinese word vectors, People's Daily", ""]
    out += [f"From {r.source('word2vec_zh')}. {zh['notes']}", ""]
    rows = []
    for row in zh["rows"]:
        questions = row["analogy_zh_answered"] + row["analogy_zh_oov"]
        rows.append(
            [row["impl"], row["segmentation"], f"{row['words']:,}",
             f"{pct(row['analogy_zh_acc'])} ({row['analogy_zh_answered']:,} of {questions:,})",
             raw(row["cilin_mean_rank"]), raw(row["cilin_p10"]),
             cmds.ref(r.command("word2vec_zh", row))]
        )  # fmt: skip
    out += table(
        ["vectors", "segmentation", "words", "analogy (answered of asked)", "Cilin mean rank",
         "Cilin p@10", "run"], rows
    ) + cmds.lines()  # fmt: skip
    first = zh["rows"][0]
    shown = "; ".join(
        f"{x['query']} → {x['top5'][0][0]} ({x['top5'][0][1]})" for x in first["examples"]
    )
    out += ["", f"Nearest answers ({first['impl']}, {first['segmentation']}): {shown}.", ""]
    out += [targets("word2vec_zh"), ""]
    return out


ROUND_NOTES = {
    "s2s-L30-bpe4k-c3600": "the long round, trained again at fixed step counts (`--steps`)",
    "s2s-L30-bpe4k-c3600-first": "the long round's first run, on another CPU, collected from "
    "`runs/s2s-L30-bpe4k-c3600` before that directory was trained again; the Transformer's "
    "step probe ran while other work shared the machine",
    "s2s-L30-bpe4k-c600-luong": "Luong against Bahdanau at one budget, Luong with the deep "
    "output's e(y_{t−1}) in h̃ and the general score ÷ √H (earlier rounds: the paper's h̃ and "
    "score)",
}
ROUNDS = [
    "s2s-L30", "s2s-L30-bpe4k", "s2s-L30-bpe4k-c3600", "s2s-L30-bpe4k-c3600-first",
    "s2s-L30-bpe4k-esen", "bench-seq2seq-b300", "bench-seq2seq",
]  # fmt: skip
MODELS = ["gru", "gru-bahdanau", "lstm-luong", "transformer"]


def _round_label(row: Row) -> str:
    pieces = f"BPE, {row['subwords']:,} pieces a side" if row["subwords"] else "words"
    label = f"{row['pair']}, pairs ≤ {row['max_len']} tokens, {pieces}, "
    label += f"{fmt(row['cpu_budget'], 0)} CPU-s budget"
    note = ROUND_NOTES.get(row["round"])
    return f"{label}; {note}" if note else label


def translation(r: Results) -> list[str]:
    doc, cmds = r.doc("seq2seq"), Commands()
    test = [x for x in doc["rows"] if x["split"] == "test"]
    signature = {x[k] for x in test for k in ("bleu_signature", "chrf_signature") if k in x}
    out = ["## Translation, Bible verses", ""]
    out += [
        f"From {r.source('seq2seq')}. {doc['note']}. BLEU and chrF by sacreBLEU on detokenized "
        f"output ({', '.join(f'`{s}`' for s in sorted(signature))}). Each model trains for a "
        "budget of process CPU seconds on one thread (training recipe: "
        "`benchmarks/seq2seq.py`'s docstring), then is decoded on the whole test set: "
        "greedy, beam 5 with α = 0.6, and, in the rounds decoded since it was added, beam 5 "
        "with the model's own α, the best on the validation set. Each round is a directory "
        "of runs (`round` in the rows); the earlier rounds stay in the file as measured.",
        "",
    ]
    rounds = ROUNDS + sorted({x["round"] for x in doc["rows"]} - set(ROUNDS))
    rows: list[list[str]] = []
    picked: dict[tuple[str, str], dict[str, Row]] = {}
    for name in rounds:
        in_round = [x for x in test if x["round"] == name]
        if not in_round:
            continue
        whole = max(x["sentences"] for x in in_round)
        rows.append([f"*{_round_label(in_round[0])}*", "", "", "", "", "", "", ""])
        models = MODELS + sorted({x["model"] for x in in_round} - set(MODELS))
        for model in [m for m in models if any(x["model"] == m for x in in_round)]:
            where = {"round": name, "model": model, "split": "test", "sentences": whole}
            greedy = r.one("seq2seq", **where, decode="greedy")
            beam = r.one("seq2seq", **where, decode="beam", beam=5, alpha=0.6, alpha_from=None)
            own = r.rows("seq2seq", **where, decode="beam", alpha_from="val")
            picked[name, model] = {
                "greedy": greedy,
                "beam": beam,
                **({"own": own[0]} if own else {}),
            }
            own_cell = f"{own[0]['bleu']} (α {own[0]['alpha']})" if own else "—"
            rows.append(
                [model, f"{greedy['train_steps']:,}", raw(greedy["train_seconds"]),
                 raw(greedy["bleu"]), raw(beam["bleu"]), own_cell, raw(beam["chrf"]),
                 cmds.ref(r.command("seq2seq", greedy))]
            )  # fmt: skip
    out += table(
        ["model", "steps", "CPU s used", "greedy BLEU", "beam 5, α 0.6", "beam 5, val α (α)",
         "chrF (beam 5, α 0.6)", "run"], rows
    ) + cmds.lines()  # fmt: skip

    out += ["", "Goals per round (`goals` in the file; whole test set):", ""]
    rows = []
    for key, goal in doc["goals"].items():
        gain = (
            f"{goal['attention_gain_greedy']:+} / {goal['attention_gain_beam5_alpha0.6']:+}"
            if "attention_gain_greedy" in goal
            else "—"
        )
        short = [m for m, ok in goal["beam5_alpha0.6_ge_greedy"].items() if not ok]
        deltas = [
            goal.get(f"transformer_minus_best_rnn_{s}")
            for s in ("greedy", "beam5_alpha0.6", "beam5_val_alpha")
        ]
        luong = [
            goal.get(f"luong_minus_bahdanau_{s}")
            for s in ("greedy", "beam5_alpha0.6", "beam5_val_alpha")
        ]
        boot = goal.get("paired_bootstrap", {})
        p = [
            boot[s]["p_value"] for s in ("greedy", "beam5_alpha0.6", "beam5_val_alpha") if s in boot
        ]
        rows.append(
            [f"`{key}`", gain, "yes" if not short else "no: " + ", ".join(short),
             " / ".join(f"{d:+}" for d in deltas if d is not None),
             " / ".join(str(x) for x in p) if p else "—",
             " / ".join(f"{d:+}" for d in luong if d is not None) or "—"]
        )  # fmt: skip
    out += table(
        ["round_pair", "attention − fixed context, BLEU (greedy / beam)", "beam ≥ greedy",
         "Transformer − best RNN (greedy / α 0.6 / val α)", "paired bootstrap p (same order)",
         "best Luong − Bahdanau (same order; goal ≥ −2)"],
        rows,
    )  # fmt: skip
    out += ["", *_translation_notes(picked), "", targets("seq2seq"), ""]

    beam, cmds = r.doc("beam_speed"), Commands()
    row = beam["rows"][0]
    out += ["### Batched beam search against a per-sentence loop", ""]
    out += [f"From {r.source('beam_speed')}: {beam['benchmark']}. {beam['note']}.", ""]
    out += table(
        ["model", "sentences", "beam", "batched s", "per sentence s", "speed-up (wall / CPU)",
         "same tokens", "largest score difference", "run"],
        [[row["model"], f"{row['sentences']:,}", str(row["beam"]), fmt(row["batched_seconds"], 1),
          fmt(row["per_sentence_seconds"], 1), f"{row['speedup']:.2f}× / {row['cpu_speedup']:.2f}×",
          "yes" if row["same_tokens"] else "no", f"{row['max_score_difference']:.1e}",
          cmds.ref(r.command("beam_speed", row))]],
    ) + cmds.lines()  # fmt: skip
    out += ["", targets("beam_speed"), ""]
    return out


def _translation_notes(picked: dict[tuple[str, str], dict[str, Row]]) -> list[str]:
    """Caveats of the translation rounds, their figures computed from the rows."""

    def per_step(name: str, model: str) -> float:
        row = picked[name, model]["greedy"]
        return float(row["train_seconds"]) / float(row["train_steps"])

    notes = []
    costs = [
        f"{per_step(n, 'transformer') / per_step(n, 'gru-bahdanau'):.2f}× in `{n}` "
        f"({per_step(n, 'transformer'):.2f} against {per_step(n, 'gru-bahdanau'):.2f} CPU-s)"
        for n in ROUNDS
        if (n, "transformer") in picked and (n, "gru-bahdanau") in picked
    ]
    notes.append(
        "A Transformer step costs more CPU than a GRU-with-attention step: "
        + "; ".join(costs)
        + ". At a short budget it gets fewer steps and trails; with more steps it catches up."
    )
    first, again = "s2s-L30-bpe4k-c3600-first", "s2s-L30-bpe4k-c3600"
    if (first, "gru-bahdanau") in picked and (again, "gru-bahdanau") in picked:
        a, b = picked[first, "gru-bahdanau"], picked[again, "gru-bahdanau"]
        slower = per_step(again, "gru-bahdanau") / per_step(first, "gru-bahdanau")
        notes.append(
            f"The long round's re-run trained the GRU with attention for the same "
            f"{b['greedy']['train_steps']:,} steps and seed as its first run, on another CPU: "
            f"its steps cost {slower:.2f}× the CPU-seconds and it scored "
            f"{a['greedy']['bleu'] - b['greedy']['bleu']:.2f} BLEU lower greedy, "
            f"{a['beam']['bleu'] - b['beam']['bleu']:.2f} with beam: one thread and one seed "
            "repeat a run bit for bit on one machine, not across CPU models. "
            "The re-run's Transformer step count is the one an earlier re-run's step probe chose "
            "on a quiet machine; that re-run is not in the file."
        )
    if (again, "transformer") in picked and (again, "gru-bahdanau") in picked:
        t = picked[again, "transformer"]["greedy"]["train_seconds"]
        g = picked[again, "gru-bahdanau"]["greedy"]["train_seconds"]
        notes.append(
            f"In `{again}` the Transformer used {below(t, g)} less CPU than the GRU with "
            f"attention ({fmt(t, 0)} against {fmt(g, 0)} CPU-s)."
        )
    esen = "s2s-L30-bpe4k-esen"
    if (esen, "gru-bahdanau") in picked and (esen, "transformer") in picked:
        g, t = picked[esen, "gru-bahdanau"]["greedy"], picked[esen, "transformer"]["greedy"]
        notes.append(
            f"In `{esen}` the two models did not get equal CPU: the GRU's step probe read high "
            f"(it ran while other work shared the cores; why was not measured), so it used "
            f"{fmt(g['train_seconds'], 0)} of its {fmt(g['cpu_budget'], 0)} CPU-s against the "
            f"Transformer's {fmt(t['train_seconds'], 0)}."
        )
    words, bpe = "s2s-L30", "s2s-L30-bpe4k"
    gains = [
        f"{m} {picked[bpe, m]['beam']['bleu'] - picked[words, m]['beam']['bleu']:+.2f}"
        for m in MODELS
        if (words, m) in picked and (bpe, m) in picked
    ]
    if gains:
        notes.append(
            "BPE pieces against words at the same budget, BLEU with beam 5, α 0.6: "
            + ", ".join(gains)
            + ". Luong attention with input feeding decodes one token at a time in training "
            "and learned slowest per step on this data."
        )
    return [line for note in notes for line in (note, "")][:-1]


# --- text tasks, recognition, GANs, features, scale -----------------------------------


def _in_order(found: Iterable[str], first: list[str]) -> list[str]:
    """``found``'s distinct values: those in ``first`` in its order, then the rest sorted."""
    found = set(found)
    return [x for x in first if x in found] + sorted(found - set(first))


def _score(row: Row) -> str:
    return f"{row['test']:.4f} ({row['val']:.4f})"


def _cpu(row: Row) -> str:
    """The row's CPU seconds: ``train_cpu_seconds`` where it has both, else ``train_seconds``
    (the taggers' process CPU time)."""
    return fmt(row.get("train_cpu_seconds", row["train_seconds"]), 1)


def _notes(rows: Iterable[Row], key: str = "note") -> list[str]:
    """The distinct ``key`` texts of ``rows``, in order."""
    return list(dict.fromkeys(str(x[key]) for x in rows if x.get(key)))


TEXT_TASKS = ["sentiment-zh", "spam", "genre-brown"]
TAG_TASKS = ["pos-brown", "pos-brown-universal", "pos-peoples-daily", "seg-peoples-daily",
             "ner-wnut16"]  # fmt: skip


def _trained_by(r: Results, row: Row) -> str | None:
    """The command that trained a classification row of text_tasks.json: classify.py
    rewrites all three tasks' rows there with its own command, so the matching row of
    classify.json (which keeps each model's command) names it; else the row's own."""
    detail = [
        x
        for x in r.docs.get("classify", {}).get("rows", [])
        if all(x.get(k) == row.get(k) for k in ("task", "impl", "model", "test", "val"))
    ]
    if len(detail) == 1:
        return r.command("classify", detail[0])
    return r.command("text_tasks", row)


def text_tasks(r: Results) -> list[str]:
    doc = r.doc("text_tasks")
    out = ["## Sequence classification and labelling", ""]
    out += [
        f"From {r.source('text_tasks')}: {doc['benchmark']}. Each cell is test (val); the "
        "metric is the task's (`metric`). CPU s: process CPU seconds of training, one thread.",
        "",
    ]
    rows_ = doc["rows"]
    classify_tasks = {x["task"] for x in rows_ if x["impl"] == "tfidf-logreg"}
    cmds, rows, models = Commands(), [], []
    for task in _in_order(classify_tasks, TEXT_TASKS):
        ours = [x for x in rows_ if x["task"] == task and x["impl"] == "dlclassics"]
        peer = [x for x in rows_ if x["task"] == task and x["impl"] == "tfidf-logreg"]
        if len(ours) != 1 or len(peer) != 1:
            continue
        o, p = ours[0], peer[0]
        rows.append(
            [task, o["metric"], _score(o), _score(p), f"{o['test'] - p['test']:+.4f}",
             _cpu(o), _cpu(p), cmds.ref(_trained_by(r, o))]
        )  # fmt: skip
        models.append(f"- {task}: ours {o['model']}; baseline {p['model']}")
    if rows:
        out += ["### Text classification: ours against TF-IDF + logistic regression", ""]
        out += table(
            ["task", "metric", "ours", "TF-IDF + LogisticRegression", "ours − baseline (test)",
             "ours: CPU s", "baseline: CPU s", "run"], rows
        ) + cmds.lines()  # fmt: skip
        out += ["", "Models (ours: the candidate with the best val score):", "", *models, ""]
    out += _classify_candidates(r)

    cmds, rows, models = Commands(), [], []
    for task in _in_order({x["task"] for x in rows_} - classify_tasks, TAG_TASKS):
        ours = [x for x in rows_ if x["task"] == task and x["impl"] == "dlclassics"]
        crf = [x for x in rows_ if x["task"] == task and x["impl"] == "crfsuite"]
        if len(ours) != 1:
            continue
        o = ours[0]
        others = [
            x for x in rows_ if x["task"] == task and x["impl"] not in ("dlclassics", "crfsuite")
        ]
        c = crf[0] if len(crf) == 1 else None
        rows.append(
            [task, o["metric"], _score(o), _score(c) if c else "—",
             f"{o['test'] - c['test']:+.4f}" if c else "—",
             "; ".join(f"{x['impl']}: {x['test']:.4f}" for x in others) or "—",
             _cpu(o), _cpu(c) if c else "—", cmds.ref(r.command("text_tasks", o))]
        )  # fmt: skip
        said = [f"ours {o['model']}" + (f" ({o['budget']})" if "budget" in o else "")]
        said += [
            f"{x['impl']} {x['model']}" + (f" ({x['budget']})" if "budget" in x else "")
            for x in ([c] if c else []) + others
        ]
        models.append(f"- {task}: " + "; ".join(said))
    if rows:
        out += ["### Sequence labelling: ours against a CRF (sklearn-crfsuite)", ""]
        out += table(
            ["task", "metric", "ours", "crfsuite CRF", "ours − CRF (test)",
             "other baselines (test)", "ours: CPU s", "CRF: s", "run"], rows
        ) + cmds.lines()  # fmt: skip
        out += ["", "Models and budgets:", "", *models, "", targets("tag"), ""]
    out += _transfer(r) + _gradients(r) + _poems(r)
    return out


def _classify_candidates(r: Results) -> list[str]:
    if "classify" not in r.docs:
        return []
    doc, cmds = r.doc("classify"), Commands()
    out = ["#### Every classification candidate", ""]
    out += [f"From {r.source('classify')}. {doc['notes']}", ""]
    rows = []
    for task in _in_order({x["task"] for x in doc["rows"]}, TEXT_TASKS):
        for x in sorted(r.rows("classify", task=task), key=lambda x: (x["impl"], -x["val"])):
            rows.append(
                [task, x["impl"], x["model"], f"{x['val']:.4f}", f"{x['test']:.4f}",
                 f"{x['steps']:,}" if "steps" in x else "—", _cpu(x), fmt(x["train_seconds"], 1),
                 cmds.ref(r.command("classify", x))]
            )  # fmt: skip
    out += table(
        ["task", "impl", "model", "val", "test", "steps", "CPU s", "s (wall)", "run"], rows
    ) + cmds.lines()  # fmt: skip
    return [*out, "", targets("classify", stated=False), ""]


TRANSFER_STARTS = ["random", "word2vec frozen", "word2vec fine-tuned", "LM fine-tuned"]


def _transfer(r: Results) -> list[str]:
    if "classify_transfer" not in r.docs:
        return []
    doc, cmds = r.doc("classify_transfer"), Commands()
    out = ["### Pretrained starts for a small classifier (People's Daily → zh-reviews)", ""]
    pre = doc.get("pretrain_cpu_seconds", {})
    out += [
        f"From {r.source('classify_transfer')}. {doc['notes']} Pretraining CPU s: "
        + ", ".join(f"{k} {raw(v)}" for k, v in pre.items())
        + ". Cells: test accuracy (val).",
        "",
    ]
    rows_ = doc["rows"]
    fractions = sorted({x["train_fraction"] for x in rows_})
    header = ["start"]
    for f in fractions:
        column = [x for x in rows_ if x["train_fraction"] == f]
        header.append(f"{100 * f:g} % ({column[0]['train_examples']:,} reviews)")
    rows = []
    for start in _in_order({x["start"] for x in rows_}, TRANSFER_STARTS):
        cells = []
        for f in fractions:
            found = r.rows("classify_transfer", start=start, train_fraction=f)
            cells.append(_score(found[0]) if len(found) == 1 else "—")
        run = cmds.ref(r.command("classify_transfer", r.rows("classify_transfer", start=start)[0]))
        rows.append([start, *cells, run])
    budget = []
    for f in fractions:
        column = [x for x in rows_ if x["train_fraction"] == f]
        cpu = [x["train_cpu_seconds"] for x in column]
        budget.append(f"{column[0]['steps']:,} steps, {fmt(min(cpu), 1)}–{fmt(max(cpu), 1)} CPU s")
    rows.append(["*training*", *budget, ""])
    out += table([*header, "run"], rows) + cmds.lines()
    return [*out, "", targets("classify_transfer", stated=False), ""]


def _gradients(r: Results) -> list[str]:
    if "classify_gradients" not in r.docs:
        return []
    doc, cmds = r.doc("classify_gradients"), Commands()
    out = ["### Gradients through time, and clipping", ""]
    out += [f"From {r.source('classify_gradients')}. {doc['notes']}", ""]
    rows = [
        [x["when"], x["cell"], f"{x['grad_norm_last']:.3g}", f"{x['grad_norm_at_10']:.3g}",
         f"{x['grad_norm_farthest']:.3g} ({x['distance_farthest']})",
         cmds.ref(r.command("classify_gradients", x))]
        for x in r.rows("classify_gradients", experiment="vanishing")
    ]  # fmt: skip
    out += table(
        ["when", "cell", "‖∂L/∂h‖ at the last token", "10 tokens back",
         "farthest back (distance)", "run"], rows
    )  # fmt: skip
    rows = []
    for x in r.rows("classify_gradients", experiment="clipping"):
        diverged = "—" if x.get("diverged_at") is None else raw(x["diverged_at"])
        rows.append(
            [x["run"], raw(x["final_loss"]), raw(x["max_loss"]), raw(x["mean_loss_last_50"]),
             f"{x['max_grad_norm']:.4g}", diverged, cmds.ref(r.command("classify_gradients", x))]
        )  # fmt: skip
    out += ["", "The tanh RNN under plain SGD, with and without clipping:", ""]
    out += table(
        ["run", "final loss", "largest loss", "mean loss, last 50 steps", "largest ‖∇‖",
         "diverged at step", "run"], rows
    ) + cmds.lines() + [""]  # fmt: skip
    for name in doc.get("images", []):
        out += r.picture(name, name.removesuffix(".png").replace("_", " "))
    return [*out, targets("classify_gradients", stated=False), ""]


def _poems(r: Results) -> list[str]:
    if "poem" not in r.docs:
        return []
    doc, cmds = r.doc("poem"), Commands()
    sampling = ", ".join(f"{k} {v}" for k, v in doc.get("sampling", {}).items())
    out = ["### Tang quatrains: constrained against free decoding", ""]
    out += [
        f"From {r.source('poem')}. Model: {doc['model']}. Sampling: {sampling}. "
        f"{doc.get('note', '')}. Cells: the share of well-formed poems.",
        "",
    ]
    rows, examples = [], []
    for x in doc["rows"]:
        rows.append(
            [x["form"], f"{x['poems']:,}", pct(x["constrained_well_formed"], 1),
             pct(x["acrostic_well_formed"], 1), pct(x["free_well_formed"], 1),
             pct(x["free_first_4_lines"], 1), cmds.ref(r.command("poem", x))]
        )  # fmt: skip
        examples += [
            f"- {x['form']}, {way}: {x[f'example_{way}']}"
            for way in ("constrained", "acrostic", "free")
            if f"example_{way}" in x
        ]
    out += table(
        ["form", "poems", "constrained", "constrained acrostic (春夏秋冬)", "free",
         "free: first four lines well-formed", "run"], rows
    ) + cmds.lines()  # fmt: skip
    out += ["", "One example each (from the file):", "", *examples, ""]
    return [*out, targets("poem", stated=False), ""]


def recognition(r: Results) -> list[str]:
    out = ["## Text recognition and captioning", ""]
    if "ocr" in r.docs:
        doc, cmds = r.doc("ocr"), Commands()
        out += ["### OCR: CRNN + CTC against Tesseract", ""]
        out += [
            f"From {r.source('ocr')}: {doc['benchmark']}. CER and WER on the first `lines` "
            "test lines of each condition; lines/s is wall clock on the shared machine. The "
            "beam + LM decoder's LM weight and insertion bonus were tuned on val lines.",
            "",
        ]
        rows = []
        for lang in _in_order({x["lang"] for x in doc["rows"]}, ["en", "zh"]):
            conditions = {x["condition"] for x in r.rows("ocr", lang=lang)}
            for condition in _in_order(conditions, ["clean", "augmented"]):
                tess = r.rows("ocr", lang=lang, condition=condition, impl="tesseract")
                t = tess[0] if len(tess) == 1 else None
                for x in r.rows("ocr", lang=lang, condition=condition, impl="dlclassics"):
                    decoder = x["decoder"]
                    if "fusion" in x:
                        fusion = x["fusion"]
                        decoder += (f" (weight {fusion['lm_weight']}, bonus "
                                    f"{fusion['insertion_bonus']})")  # fmt: skip
                    unknown = x.get("lines_with_unknown_chars", 0)
                    rows.append(
                        [lang, condition, decoder, f"{x['lines']:,}", pct(x["cer"]),
                         pct(x["wer"]), raw(x["lines_per_sec"]),
                         pct(t["cer"]) if t else "—", pct(t["wer"]) if t else "—",
                         raw(t["lines_per_sec"]) if t else "—",
                         f"{unknown:,}", cmds.ref(r.command("ocr", x))]
                    )  # fmt: skip
        out += table(
            ["lang", "condition", "our decoder", "lines", "ours: CER", "ours: WER",
             "ours: lines/s", "Tesseract: CER", "Tesseract: WER", "Tesseract: lines/s",
             "lines with characters outside our alphabet", "run"], rows
        ) + cmds.lines()  # fmt: skip
        out += ["", targets("ocr"), ""]
    if "caption" in r.docs:
        doc, cmds = r.doc("caption"), Commands()
        out += ["### Captioning 2×2 Fashion-MNIST scenes with attention", ""]
        notes = " ".join(f"{n}." for n in _notes(doc["rows"]))
        out += [f"From {r.source('caption')}: {doc['benchmark']}. {notes}", ""]
        rows = []
        for x in doc["rows"]:
            if "bleu" not in x:
                continue
            unseen = x.get("unseen_combinations")
            rows.append(
                [x.get("model", "—"), x.get("lang", "—"), x.get("split", "—"),
                 "—" if unseen is None else ("yes" if unseen else "no"),
                 f"{x['scenes']:,}" if "scenes" in x else "—", raw(x["bleu"]),
                 raw(x.get("exact_match", "—")), raw(x.get("attention_hit", "—")),
                 raw(x.get("item_accuracy", "—")), f"{x['steps']:,}" if "steps" in x else "—",
                 raw(x.get("train_cpu_seconds", "—")), cmds.ref(r.command("caption", x))]
            )  # fmt: skip
        out += table(
            ["model", "lang", "split", "unseen item/cell combinations", "scenes", "BLEU",
             "exact match", "attention hit", "item accuracy", "steps", "CPU s", "run"], rows
        ) + cmds.lines()  # fmt: skip
        out += ["", targets("caption"), ""]
    return out


def gans(r: Results) -> list[str]:
    if "gan" not in r.docs and "gan_line" not in r.docs:
        return []
    out = ["## GANs", ""]
    if "gan_line" in r.docs:
        doc, cmds = r.doc("gan_line"), Commands()
        line = doc["rows"][0]
        out += ["### The game on a line (1-D Gaussians)", ""]
        out += [
            f"From {r.source('gan_line')}: {doc['benchmark']}. The trained discriminator "
            f"against the optimal D* = p_data / (p_data + p_g): mean |D − D*| "
            f"{line['optimal_d_error']:.3f}, largest {line['optimal_d_max_error']:.3f}. "
            f"The generator G(z) = μ + s·z starts at μ = {raw(line['start_mean'])}, the data "
            f"at {raw(line['data_mean'])}; D rejects its samples:",
            "",
        ]
        rows = []
        for loss in ("saturating", "non-saturating"):
            after = [k for k in line if k.startswith(f"{loss}_mu_after_")]
            grad = line.get(f"{loss}_grad_norm_first_50")
            if grad is None or len(after) != 1:
                continue
            steps = after[0].rsplit("_", 1)[1]
            rows.append(
                [
                    loss,
                    f"{grad:.4g}",
                    f"{line[after[0]]:.3f} (after {steps} steps)",
                    cmds.ref(r.command("gan_line", line)),
                ]
            )
        out += table(
            ["generator loss", "mean ‖∇θ L_G‖, first 50 steps", "μ of G", "run"], rows
        ) + cmds.lines() + [""]  # fmt: skip
    if "gan" in r.docs:
        doc, cmds = r.doc("gan"), Commands()
        out += ["### The ring of 8 Gaussians, Fashion-MNIST and MNIST", ""]
        notes = " ".join(f"{n}." for n in _notes(doc["rows"]))
        out += [
            f"From {r.source('gan')}: {doc['benchmark']}. {notes} On the ring: modes covered "
            "and the share of samples within 3σ of a mode. On images: the Fréchet distance in "
            "our judge classifier's feature space (`fid_own`, lower is better) and the "
            "classifier score, each next to the same measure on real held-out images (the "
            "floor / ceiling a generator can reach), the rarest / commonest class's share "
            "of the samples, and the judge's own accuracy on the held-out images.",
            "",
        ]
        ring = [x for x in doc["rows"] if x.get("modes_covered") is not None]
        if ring:
            rows = [
                [x["run"], str(x.get("pack", "—")), raw(x["modes_covered"]),
                 pct(x["high_quality"]) if x.get("high_quality") is not None else "—",
                 f"{x['steps']:,} × {x['batch_size']}", raw(x["train_seconds"]),
                 cmds.ref(r.command("gan", x))]
                for x in ring
            ]  # fmt: skip
            out += [*table(
                ["run", "pack", "modes covered (of 8)", "within 3σ of a mode",
                 "steps × batch", "CPU s", "run"], rows
            ), ""]  # fmt: skip
        pictures = [x for x in doc["rows"] if x.get("fid_own") is not None]
        if pictures:
            rows = []
            for x in pictures:
                real = x.get("classifier_score_real")
                shares = (
                    f"{pct(x['class_share_min'])} – {pct(x['class_share_max'])}"
                    if x.get("class_share_min") is not None
                    else "—"
                )
                accuracy = x.get("judge_accuracy_real")
                rows.append(
                    [x["run"], fmt(x["fid_own"], 1), fmt(x["fid_own_real_floor"], 2),
                     fmt(x["classifier_score"], 2), fmt(real, 2) if real is not None else "—",
                     shares, pct(accuracy) if accuracy is not None else "—",
                     f"{x['steps']:,} × {x['batch_size']}", raw(x["train_seconds"]),
                     cmds.ref(r.command("gan", x))]
                )  # fmt: skip
            out += table(
                ["run", "fid_own", "real images: fid_own", "classifier score",
                 "real images: score", "class shares (min – max)", "judge accuracy (held out)",
                 "steps × batch", "CPU s", "run"], rows
            )  # fmt: skip
        out += cmds.lines()
        out += [
            "",
            "The script states its targets, and which were not met, with its measured "
            "figures in `benchmarks/gan.py`'s docstring. The samples' pictures are written "
            "under `runs/gan-bench/` (not committed).",
            "",
        ]
    return out


def features(r: Results) -> list[str]:
    out = ["## Hand-made vs learned features", ""]
    if "features" in r.docs:
        doc, cmds = r.doc("features"), Commands()
        cnn = "; ".join(
            f"{data}: {run['source']}, step {run['step']:,}, val accuracy "
            f"{run['run_metrics']['val_acc']:.4f}"
            for data, run in doc.get("cnn_runs", {}).items()
        )
        out += [
            f"From {r.source('features')}. {doc['notes']} CNN features: {cnn}. Cells: test "
            "accuracy (val).",
            "",
        ]
        classifiers = list(dict.fromkeys(x["classifier"] for x in doc["rows"]))
        rows = []
        for data in list(dict.fromkeys(x["data"] for x in doc["rows"])):
            for feats in list(dict.fromkeys(x["features"] for x in r.rows("features", data=data))):
                found = r.rows("features", data=data, features=feats)
                cells = []
                for c in classifiers:
                    one = [x for x in found if x["classifier"] == c]
                    cells.append(
                        f"{one[0]['test_accuracy']:.4f} ({one[0]['val_accuracy']:.4f})"
                        if len(one) == 1
                        else "—"
                    )
                rows.append(
                    [data, feats, f"{found[0]['dim']:,}", *cells,
                     cmds.ref(r.command("features", found[0]))]
                )  # fmt: skip
        out += table(["data", "features", "dimension", *classifiers, "run"], rows) + cmds.lines()
        out += ["", targets("features"), ""]
        for path in doc.get("pictures", []):
            out += r.picture(path, Path(path).stem.replace("_", " "))
    out += _layers(r) + _width(r) + _activations(r)
    return out


def _study_source(path: str, doc: dict[str, Any]) -> str:
    commands = doc.get("commands") or [doc["command"]]
    return f"`benchmarks/results/{path}`, written by " + "; ".join(f"`{c}`" for c in commands)


def _layers(r: Results) -> list[str]:
    path = "vision_layers/layers.json"
    doc = r.study(path)
    if doc is None:
        return []
    out = ["### What a CNN's layers respond to", ""]
    runs = "; ".join(
        f"{name}: {run['steps']:,} steps, best val accuracy {run['best_val_acc']}"
        + (f" ({run['note']})" if "note" in run else "")
        for name, run in doc.get("runs", {}).items()
    )
    out += [
        f"From {_study_source(path, doc)}. Runs: {runs}. Per model: every layer's maps for one "
        "test image, and the test images that excite two channels of each layer most.",
        "",
    ]
    for picture in doc.get("pictures", []):
        out += r.picture(
            picture, picture.removesuffix(".png").replace("/", ": "), under="vision_layers"
        )
    return out


def _width(r: Results) -> list[str]:
    path = "mlp_width/boundary.json"
    doc = r.study(path)
    if doc is None:
        return []
    out = ["### MLP width and decision boundaries", ""]
    out += [
        f"From {_study_source(path, doc)}. {doc.get('notes', '')}. Cells: val accuracy "
        "(train accuracy), by width of the hidden layer.",
        "",
    ]
    rows_ = doc["rows"]
    widths = sorted({x["width"] for x in rows_})
    rows = []
    for dataset in list(dict.fromkeys(x["dataset"] for x in rows_)):
        for l2 in sorted({x["l2"] for x in rows_ if x["dataset"] == dataset}):
            cells = []
            for w in widths:
                one = [x for x in rows_ if (x["dataset"], x["l2"], x["width"]) == (dataset, l2, w)]
                cells.append(
                    f"{one[0]['val_accuracy']:.3f} ({one[0]['train_accuracy']:.3f})"
                    if len(one) == 1
                    else "—"
                )
            rows.append([dataset, f"{l2:g}", *cells])
    out += [*table(["data", "L2 λ", *(str(w) for w in widths)], rows), ""]
    for picture in doc.get("pictures", []):
        out += r.picture(picture, Path(picture).stem, under="mlp_width")
    return out


def _activations(r: Results) -> list[str]:
    path = "mlp_activations/activations.json"
    doc = r.study(path)
    if doc is None:
        return []
    config = doc.get("config", {})
    out = ["### Activations, initialisation and batch norm in a deep MLP", ""]
    shape = (
        f"{config['depth']} × {config['width']} MLP on {config['train_rows']:,} "
        f"{config['data']} training images, {config['epochs']} epochs, batch "
        f"{config['batch_size']}, lr {config['lr']}, seed {config['seed']}. "
        if {"depth", "width", "train_rows", "data", "epochs", "batch_size", "lr", "seed"}
        <= set(config)
        else ""
    )
    out += [
        f"From {_study_source(path, doc)}. {shape}Standard deviations are of the first and "
        "last hidden layer at initialisation; shares are of units at the end of training.",
        "",
    ]
    rows = [
        [x["activation"], x["init"], "yes" if x["batch_norm"] else "no",
         f"{x['final_val_accuracy']:.4f}",
         f"{x['act_std_first_layer_at_init']:.3g} / {x['act_std_last_layer_at_init']:.3g}",
         f"{x['grad_std_first_layer_at_init']:.3g} / {x['grad_std_last_layer_at_init']:.3g}",
         pct(x["dead_share_at_end"], 1), pct(x["saturated_share_at_end"], 1),
         raw(x["cpu_seconds"])]
        for x in doc.get("summary", [])
    ]  # fmt: skip
    out += [*table(
        ["activation", "init", "batch norm", "final val accuracy",
         "activation std first / last", "gradient std first / last", "dead", "saturated",
         "CPU s"], rows
    ), ""]  # fmt: skip
    for picture in doc.get("pictures", []):
        out += r.picture(picture, Path(picture).stem.replace("_", " "), under="mlp_activations")
    return out


SCALE_TASKS = ["word2vec train", "glove co-occurrence counting", "ngram build --order 5"]


def _scale_notes(x: Row) -> str:
    """What a scale.json row says besides its measurements, one cell."""
    said = [str(x[k]) for k in ("settings", "note") if k in x]
    if "flags" in x:
        said.append(f"flags `{x['flags']}`")
    said += [f"{k} {raw(x[k])}" for k in ("vocabulary", "nonzeros", "spills") if k in x]
    for k in ("arpa_identical_to_in_memory", "arpa_identical_to_spilled"):
        if k in x:
            what = k.removeprefix("arpa_identical_to_").replace("_", "-")
            said.append(f"ARPA file identical to the {what} build: " + ("yes" if x[k] else "no"))
    return "; ".join(said)


def _scale_ratios(x: Row) -> str:
    """The row's recorded ratios to the in-memory build and to lmplz, one cell."""
    said = []
    if "seconds_over_in_memory" in x:
        said.append(
            f"in-memory build: wall {raw(x['seconds_over_in_memory'])}×, CPU "
            f"{raw(x.get('cpu_seconds_over_in_memory', '—'))}×"
        )
    if "seconds_over_lmplz" in x:
        said.append(
            f"lmplz: peak RSS {raw(x.get('peak_rss_over_lmplz', '—'))}×, wall "
            f"{raw(x['seconds_over_lmplz'])}×, CPU {raw(x.get('cpu_seconds_over_lmplz', '—'))}×"
        )
    return "; ".join(said) or "—"


def scale(r: Results) -> list[str]:
    if "scale" not in r.docs:
        return []
    doc, cmds = r.doc("scale"), Commands()
    interpreter = doc.get("interpreter_mb")
    out = ["## Scale: corpora bigger than memory", ""]
    out += [
        f"From {r.source('scale')}: {doc['benchmark']}. Machine: "
        f"{doc.get('machine_note', '—')}. "
        + (f"The interpreter alone (Python importing the libraries) peaks at "
           f"{raw(interpreter)} MB; the column after peak RSS subtracts it. "
           if interpreter is not None else "")
        + f"kenlm's `lmplz`: {doc.get('lmplz', '—')}. Each row is one process; repeated "
        "text has the same distinct n-grams, but words under a minimum count at 1× pass it "
        "at 8×, so a vocabulary can grow with the multiple.",
        "",
    ]  # fmt: skip
    rows_ = [x for x in doc["rows"] if x["task"] != "interpreter"]
    rows = []
    for task in _in_order({x["task"] for x in rows_}, SCALE_TASKS):
        in_task = sorted(
            (x for x in rows_ if x["task"] == task), key=lambda x: (x["impl"], x["multiple"])
        )
        for x in in_task:
            rows.append(
                [task, x["impl"], f"{x['multiple']}×", raw(x["corpus_mb"]),
                 raw(x["peak_rss_mb"]),
                 fmt(x["peak_rss_mb"] - interpreter, 1) if interpreter is not None else "—",
                 f"{raw(x['peak_rss_over_1x'])}×" if "peak_rss_over_1x" in x else "—",
                 raw(x["seconds"]), raw(x["cpu_seconds"]), raw(x.get("load_1min", "—")),
                 _scale_ratios(x), _scale_notes(x), cmds.ref(r.command("scale", x))]
            )  # fmt: skip
    out += table(
        ["task", "impl", "corpus", "MB", "peak RSS MB", "minus interpreter", "peak RSS / 1×'s",
         "s (wall)", "CPU s", "load (1 min)", "against", "notes", "run"], rows
    ) + cmds.lines()  # fmt: skip
    return [*out, "", targets("scale"), ""]


def _written_by(doc: dict[str, Any]) -> str:
    """A file's top-level command(s), as markdown (no backticks nested in backticks)."""
    commands = doc.get("commands") or [doc.get("command", NOT_RECORDED)]
    shown = []
    for command in map(str, commands):
        last = command.partition("(this update: ")[2]
        if command.startswith("several:") and last.endswith(")"):
            shown.append(f"several commands, one per row (the last: `{last[:-1]}`)")
        else:
            shown.append(f"`{command}`")
    return "; ".join(shown)


def other_files(r: Results) -> list[str]:
    rest = [f"{name}.json" for name in sorted(set(r.docs) - r.used)]
    rest += sorted(set(r.studies) - r.used)
    if not rest:
        return []
    docs = {**{f"{k}.json": v for k, v in r.docs.items()}, **r.studies}
    out = ["## Other results files", ""]
    return out + [f"- `{name}`: {_written_by(docs[name])}" for name in rest] + [""]


PREAMBLE = """# Results

Generated by `make results` (`python benchmarks/results.py`) from `benchmarks/results/*.json`:
edit those files (by running a benchmark) or the generator, not this page. Every figure here is
a value of a row of those files, or computed from such values; under each table, [n] names the
command that wrote a row, and "(command not recorded)" marks a row whose command its file does
not record. Each file also records its date and the machine it ran on, quoted with it.

How to read them: the machine was a small CPU machine shared with other jobs, so wall-clock
seconds depend on the load and are not comparable between rows or files; speed figures are
ratios against a peer run in the same process, alternating with it where the script says so;
one seed unless stated. The targets quoted are those stated in each benchmark script.
"""


def results_md(r: Results) -> str:
    lines = [*images(r), *language_models(r), *word_vectors(r), *translation(r)]
    lines += [*text_tasks(r), *recognition(r), *gans(r), *features(r), *scale(r)]
    lines += other_files(r)
    return PREAMBLE + "\n" + "\n".join(lines).rstrip("\n") + "\n"


# --- README's headline table ------------------------------------------------------------


def _cell(r: Results, name: str, ours: Row, reference: Row | None) -> str:
    mine = r.command(name, ours)
    theirs = r.command(name, reference) if reference is not None else mine
    if mine == theirs:
        return f"`{name}.json`: " + (f"`{mine}`" if mine else NOT_RECORDED)
    return (
        f"`{name}.json`: ours " + (f"`{mine}`" if mine else NOT_RECORDED) + ", reference "
        + (f"`{theirs}`" if theirs else NOT_RECORDED)
    )  # fmt: skip


def headline(r: Results) -> list[str]:
    rows = []
    knn = r.one("classic", model="knn", impl="dlclassics")
    peer = r.one("classic", model="knn", impl="sklearn")
    k = r.doc("classic")["chosen"]["knn"]["k"]
    rows.append(
        [f"classic classifiers: k-NN, k = {k}, Fashion-MNIST test",
         f"accuracy {raw(knn['test_accuracy'])}", f"scikit-learn: {raw(peer['test_accuracy'])}",
         _cell(r, "classic", knn, peer)]
    )  # fmt: skip

    seeds = r.doc("mlp")["summary"]["seeds"]
    ours = [r.one("mlp", impl="dlclassics", seed=s) for s in seeds]
    bare = [r.one("mlp", impl="bare-torch-loop", seed=s) for s in seeds]
    rows.append(
        [f"MLP: `dlc mlp train` defaults, seeds {', '.join(map(str, seeds))}",
         "accuracy " + " / ".join(fmt(x["test_accuracy"], 4) for x in ours),
         "bare PyTorch loop: " + " / ".join(fmt(x["test_accuracy"], 4) for x in bare),
         _cell(r, "mlp", ours[0], bare[0])]
    )  # fmt: skip

    ops = r.rows("vision_ops", impl="im2col")
    im2col = max(ops, key=lambda x: x["seconds"])  # the larger shape, the one the target names
    torch_op = r.one("vision_ops", impl="torch", shape=im2col["shape"])
    rows.append(
        [f"convolution: im2col conv2d forward + backward, `{im2col['shape']}`",
         f"{raw(im2col['seconds'])} s", f"`F.conv2d`: {raw(torch_op['seconds'])} s",
         _cell(r, "vision_ops", im2col, torch_op)]
    )  # fmt: skip

    resnet = r.one("vision", model="resnet", recipe="resnet", threads=2)
    rows.append(
        [f"CNNs: ResNet-20, `--preset resnet`, {resnet['threads']} threads",
         f"accuracy {raw(resnet['test_accuracy'])} in {raw(resnet['train_seconds'])} s wall",
         "no peer run", _cell(r, "vision", resnet, None)]
    )  # fmt: skip

    kn = r.one("ngram", table="score", impl="dlclassics", input="lines")
    kenlm = next(x for x in r.rows("ngram", table="score") if x["impl"] != "dlclassics")
    rows.append(
        ["n-gram LMs: our KN trigram's ARPA file scored on Brown test",
         f"log10 P {raw(kn['log10_prob'])}", f"{kenlm['impl']}: {raw(kenlm['log10_prob'])}",
         _cell(r, "ngram", kn, kenlm)]
    )  # fmt: skip

    lstm = r.one("lm_brown", model="LSTM", table="brown")
    kn5 = r.one("lm_brown", model="modified KN 5-gram")
    rows.append(
        [f"neural LMs: LSTM, {fmt(lstm['cpu_budget'], 0)} CPU-s, Brown test perplexity",
         raw(lstm["test_ppl"]), f"our modified KN 5-gram: {raw(kn5['test_ppl'])}",
         _cell(r, "lm_brown", lstm, kn5)]
    )  # fmt: skip

    sg = r.one("word2vec_vs_gensim", impl="dlclassics", config="sg-ns")
    gensim = r.one("word2vec_vs_gensim", impl="gensim", config="sg-ns")
    rows.append(
        ["word vectors: skip-gram, negative sampling",
         f"{raw(sg['words_per_sec'])} words/s, analogy {pct(sg['analogy_acc'])}",
         f"gensim: {raw(gensim['words_per_sec'])} words/s, {pct(gensim['analogy_acc'])}",
         _cell(r, "word2vec_vs_gensim", sg, gensim)]
    )  # fmt: skip

    where = {"round": "s2s-L30-bpe4k-c3600", "split": "test", "alpha_from": "val"}
    transformer = r.one("seq2seq", **where, model="transformer")
    rnn = r.one("seq2seq", **where, model="gru-bahdanau")
    rows.append(
        [f"translation: {transformer['pair']}, BPE, beam {transformer['beam']}, α from val",
         f"Transformer BLEU {raw(transformer['bleu'])} (α {raw(transformer['alpha'])})",
         f"GRU + Bahdanau attention: {raw(rnn['bleu'])} (α {raw(rnn['alpha'])})",
         _cell(r, "seq2seq", transformer, rnn)]
    )  # fmt: skip

    beam = r.doc("beam_speed")["rows"][0]
    rows.append(
        [f"beam search: batched, {beam['sentences']:,} sentences, beam {beam['beam']}",
         f"{fmt(beam['batched_seconds'], 1)} s",
         f"per-sentence loop: {fmt(beam['per_sentence_seconds'], 1)} s, same tokens: "
         + ("yes" if beam["same_tokens"] else "no"),
         _cell(r, "beam_speed", beam, None)]
    )  # fmt: skip
    rows += _headline_new_families(r)
    return table(["family", "ours", "reference", "from (file: command)"], rows)


def _headline_new_families(r: Results) -> list[list[str]]:
    """Sequence labelling, OCR, GANs, features: each row only when its rows are there."""
    rows = []
    tagged = [
        x
        for x in r.docs.get("text_tasks", {}).get("rows", [])
        if x["task"].startswith("pos-") and x["impl"] == "dlclassics"
    ]
    crf = {x["task"]: x for x in r.docs.get("text_tasks", {}).get("rows", [])
           if x["impl"] == "crfsuite"}  # fmt: skip
    tagged = [x for x in tagged if x["task"] in crf]
    if tagged:
        ours = max(tagged, key=lambda x: x["test"])  # our best POS task
        peer = crf[ours["task"]]
        rows.append(
            [f"sequence labelling: POS tagging, `{ours['task']}`, test {ours['metric']}",
             f"BiLSTM tagger {raw(ours['test'])}", f"sklearn-crfsuite CRF: {raw(peer['test'])}",
             _cell(r, "text_tasks", ours, peer)]
        )  # fmt: skip

    if "ocr" in r.docs:
        conditions = ["clean", "augmented"]
        ours = [r.rows("ocr", lang="en", impl="dlclassics", decoder="beam+lm", condition=c)
                for c in conditions]  # fmt: skip
        tess = [r.rows("ocr", lang="en", impl="tesseract", condition=c) for c in conditions]
        if all(len(x) == 1 for x in ours + tess):
            rows.append(
                [f"OCR: English rendered lines ({ours[0][0]['lines']:,}), clean / augmented, "
                 "beam + LM decoding",
                 "CER " + " / ".join(pct(x[0]["cer"]) for x in ours),
                 "Tesseract: " + " / ".join(pct(x[0]["cer"]) for x in tess),
                 _cell(r, "ocr", ours[0][0], tess[0][0])]
            )  # fmt: skip

    if "gan" in r.docs:
        dcgan = r.rows("gan", run="fashion-mnist/dcgan")
        mlp = r.rows("gan", run="fashion-mnist/mlp-gan")
        if len(dcgan) == 1 and len(mlp) == 1 and dcgan[0].get("fid_own") is not None:
            d, m = dcgan[0], mlp[0]
            rows.append(
                [f"GANs: Fashion-MNIST DCGAN, {d['steps']:,} steps, `fid_own` (lower is better; "
                 f"real images {fmt(d['fid_own_real_floor'], 2)})",
                 fmt(d["fid_own"], 1), f"our MLP GAN: {fmt(m['fid_own'], 1)}",
                 _cell(r, "gan", d, m)]
            )  # fmt: skip

    if "features" in r.docs:
        names = ["svm", "softmax", "knn"]
        cnn = [r.rows("features", data="fashion-mnist", features="cnn", classifier=c)
               for c in names]  # fmt: skip
        hog = [r.rows("features", data="fashion-mnist", features="hog", classifier=c)
               for c in names]  # fmt: skip
        if all(len(x) == 1 for x in cnn + hog):
            rows.append(
                ["features: Fashion-MNIST test accuracy, linear SVM / softmax / k-NN",
                 "LeNet features " + " / ".join(raw(x[0]["test_accuracy"]) for x in cnn),
                 "HOG: " + " / ".join(raw(x[0]["test_accuracy"]) for x in hog),
                 _cell(r, "features", cnn[0][0], hog[0][0])]
            )  # fmt: skip
    return rows


def readme_block(r: Results) -> str:
    lines = [
        BEGIN,
        "<!-- generated by `make results` from benchmarks/results/*.json; do not edit -->",
        *headline(r),
        "",
        "Every table, its caveats and each row's command: "
        "[benchmarks/RESULTS.md](benchmarks/RESULTS.md).",
        END,
    ]
    return "\n".join(lines)


def with_block(readme: str, block: str) -> str:
    """``readme`` with the text from BEGIN to END (markers included) replaced by ``block``."""
    start, stop = readme.find(BEGIN), readme.find(END)
    if start < 0 or stop < start:
        raise ValueError(f"README.md needs the markers {BEGIN} … {END}, in that order")
    return readme[:start] + block + readme[stop + len(END) :]


def render(results_dir: Path, readme: str) -> tuple[str, str]:
    """(RESULTS.md, README.md) for the JSON files in ``results_dir``."""
    r = Results(results_dir)
    block = readme_block(r)  # before RESULTS.md: its "other files" are the ones neither uses
    return results_md(r), with_block(readme, block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results", help="JSON folder")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--out", type=Path, default=None, help="write here (default: in place)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = parser.parse_args(argv)
    results, readme = render(args.results, args.readme.read_text(encoding="utf-8"))
    targets_ = {HERE / "RESULTS.md": results, args.readme: readme}
    if args.check:
        stale = [
            p
            for p, text in targets_.items()
            if not p.is_file() or p.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"{path} is out of date: run `make results`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in targets_.items():
        out = path if args.out is None else args.out / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
