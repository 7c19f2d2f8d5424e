"""``dlc translate``: translate text with a trained run — arguments, a file or stdin, batched.

    dlc translate --run-dir runs/s2s "In the beginning, God created the heavens."
    dlc translate --run-dir runs/s2s --file verses.en.txt > verses.es.txt
    cat verses.en.txt | dlc translate --run-dir runs/s2s --beam 10 --n-best 3

Every input line becomes one output line (so ``paste`` lines them up), translated by beam
search (:mod:`dlclassics.seq2seq.search`, notes 003 "Beam search") and detokenized
(:func:`dlclassics.seq2seq.bleu.detokenize`). All lines are decoded together, sorted by
length into batches of ``--batch-size`` sentences. With ``--n-best N`` > 1 each line gives
N lines in the Moses n-best format ``LINE ||| translation ||| score``.

What happens to unusual input (documented behaviour, tested):

* **no text at all** (no argument, an empty file, empty stdin, or only blank lines): an
  error, exit code 2 — there is nothing to translate;
* **an empty or blank line** among others: an empty output line, so the output stays
  aligned with the input;
* **a sentence far longer than the training data**: the source is cut to ``--max-tokens``
  tokens (default 4 × the run's ``--max-len``, e.g. 80 for the Bible runs trained on ≤ 20
  tokens) and a warning names the line; beyond that a model has never seen anything like
  it, and decoding time grows with the length;
* **unknown words**: a source word outside the training vocabulary is read as ``<unk>``.
  An ``<unk>`` the model writes is replaced by the source word it attends to most
  (Luong et al. 2015, "Addressing the rare word problem": names and numbers pass
  through); a model without attention leaves ``<unk>``. A line whose words (tokens with a
  letter or digit) are *all* unknown is not decoded: it is copied to the output unchanged,
  with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
import tyro

from dlclassics.data.vocab import UNK, Vocab
from dlclassics.errors import ConfigError
from dlclassics.seq2seq.bleu import detokenize
from dlclassics.seq2seq.heatmap import plot_attention
from dlclassics.seq2seq.interface import Seq2SeqModel
from dlclassics.seq2seq.search import Hypothesis, Penalty, SearchConfig, decode
from dlclassics.seq2seq.subword import Subwords

log = logging.getLogger(__name__)

LONG_INPUT_FACTOR = 4  # default --max-tokens = this × the run's training --max-len

__all__ = ["TranslateConfig", "Translator", "translate_lines"]


@dataclass
class Translator:
    """A trained run ready to decode: model (eval mode, on ``device``), vocabularies, sizes."""

    model: Seq2SeqModel
    src_vocab: Vocab
    tgt_vocab: Vocab
    max_len: int  # the longest sentence (tokens) the run trained on
    device: torch.device
    subwords: tuple[Subwords, Subwords] | None = None  # (source, target) BPE; None = words

    @classmethod
    def load(
        cls, run_dir: Path, *, which: Literal["best", "last"] = "best", device: str = "auto"
    ) -> Translator:
        """The run in ``run_dir``; CheckpointError (one line) if it is not a translation run."""
        from dlclassics.seq2seq.run import load_model, load_subwords
        from dlclassics.train.distributed import resolve_device

        model, src_vocab, tgt_vocab, config = load_model(run_dir, which)
        dev = resolve_device(device)
        subwords = load_subwords(Path(run_dir), config)
        return cls(model.to(dev), src_vocab, tgt_vocab, config.max_len, dev, subwords)  # type: ignore[arg-type]

    def segment(self, words: Sequence[str]) -> list[str]:
        """Source word tokens → the model's source tokens (BPE pieces, or the words)."""
        return list(words) if self.subwords is None else self.subwords[0].encode(words)

    def source_ids(self, words: Sequence[str]) -> list[int]:
        """Source word tokens → the ids the encoder reads."""
        return self.src_vocab.encode(self.segment(words))

    def search(
        self,
        sources: Sequence[Sequence[int]],
        config: SearchConfig,
        *,
        method: Literal["greedy", "beam"] = "beam",
        batch_size: int = 64,
    ) -> list[list[Hypothesis]]:
        """n-best lists for source id sequences (each non-empty), in the order given.

        Sentences are sorted by length and decoded ``batch_size`` at a time, so a batch
        holds sentences of similar length (little padding, and they finish together).
        """
        out: list[list[Hypothesis]] = [[] for _ in sources]
        for chunk, src, lengths in self.batches(sources, batch_size):
            found = decode(self.model, src, lengths, config, method=method)
            for i, nbest in zip(chunk, found, strict=True):
                out[i] = nbest
        return out

    def batches(
        self, sources: Sequence[Sequence[int]], batch_size: int
    ) -> list[tuple[list[int], torch.Tensor, torch.Tensor]]:
        """(indices, src (B, S), src_lengths (B,)) on the device: sources sorted by length,
        ``batch_size`` at a time, padded with the source pad id."""
        if batch_size < 1:
            raise ConfigError(f"batch_size={batch_size} must be ≥ 1")
        order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
        out = []
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            lengths = torch.tensor([len(sources[i]) for i in chunk])  # (B,)
            src = torch.full((len(chunk), int(lengths.max())), self.src_vocab.pad_id)  # (B, S)
            for row, i in enumerate(chunk):
                src[row, : len(sources[i])] = torch.tensor(sources[i])
            out.append((chunk, src.to(self.device), lengths.to(self.device)))
        return out

    def words(self, hypothesis: Hypothesis, source: Sequence[str] | None = None) -> list[str]:
        """Target words of a hypothesis; with ``source`` tokens (:meth:`segment`'s) and
        attention, each ``<unk>`` becomes the source token it attends to most (Luong et al.
        2015). Subword pieces are joined back into words."""
        tokens = self.tgt_vocab.decode(hypothesis.tokens)
        if source is not None and hypothesis.attention is not None:
            focus = hypothesis.attention.argmax(dim=-1).tolist()  # (len(tokens) + 1,)
            tokens = [source[focus[t]] if w == UNK else w for t, w in enumerate(tokens)]
        return tokens if self.subwords is None else self.subwords[1].decode(tokens)


