"""``dlc vectors`` — query, evaluate, draw and convert trained word vectors.

    dlc vectors similar king --vectors runs/w2v               # nearest words by cosine
    dlc vectors analogy king man woman                        # king − man + woman ≈ queen
    dlc vectors eval --lang en                                # Google analogies, WS-353, SimLex
    dlc vectors eval --lang zh --vectors runs/w2v-zh          # Chinese analogies, Cilin synonyms
    dlc vectors plot 男人,国王,父亲 女人,王后,母亲 --arrows --out gender.png
    dlc vectors export --out runs/projector                   # TensorBoard projector files
    dlc vectors convert runs/w2v/vectors.bin vectors.txt      # word2vec text/binary, native

``--vectors`` takes a run directory (``dlc word2vec train --out DIR`` / ``dlc glove train``
write ``DIR/vectors.bin``), a word2vec ``.bin``/``.txt`` file (gensim's and the C tool's
included) or a native ``.safetensors`` save.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import tyro

from dlclassics.commands import Command
from dlclassics.embeddings.keyed import AnalogyMethod, KeyedVectors
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import write_json
from dlclassics.registry import Registry

DEFAULT_VECTORS = Path("runs/w2v")  # the run directory of `dlc word2vec train`'s examples
VectorsPath = Path  # run directory, word2vec .bin/.txt file, or native .safetensors

METHOD_NAMES = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}


def load(path: Path) -> KeyedVectors:
    """The vectors at ``path``, or one clear error saying how to get some."""
    from dlclassics.embeddings.formats import load_vectors

    if not path.exists():
        raise DataError(
            f"no vectors at {path}: train some with `dlc word2vec train --corpus sotu "
            f"--lowercase --out {path}`, or pass --vectors DIR_OR_FILE (a run directory, "
            ".bin, .txt or .safetensors)"
        )
    return load_vectors(path)


def _describe(kv: KeyedVectors) -> str:
    return f"{len(kv):,} words, dim {kv.dim}"


# -- similar -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SimilarConfig:
    word: Annotated[str, tyro.conf.Positional]  # the query word
    vectors: VectorsPath = DEFAULT_VECTORS  # run directory or vectors file
    topn: int = 10  # how many neighbours to list
    restrict: int | None = None  # answer only from the N most frequent words


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(neighbours: list[tuple[str, float]]) -> str:
    width = max((_width(w) for w, _ in neighbours), default=0)
    return "\n".join(
        f"  {i:>3}  {w}{' ' * (width - _width(w))}  {s:.3f}"
        for i, (w, s) in enumerate(neighbours, 1)
    )


def similar_command(config: SimilarConfig) -> int:
    kv = load(config.vectors)
    neighbours = kv.most_similar(config.word, topn=config.topn, restrict=config.restrict)
    print(f"nearest to {config.word} by cosine similarity ({_describe(kv)}):")
    print(_table(neighbours))
    return 0


# -- analogy -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AnalogyConfig:
    words: Annotated[tuple[str, str, str], tyro.conf.Positional]  # A B C: answers A − B + C
    vectors: VectorsPath = DEFAULT_VECTORS  # run directory or vectors file
    method: AnalogyMethod = "3cosadd"  # 3cosadd: cos(d, â − b̂ + ĉ); 3cosmul: Levy & Goldberg
    topn: int = 5  # how many answers to list
    restrict: int | None = None  # answer only from the N most frequent words


def explain_analogy(a: str, b: str, c: str, answer: tuple[str, float], method: str) -> str:
    """``"king − man + woman ≈ queen (cos 0.71)"`` and how to read it."""
    word, score = answer
    measure = "cos" if method == "3cosadd" else "3CosMul score"
    return (
        f"{a} − {b} + {c} ≈ {word} ({measure} {score:.2f})\n"
        f"  i.e. {b} is to {a} as {c} is to {word}: the offset {b} → {a} added to {c}"
    )


def analogy_command(config: AnalogyConfig) -> int:
    kv = load(config.vectors)
    a, b, c = config.words
    answers = kv.analogy(a, b, c, method=config.method, topn=config.topn, restrict=config.restrict)
    if not answers:
        raise DataError("no candidate answers: the vocabulary holds only the three query words")
    print(explain_analogy(a, b, c, answers[0], config.method))
    print(f"best {len(answers)} by {METHOD_NAMES[config.method]} ({_describe(kv)}):")
    print(_table(answers))
    return 0


# -- eval ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EvalConfig:
    vectors: VectorsPath = DEFAULT_VECTORS  # run directory or vectors file
    lang: Literal["en", "zh"] = "en"  # en: analogy-en, wordsim353, simlex999; zh: analogy-zh, cilin
    questions: Path | None = None  # an analogy file (questions-words.txt format) instead
    restrict: int = 30_000  # most frequent words used for analogies and Cilin (gensim: 30,000)
    method: AnalogyMethod = "3cosadd"  # how analogies are answered
    out: Path | None = None  # results JSON (default: eval_<lang>.json in a run directory)


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f} %"


def _analogy_report(name: str, r: dict[str, Any]) -> list[str]:
    lines = [
        f"analogies ({name}, top {r['restrict']:,} words, {METHOD_NAMES[r['method']]}): "
        f"{_pct(r['accuracy'])} of {r['answered']:,} answered; {r['oov']:,} of "
        f"{r['questions']:,} skipped (a word not among the {r['restrict']:,} most frequent)"
    ]
    for part in ("semantic", "syntactic"):
        if r[part]["answered"] + r[part]["oov"]:
            lines.append(f"  {part:<30} {_pct(r[part]['accuracy']):>8}  of {r[part]['answered']:,}")
    for section, s in r["sections"].items():
        lines.append(f"    {section:<28} {_pct(s['accuracy']):>8}  of {s['answered']:,}")
    return lines


def _similarity_report(name: str, r: dict[str, Any]) -> str:
    return (
        f"{name}: Spearman {r['spearman']:.3f}, Pearson {r['pearson']:.3f} "
        f"({r['pairs']} pairs; {r['oov']} skipped as out of vocabulary)"
    )


def _eval_en(kv: KeyedVectors, config: EvalConfig) -> tuple[dict[str, Any], list[str]]:
    from dlclassics.embeddings.evaluate import evaluate_analogies, evaluate_similarity

    analogies = evaluate_analogies(
        kv, config.questions, restrict=config.restrict, method=config.method
    )
    results: dict[str, Any] = {"analogy": analogies}
    lines = _analogy_report(str(config.questions or "analogy-en"), analogies)
    for name in ("wordsim353", "simlex999"):
        results[name] = evaluate_similarity(kv, name)
        lines.append(_similarity_report(name, results[name]))
    return results, lines


def _eval_zh(kv: KeyedVectors, config: EvalConfig) -> tuple[dict[str, Any], list[str]]:
    from dlclassics.embeddings import analogy_zh
    from dlclassics.embeddings.evaluate import evaluate_analogies, evaluate_cilin

    questions = config.questions or analogy_zh.PATH
    analogies = evaluate_analogies(kv, questions, restrict=config.restrict, method=config.method)
    cilin = evaluate_cilin(kv, restrict=config.restrict)
    lines = _analogy_report(str(config.questions or "analogy-zh"), analogies)
    lines.append(
        f"cilin synonyms: mean rank {cilin['mean_rank']:.0f}, median {cilin['median_rank']:.0f} "
        f"among {cilin['vocab']:,} words (random ≈ {cilin['vocab'] / 2:,.0f}); precision@"
        f"{cilin['k']} {cilin['precision_at_k']:.3f} ({cilin['groups']:,} groups, "
        f"{cilin['queries']:,} query words)"
    )
    return {"analogy": analogies, "cilin": cilin}, lines


EVALUATIONS = {"en": _eval_en, "zh": _eval_zh}


def eval_command(config: EvalConfig) -> int:
    kv = load(config.vectors)
    results, lines = EVALUATIONS[config.lang](kv, config)
    print(f"{config.vectors} ({_describe(kv)})")
    print("\n".join(lines))
    out = config.out
    if out is None and config.vectors.is_dir():
        out = config.vectors / f"eval_{config.lang}.json"
    if out is not None:
        write_json(out, {"vectors": config.vectors, "lang": config.lang, **results})
        print(f"results: {out}")
    return 0


# -- plot ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlotConfig:
    words: Annotated[tuple[str, ...], tyro.conf.Positional]  # words; a,b,c makes one group
    out: Path  # the PNG to write
    vectors: VectorsPath = DEFAULT_VECTORS  # run directory or vectors file
    method: Literal["pca", "tsne"] = "pca"  # pca keeps analogy offsets parallel; tsne clusters
    arrows: bool = False  # arrows from the first group's words to the second's (男人 → 女人)
    seed: int = 0  # t-SNE's random state


def parse_groups(args: tuple[str, ...]) -> dict[str, list[str]]:
    """``("a,b", "c,d", "e")`` → ``{"a, b": [a, b], "c, d": [c, d], "e": [e]}``."""
    groups: dict[str, list[str]] = {}
    for arg in args:
        words = [w for w in arg.replace("，", ",").split(",") if w]
        if words:
            groups.setdefault(", ".join(words), words)
    return groups


def plot_command(config: PlotConfig) -> int:
    from dlclassics.embeddings.plot import plot_words

    groups = parse_groups(config.words)
    if not groups:
        raise ConfigError("name the words to plot, e.g. `dlc vectors plot king,queen man,woman`")
    kv = load(config.vectors)
    single = all(len(g) == 1 for g in groups.values())
    layout: Any = [w for g in groups.values() for w in g] if single else groups
    path = plot_words(
        kv,
        layout,
        config.out,
        method=config.method,
        arrows=config.arrows,
        seed=config.seed,
        fetch_font=True,  # Chinese labels on a machine without a CJK font: fetch wqy-microhei
    )
    print(f"plot: {path}")
    return 0


# -- export and convert --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ExportConfig:
    out: Path  # directory for tensors.tsv, metadata.tsv, projector_config.pbtxt
    vectors: VectorsPath = DEFAULT_VECTORS  # run directory or vectors file
    top_n: int = 10_000  # most frequent words to export (the projector's comfortable limit)


def export_command(config: ExportConfig) -> int:
    from dlclassics.embeddings.projector import export_projector

    out = export_projector(load(config.vectors), config.out, top_n=config.top_n)
    print(f"projector files: {out} (view with `tensorboard --logdir {out}`, Projector tab)")
    return 0


@dataclass(frozen=True, kw_only=True)
class ConvertConfig:
    paths: Annotated[tuple[str, str], tyro.conf.Positional]  # SOURCE DESTINATION
    format: Literal["auto", "bin", "txt", "native"] = "auto"  # auto: from DESTINATION's suffix


FORMAT_BY_SUFFIX = {".bin": "bin", ".txt": "txt", ".vec": "txt", ".safetensors": "native"}


def convert_command(config: ConvertConfig) -> int:
    from dlclassics.embeddings.formats import save_native, save_word2vec_format

    source, destination = (Path(p) for p in config.paths)
    fmt: str = config.format
    if fmt == "auto":
        fmt = FORMAT_BY_SUFFIX.get(destination.suffix, "native" if not destination.suffix else "")
        if not fmt:
            raise ConfigError(
                f"cannot tell the format of {destination} from its suffix; use .bin, .txt, "
                ".safetensors or --format bin|txt|native"
            )
    kv = load(source)
    if fmt == "native":
        destination = save_native(kv, destination)
    else:
        save_word2vec_format(kv, destination, binary=fmt == "bin")
    print(f"{destination}: {_describe(kv)} ({fmt})")
    return 0


COMMANDS: Registry[Command] = Registry("vectors command")
COMMANDS.add(
    "similar",
    Command(config=SimilarConfig, run=similar_command),
)
COMMANDS.add(
    "analogy",
    Command(config=AnalogyConfig, run=analogy_command),
)
COMMANDS.add(
    "eval",
    Command(
        config=EvalConfig,
        run=eval_command,
    ),
)
COMMANDS.add(
    "plot",
    Command(config=PlotConfig, run=plot_command),
)
COMMANDS.add(
    "export",
    Command(
        config=ExportConfig,
        run=export_command,
    ),
)
COMMANDS.add(
    "convert",
    Command(config=ConvertConfig, run=convert_command),
)
