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

README.md keeps one headline table between the ``<!-- results:begin -->`` and
``<!-- results:end -->`` markers; nothing else in README is touched. The standard library
is enough: the test suite runs this without torch.
"""

from __future__ import annotations

import argparse
import ast
import json
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
    {"beam_speed", "classic", "classic_quick", "mlp", "ngram", "vision_ops", "word2vec_zh"}
)


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
        self.docs = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*.json"))
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


def targets(script: str) -> str:
    """The "Target(s)" paragraph of ``benchmarks/<script>.py``'s docstring, one line."""
    path = HERE / f"{script}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith("Target"):
            text = " ".join(paragraph.split()).replace("``", "`")
            return f"{text} (`benchmarks/{script}.py`)"
    raise ValueError(f"benchmarks/{script}.py: its docstring has no 'Targets' paragraph")


# --- the sections of RESULTS.md ---------------------------------------------------------


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
    rows = []
    for row in r.doc("vision")["rows"]:
        if "model" not in row:
            continue
        cpu = fmt(row["train_cpu_seconds"], 1) if "train_cpu_seconds" in row else "—"
        rows.append(
            [row["model"], row["recipe"], "yes" if row["augment"] else "no", str(row["threads"]),
             raw(row["epochs"]), f"{row['params']:,}", fmt(row["test_accuracy"], 4),
             fmt(row["train_seconds"], 1), cpu, row.get("load_average", ""),
             cmds.ref(r.command("vision", row))]
        )  # fmt: skip
    out += table(
        ["model", "recipe", "augment", "threads", "epochs", "parameters", "test accuracy",
         "s (wall)", "CPU s", "machine load", "run"], rows
    ) + cmds.lines()  # fmt: skip
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
             f"{pct(ours['analogy_acc'])} / {pct(peer['analogy_acc'])}",
             f"{ours['ws353']} / {peer['ws353']}", f"{ours['simlex']} / {peer['simlex']}", run]
        )  # fmt: skip
    out += table(
        ["config", "epochs", "words/s ours / gensim", "analogy ours / gensim",
         "WS-353 ours / gensim", "SimLex-999 ours / gensim", "run"], rows
    )  # fmt: skip
    out += [
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
        boot = goal.get("paired_bootstrap", {})
        p = [
            boot[s]["p_value"] for s in ("greedy", "beam5_alpha0.6", "beam5_val_alpha") if s in boot
        ]
        rows.append(
            [f"`{key}`", gain, "yes" if not short else "no: " + ", ".join(short),
             " / ".join(f"{d:+}" for d in deltas if d is not None),
             " / ".join(str(x) for x in p) if p else "—"]
        )  # fmt: skip
    out += table(
        ["round_pair", "attention − fixed context, BLEU (greedy / beam)", "beam ≥ greedy",
         "Transformer − best RNN (greedy / α 0.6 / val α)", "paired bootstrap p (same order)"],
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


def other_files(r: Results) -> list[str]:
    rest = sorted(set(r.docs) - r.used)
    if not rest:
        return []
    out = ["## Other results files", ""]
    return out + [f"- `{name}.json`: `{r.docs[name]['command']}`" for name in rest] + [""]


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
    return table(["family", "ours", "reference", "from (file: command)"], rows)


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