@dataclass(frozen=True, kw_only=True)
class TranslateConfig:
    # sentences to translate (each may hold several lines); none = --file or stdin
    text: tyro.conf.Positional[tuple[str, ...]] = ()
    run_dir: Path = Path("runs/seq2seq")  # a directory written by `dlc seq2seq train`
    file: Path | None = None  # UTF-8 text, one sentence per line (instead of text or stdin)
    beam: int = 5  # beam width K
    alpha: float = 0.6  # length normalization: score = log P / lp(|Y|), lp = |Y|^α
    penalty: Penalty = "length"  # or "gnmt": lp = ((5 + |Y|) / 6)^α
    n_best: int = 1  # translations per line (> 1: Moses format LINE ||| text ||| score)
    max_tokens: int | None = None  # longer sources are cut (None = 4 × the run's max-len)
    batch_size: int = 64  # sentences decoded together
    heatmaps: Path | None = None  # write one attention heatmap PNG per line into this folder
    which: Literal["best", "last"] = "best"  # weights with the best validation loss, or latest
    device: str = "auto"  # auto = cuda if available, else cpu


def translate_lines(
    translator: Translator, lines: Sequence[str], config: TranslateConfig
) -> list[list[tuple[str, float]]]:
    """Each line's n-best (text, score) list; [] for a blank line (see the module doc)."""
    from dlclassics.seq2seq.data import tokenize

    limit = config.max_tokens
    if limit is None:
        limit = LONG_INPUT_FACTOR * translator.max_len
    if limit < 1:
        raise ConfigError(f"max_tokens={limit} must be ≥ 1")
    search = SearchConfig(
        beam=config.beam,
        alpha=config.alpha,
        penalty=config.penalty,
        n_best=config.n_best,
        attention=True,  # for <unk> replacement and heatmaps; a few lines, cheap
    )
    words: list[list[str]] = []
    todo: list[int] = []  # lines that go through the model
    results: list[list[tuple[str, float]]] = [[] for _ in lines]
    for n, line in enumerate(lines):
        tokens = tokenize(line)
        if len(tokens) > limit:
            log.warning(
                "line %d has %d tokens, more than the %d this model handles (%d × its training "
                "max-len %d); translating its first %d",
                n + 1, len(tokens), limit, LONG_INPUT_FACTOR, translator.max_len, limit,
            )  # fmt: skip
            tokens = tokens[:limit]
        words.append(tokens)
        if not tokens:
            continue
        words_only = [t for t in tokens if any(c.isalnum() for c in t)]  # not punctuation
        known = (  # a word is known when its tokens (itself, or its BPE pieces) are not all <unk>
            any(p in translator.src_vocab for p in translator.segment([t])) for t in words_only
        )
        if words_only and not any(known):
            log.warning("line %d: every word is unknown to the model; copied unchanged", n + 1)
            results[n] = [(line.strip(), 0.0)]
            continue
        todo.append(n)
    pieces = [translator.segment(w) for w in words]  # the words, or their BPE pieces
    sources = [translator.src_vocab.encode(pieces[n]) for n in todo]
    found = translator.search(sources, search, batch_size=config.batch_size)
    no_attention = False
    for n, nbest in zip(todo, found, strict=True):
        results[n] = [(detokenize(translator.words(h, pieces[n])), h.score) for h in nbest]
        best = nbest[0]
        no_attention = no_attention or best.attention is None
        if config.heatmaps is not None and best.attention is not None:
            target = [*translator.tgt_vocab.decode(best.tokens), "</s>"]
            plot_attention(
                best.attention,
                pieces[n],
                target,
                config.heatmaps / f"line-{n + 1}.png",
                title=f"line {n + 1}: attention (score {best.score:.3f})",
            )
    if config.heatmaps is not None and no_attention:
        log.warning("this model has no attention: no heatmaps written")
    return results
