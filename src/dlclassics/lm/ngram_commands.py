"""``dlc ngram build | perplexity | generate``: n-gram language models as ARPA files.

    dlc ngram build --order 3 --text brown --arpa runs/brown3.arpa --min-count 4
    dlc ngram perplexity --arpa runs/brown3.arpa --text brown:test
    dlc ngram generate --arpa runs/brown3.arpa --seed 0 --sentences 3

``--memory 1G`` counts within that budget: blocks of the text are counted, sorted and
spilled to disk (``--tmp-dir``), then merged — kenlm's ``lmplz -S``; the ARPA file is the
same, byte for byte, as without it (:mod:`dlclassics.ngram.external`).

``--cluster local:2`` counts on a Dask cluster — here 2 worker processes; a scheduler
address (``tcp://host:8786``) uses machines started with ``dask scheduler`` and ``dask
worker tcp://host:8786`` that see ``--text`` (a file or a directory) at the same path. How
to run it on several machines: :mod:`dlclassics.ngram.cluster`.

``--text`` is a UTF-8 file with one sentence per line (tokens separated by whitespace), or
a registered corpus: ``brown`` (its train split), ``brown:val``, ``brown:test``,
``peoples-daily[:split]``, … (see :mod:`dlclassics.data.corpora`). Perplexity counts every word
and ``</s>``, not ``<s>``, and scores unknown words as ``<unk>`` — the convention of kenlm,
so figures compare with ``kenlm.Model(arpa).perplexity``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from dlclassics.commands import Command
from dlclassics.data.corpora import Text
from dlclassics.errors import ConfigError
from dlclassics.ngram import SMOOTHERS, count_ngrams, estimate
from dlclassics.ngram.arpa import read_arpa, write_arpa
from dlclassics.ngram.cluster import count_ngrams_dask
from dlclassics.ngram.external import count_ngrams_external, parse_memory, table_entries_for
from dlclassics.ngram.smoothing import AddK
from dlclassics.registry import Registry

log = logging.getLogger(__name__)

SmoothingName = Literal["mkn", "kn", "absolute", "katz", "interp", "addk", "mle"]


@dataclass(frozen=True, kw_only=True)
class BuildConfig:
    text: str  # training text: a file (one sentence per line) or a corpus (brown, brown:val)
    arpa: Path  # where to write the model (ARPA format, loads in kenlm and SRILM)
    order: int = 3  # n: each word is predicted from the n − 1 words before it
    smoothing: SmoothingName = "mkn"  # mkn: modified Kneser–Ney (best); the table: dlclassics.ngram
    k: float = 1.0  # add-k pseudo-count (addk only; 1 = Laplace)
    min_count: int = 1  # words seen fewer times in the text become <unk> (Brown bench: 4)
    max_vocab: int | None = None  # keep at most this many vocabulary entries (4 specials incl.)
    valid: str | None = None  # held-out text tuning interp's λ; None: the corpus's val split
    memory: str | None = None  # e.g. 1G: count in blocks spilled to disk (lmplz -S); None: in RAM
    tmp_dir: Path | None = None  # where spilled blocks go (lmplz -T); None: the system's temp
    cluster: str | None = None  # count on Dask: local:2 (2 local workers) or tcp://host:8786
    partition_mb: int = 64  # --cluster: a plain-text file is cut into parts of this many MB

    def __post_init__(self) -> None:
        if self.order < 1:
            raise ConfigError(f"--order {self.order} must be ≥ 1 (n of the n-gram model)")
        AddK(k=self.k)  # validates k
        if self.memory is not None:
            table_entries_for(parse_memory(self.memory), self.order)  # one block must fit
        if self.partition_mb < 1:
            raise ConfigError(f"--partition-mb {self.partition_mb} must be ≥ 1")
        if self.memory is not None and self.cluster is not None:
            raise ConfigError("--memory and --cluster: choose one (a cluster counts in parts)")


def build(config: BuildConfig) -> int:
    start = time.perf_counter()
    text = Text(config.text)
    if config.cluster is not None:
        logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO: every worker
        counts = count_ngrams_dask(
            config.text,
            config.order,
            cluster=config.cluster,
            min_count=config.min_count,
            max_size=config.max_vocab,
            partition_bytes=config.partition_mb << 20,
        )
    elif config.memory is None:
        counts = count_ngrams(
            text, config.order, min_count=config.min_count, max_size=config.max_vocab
        )
    else:
        counts = count_ngrams_external(
            text,
            config.order,
            memory=parse_memory(config.memory),
            min_count=config.min_count,
            max_size=config.max_vocab,
            tmp_dir=config.tmp_dir,
        )
    held_out = None
    if SMOOTHERS[config.smoothing].held_out:
        held_out = Text(config.valid) if config.valid else text.sibling("val")
        if held_out is None:
            raise ConfigError(
                f"--smoothing {config.smoothing} tunes its weights on held-out text; "
                "pass --valid FILE (one sentence per line)"
            )
    settings = AddK(k=config.k) if config.smoothing == "addk" else None  # else defaults
    model = estimate(counts, config.smoothing, settings, held_out=held_out)
    write_arpa(model, config.arpa)
    sizes = "  ".join(
        f"{n}-grams {int(model.listed(n).sum()):,}" for n in range(1, config.order + 1)
    )
    print(
        f"{config.order}-gram {config.smoothing} model of {text}: {counts.sentences:,} "
        f"sentences, {counts.tokens:,} tokens, vocabulary {len(counts.vocab):,}; {sizes}; "
        f"wrote {config.arpa} in {time.perf_counter() - start:.1f} s"
    )
    return 0


@dataclass(frozen=True, kw_only=True)
class PerplexityConfig:
    arpa: Path  # an ARPA file (from `dlc ngram build`, kenlm's lmplz or SRILM)
    text: str  # sentences to score: a file (one per line) or a corpus (brown:test)


def perplexity(config: PerplexityConfig) -> int:
    model = read_arpa(config.arpa)
    score = model.score(Text(config.text))
    print(
        f"perplexity {score.perplexity:.2f} on {Text(config.text)}: log10 P = "
        f"{score.log10_prob:.2f} over {score.tokens:,} tokens ({score.sentences:,} sentences, "
        f"</s> counted, <s> not; {score.oov:,} out-of-vocabulary words scored as <unk>)"
    )
    return 0


@dataclass(frozen=True, kw_only=True)
class GenerateConfig:
    arpa: Path  # an ARPA file
    seed: int = 0  # seeds numpy's default_rng: the same seed gives the same sentences
    max_tokens: int = 50  # stop a sentence after this many words if </s> has not come
    sentences: int = 1  # how many sentences to sample

    def __post_init__(self) -> None:
        if self.max_tokens < 1 or self.sentences < 1:
            raise ConfigError("--max-tokens and --sentences must be ≥ 1")


def generate(config: GenerateConfig) -> int:
    model = read_arpa(config.arpa)
    rng = np.random.default_rng(config.seed)
    for _ in range(config.sentences):
        print(" ".join(model.generate(rng, max_tokens=config.max_tokens)))
    return 0


COMMANDS: Registry[Command] = Registry("ngram command")
COMMANDS.add(
    "build",
    Command(config=BuildConfig, run=build),
)
COMMANDS.add(
    "perplexity",
    Command(
        config=PerplexityConfig,
        run=perplexity,
    ),
)
COMMANDS.add(
    "generate",
    Command(config=GenerateConfig, run=generate),
)
